"""Companies, tenancies, MOUs, commitments and self-reports under /api/v1/.

Writes and workflow steps call the services the admin and the portal use. Companies are a national registry
(every zone staff member sees them all); the other records belong to a zone and to a company."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from companies import services
from companies.api.serializers import (
    CompanySerializer,
    MouCommitmentActualSerializer,
    MouCommitmentSerializer,
    MouDetailSerializer,
    MouSerializer,
    MouTransitionSerializer,
    SelfReportCreateSerializer,
    SelfReportFiguresSerializer,
    SelfReportReturnSerializer,
    SelfReportSerializer,
    TenancySerializer,
    TenancyTransitionSerializer,
)
from companies.filters import (
    CompanyFilterSet,
    MouCommitmentFilterSet,
    MouFilterSet,
    NumberAwareSearchFilter,
    SelfReportFilterSet,
    TenancyFilterSet,
)
from companies.models import AIField, Company, Mou, MouCommitment, SelfReport, Tenancy
from companies.selectors import companies_visible_to, is_registry_staff
from core.api.filters import ScopedFilterBackend
from core.api.scoping import api_scope
from core.api.viewsets import ArchiveActionsMixin, ScopedModelViewSet
from core.exceptions import ApplicationError
from programs.selectors import user_is_reviewer_only

FILTER_BACKENDS = [ScopedFilterBackend, NumberAwareSearchFilter, OrderingFilter]

# A page's AI fields in one query, as a list on each company (CompanySerializer.prefetched_lists): no related
# manager and queryset built per company.
COMPANY_AI_FIELDS = Prefetch("ai_fields", queryset=AIField.objects.all(), to_attr="ai_field_list")


class ZoneRecordMixin:
    """A zone's records: reviewers (whose only zone role is reviewing) see none of them, only what their
    own company has, if any."""

    filter_backends = FILTER_BACKENDS

    def get_queryset(self):
        user = self.request.user
        if user_is_reviewer_only(user):
            return api_scope(self.queryset.all(), user, zone_path=None, company_path=self.company_path)
        return super().get_queryset()


# --- companies -----------------------------------------------------------------------


class CompanyViewSet(ArchiveActionsMixin, ScopedModelViewSet):
    """The national company registry. Zone staff see every company and, with the permissions, register,
    edit, archive and restore them; a company's users see their own companies, and its owners edit the
    profile (not the business registration number)."""

    queryset = Company.objects.prefetch_related(COMPANY_AI_FIELDS)
    serializer_class = CompanySerializer
    filterset_class = CompanyFilterSet
    filter_backends = FILTER_BACKENDS
    search_fields = ["name_ko", "name_en"]
    number_search_paths = ("brn", "corporate_number")
    ordering_fields = ["name_ko", "name_en", "id"]
    company_actions = ("update", "partial_update")

    def get_queryset(self):
        return companies_visible_to(self.request.user, self.queryset.all())

    def _acts_as_office(self) -> bool:
        user = self.request.user
        return user.is_staff and user.has_perm("companies.change_company") and is_registry_staff(user)

    def create_record(self, data: dict) -> Company:
        # The office registers a company without becoming its owner (company_register makes the registering
        # portal user the owner): the company claims its record later.
        if not is_registry_staff(self.request.user):
            raise PermissionDenied()
        return services.company_record_by_office(acting_user=self.request.user, data=data)

    def update_record(self, obj: Company, data: dict) -> Company:
        if self._acts_as_office():
            return services.company_record_by_office(company=obj, acting_user=self.request.user, data=data)
        if "brn" in data and data["brn"] != obj.brn:
            raise ApplicationError(
                _("The business registration number is the company itself: only the zone office changes it."),
                field="brn",
            )
        return services.company_update(company=obj, acting_user=self.request.user, data=data)


# --- tenancies -----------------------------------------------------------------------


class TenancyViewSet(ZoneRecordMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """A company's tenancy in a zone. Created as an applicant; the status moves only through `transition`."""

    queryset = Tenancy.objects.for_admin_list()
    serializer_class = TenancySerializer
    zone_path = "zone"
    company_path = "company"
    filterset_class = TenancyFilterSet
    search_fields = ["company__name_ko", "company__name_en", "building", "space"]
    number_search_paths = ("company__brn",)
    ordering_fields = ["created_at", "id"]
    action_permissions = {**ArchiveActionsMixin.action_permissions, "transition": "change"}

    @extend_schema(request=TenancyTransitionSerializer, responses=TenancySerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the tenancy to its next status (see allowed_transitions), recording the step's date."""
        tenancy = self.get_object()
        step = TenancyTransitionSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        tenancy = services.tenancy_transition(
            tenancy=tenancy,
            to=step.validated_data["to"],
            on=step.validated_data.get("on"),
            comment=step.validated_data["comment"],
            expected_from=step.validated_data.get("expected_from"),
            acting_user=request.user,
        )
        return Response(self._read_back(tenancy).data)


# --- MOUs ----------------------------------------------------------------------------


class MouViewSet(ZoneRecordMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """MOUs with promised against delivered figures; one MOU also lists its commitments. A company's users
    read their company's MOUs."""

    queryset = Mou.objects.for_admin_list()
    serializer_class = MouSerializer
    zone_path = "zone"
    company_path = "company"
    filterset_class = MouFilterSet
    search_fields = ["title", "counterparty_name", "company__name_ko", "company__name_en"]
    number_search_paths = ("company__brn",)
    ordering_fields = ["signed_on", "id"]
    action_permissions = {**ArchiveActionsMixin.action_permissions, "transition": "change"}

    # A page reads every column of the MOUs but only the names of their zone and company (a wide record); an MOU
    # with an institution has no company.
    list_inline_columns = ("zone__name_ko",)
    list_joined_columns = ("company__name_ko",)

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.action == "list" else queryset.prefetch_related("commitments")

    def get_serializer_class(self):
        return MouSerializer if self.action == "list" else MouDetailSerializer

    @extend_schema(request=MouTransitionSerializer, responses=MouDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the MOU to its next status (see allowed_transitions)."""
        mou = self.get_object()
        step = MouTransitionSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        mou = services.mou_transition(
            mou=mou,
            to=step.validated_data["to"],
            comment=step.validated_data["comment"],
            expected_from=step.validated_data.get("expected_from"),
            acting_user=request.user,
        )
        return Response(self._read_back(mou).data)


class MouCommitmentViewSet(ZoneRecordMixin, ScopedModelViewSet):
    """One promise of an MOU. The office records what was delivered through `record-actual`."""

    queryset = MouCommitment.objects.for_admin_list()
    serializer_class = MouCommitmentSerializer
    zone_path = "mou__zone"
    company_path = "mou__company"
    filterset_class = MouCommitmentFilterSet
    search_fields = ["description", "mou__title", "mou__counterparty_name", "mou__company__name_ko"]
    number_search_paths = ("mou__company__brn",)
    ordering_fields = ["created_at", "id"]
    action_permissions = {"record_actual": "change"}

    @extend_schema(request=MouCommitmentActualSerializer, responses=MouCommitmentSerializer)
    @action(detail=True, methods=["post"], url_path="record-actual")
    def record_actual(self, request, pk=None):
        """Record what was actually delivered on the promise and when (the MOU must still be open)."""
        commitment = self.get_object()
        actual = MouCommitmentActualSerializer(data=request.data)
        actual.is_valid(raise_exception=True)
        commitment = services.mou_commitment_record_actual(
            commitment=commitment, acting_user=request.user, **actual.validated_data
        )
        return Response(self._read_back(commitment).data)


# --- self-reports --------------------------------------------------------------------


class SelfReportViewSet(ZoneRecordMixin, ScopedModelViewSet):
    """The quarterly figures a company owes a zone. Its users save drafts (POST with company, zone, year and
    quarter; PATCH afterwards) and submit; the zone office accepts and locks, or returns with a comment."""

    queryset = SelfReport.objects.select_related("company", "zone")
    serializer_class = SelfReportSerializer
    zone_path = "zone"
    company_path = "company"
    filterset_class = SelfReportFilterSet
    search_fields = ["company__name_ko", "company__name_en"]
    number_search_paths = ("company__brn",)
    ordering_fields = ["year", "quarter", "id"]
    company_actions = ("create", "update", "partial_update", "submit")
    action_permissions = {"submit": "change", "lock": "change", "return_for_changes": "change"}

    def get_serializer_class(self):
        return SelfReportCreateSerializer if self.action == "create" else SelfReportSerializer

    def create_record(self, data: dict) -> SelfReport:
        return services.selfreport_save(
            company=data.pop("company"),
            zone=data.pop("zone"),
            year=data.pop("year"),
            quarter=data.pop("quarter"),
            submit=data.pop("submit", False),
            data=data,
            acting_user=self.request.user,
        )

    def update_record(self, obj: SelfReport, data: dict) -> SelfReport:
        return self._save(obj, data, submit=False)

    def _save(self, report: SelfReport, data: dict, *, submit: bool) -> SelfReport:
        return services.selfreport_save(
            company=report.company,
            zone=report.zone,
            year=report.year,
            quarter=report.quarter,
            data=data,
            submit=submit,
            acting_user=self.request.user,
        )

    @extend_schema(request=SelfReportFiguresSerializer, responses=SelfReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the report (again, as a correction) with any figures sent; every figure must be filled."""
        report = self.get_object()
        figures = SelfReportFiguresSerializer(report, data=request.data, partial=True)
        figures.is_valid(raise_exception=True)
        report = self._save(report, dict(figures.validated_data), submit=True)
        return Response(self._read_back(report).data)

    @extend_schema(request=None, responses=SelfReportSerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        """The zone office accepts a submitted report; nobody changes it afterwards."""
        report = services.selfreport_lock(report=self.get_object(), acting_user=request.user)
        return Response(self._read_back(report).data)

    @extend_schema(request=SelfReportReturnSerializer, responses=SelfReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_changes(self, request, pk=None):
        """The zone office sends a submitted report back with what to correct; the company's members are told."""
        report = self.get_object()
        comment = SelfReportReturnSerializer(data=request.data)
        comment.is_valid(raise_exception=True)
        report = services.selfreport_return(
            report=report,
            acting_user=request.user,
            comment=comment.validated_data["comment"],
            base_url=request.build_absolute_uri("/"),
        )
        return Response(self._read_back(report).data)
