"""Endpoints of the zones app: zones, special cases, exemption grants (with their workflow, incidents and
use-and-result reports), targets, the KPI catalogue and snapshots, snapshot runs, and the open data."""

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from companies.models import Tenancy
from core.api.permissions import ReadOnly, ScopedPermission
from core.api.scoping import api_scope
from core.api.throttling import AnonRateThrottle, ScopedRateThrottle
from core.api.viewsets import ArchiveActionsMixin, ScopedModelViewSet, ScopedReadOnlyViewSet
from core.exceptions import ApplicationError
from programs.selectors import user_is_reviewer_only
from zones import kpi, services
from zones.api import serializers as s
from zones.filters import (
    ExemptionGrantFilter,
    KpiSnapshotFilter,
    KpiSnapshotRunFilter,
    OpenKpiFilter,
    OpenZoneFilter,
    SpecialCaseFilter,
    ZoneFilter,
    ZoneTargetFilter,
)
from zones.models import ExemptionGrant, KpiSnapshot, KpiSnapshotRun, SpecialCase, Zone, ZoneTarget
from zones.selectors import zone_ids_for_user
from zones.services_kpi import parse_period
from zones.services_kpi_runs import kpi_snapshot_run_start

Status = ExemptionGrant.Status


def _count(queryset: models.QuerySet, group_by: str) -> Coalesce:
    """A COUNT of `queryset` (filtered on an OuterRef) as a scalar subquery, 0 when it has no rows."""
    counted = queryset.order_by().values(group_by).annotate(value=models.Count("pk")).values("value")
    return Coalesce(Subquery(counted, output_field=models.BigIntegerField()), 0, output_field=models.BigIntegerField())


class PublicFactsMixin:
    """Records that are public facts (zones, special cases): every signed-in user reads the active ones, and
    the archived ones of the zones they work for; writes stay with the zone's staff (the scoped queryset)."""

    def get_queryset(self):
        scoped = super().get_queryset()
        user = self.request.user
        if self.request.method not in SAFE_METHODS or not user.is_authenticated or user.is_superuser:
            return scoped
        everything = GenericAPIView.get_queryset(self)
        return everything.filter(Q(archived_at__isnull=True) | Q(pk__in=scoped.values("pk")))


# --- zones -----------------------------------------------------------------------------------------------


class ZonePermission(ScopedPermission):
    """Zones are created, archived and restored by superusers only; their own staff change them."""

    SUPERUSER_ACTIONS = ("create", "archive", "restore")

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) in self.SUPERUSER_ACTIONS:
            user = request.user
            return bool(user and user.is_authenticated and user.is_active and user.is_superuser)
        return super().has_permission(request, view)


class ZoneViewSet(PublicFactsMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """Zones with their headline counts. Every signed-in user reads the active zones; a zone's staff with the
    change permission edit it; only superusers create, archive or restore one."""

    queryset = Zone.objects.for_admin_list()
    serializer_class = s.ZoneSerializer
    zone_path = "pk"
    permission_classes = [ZonePermission]
    filterset_class = ZoneFilter
    search_fields = ["name_ko", "name_en", "slug"]
    ordering_fields = ["id", "name_ko", "designated_on", "slug"]


# --- special cases ---------------------------------------------------------------------------------------


class SpecialCaseViewSet(PublicFactsMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """Regulatory special cases: public legal facts every signed-in user reads; the zone's staff write them."""

    queryset = SpecialCase.objects.for_admin_list()
    serializer_class = s.SpecialCaseSerializer
    zone_path = "zone"
    filterset_class = SpecialCaseFilter
    search_fields = ["code", "title_ko", "title_en", "law_name_ko", "law_name_en", "article"]
    ordering_fields = ["id", "code", "valid_from", "valid_until"]


# --- exemption grants ------------------------------------------------------------------------------------

_STEP_RESPONSES = {200: s.ExemptionGrantSerializer}


class ExemptionGrantViewSet(ArchiveActionsMixin, ScopedModelViewSet):
    """A company's use of a special case. Requested by the company (or the office for it), then moved along
    its workflow by the zone's staff through the same services the admin uses; incidents and use-and-result
    reports are filed by the company or the office while the grant is in use. No PUT/PATCH: data comes with
    the steps."""

    queryset = ExemptionGrant.objects.for_admin_list()
    serializer_class = s.ExemptionGrantSerializer
    zone_path = "special_case__zone"
    company_path = "company"
    http_method_names = ["get", "post", "head", "options"]
    company_actions = ("create", "incidents", "use_reports")
    action_permissions = {
        "archive": "change",
        "restore": "change",
        "review": "change",
        "refuse": "change",
        "grant": "change",
        "activate": "change",
        "extend": "change",
        "expire": "change",
        "revoke": "change",
        "incidents": "change",
        "use_reports": "change",
    }
    filterset_class = ExemptionGrantFilter
    search_fields = [
        "company__name_ko",
        "company__name_en",
        "company__brn",
        "special_case__code",
        "special_case__title_ko",
        "certificate_no",
    ]
    ordering_fields = ["id", "status", "starts_on", "ends_on", "created_at"]

    def get_queryset(self):
        user = self.request.user
        if user.is_authenticated and user_is_reviewer_only(user):
            # Reviewers judge program applications; a company's special-case grants are not theirs to read.
            unscoped = GenericAPIView.get_queryset(self)
            return api_scope(unscoped, user, zone_path=None, company_path="company")
        return super().get_queryset()

    def _staff_object(self) -> ExemptionGrant:
        """The grant, for the office's steps: found through the zone scope only (a company user acting for the
        grant's company is not its office)."""
        grant = self.get_object()
        zone_ids = zone_ids_for_user(self.request.user)
        if zone_ids is not None and grant.special_case.zone_id not in zone_ids:
            raise NotFound
        return grant

    @extend_schema(request=s.ExemptionGrantCreateSerializer, responses={201: s.ExemptionGrantSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.ExemptionGrantCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        grant = services.exemption_grant_request(acting_user=request.user, **serializer.validated_data)
        return Response(self._read_back(grant).data, status=status.HTTP_201_CREATED)

    def _step(self, request, serializer_class, perform):
        grant = self._staff_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["expected_from"] = data.get("expected_from") or None
        return Response(self._read_back(perform(grant, data)).data)

    def _plain_step(self, request, to: str):
        return self._step(
            request,
            s.ExemptionGrantStepSerializer,
            lambda grant, data: services.exemption_grant_transition(
                grant=grant, to=to, acting_user=request.user, **data
            ),
        )

    @extend_schema(request=s.ExemptionGrantStepSerializer, responses=_STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Requested → under review."""
        return self._plain_step(request, Status.UNDER_REVIEW)

    @extend_schema(request=s.ExemptionGrantStepSerializer, responses=_STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Requested or under review → refused."""
        return self._plain_step(request, Status.REFUSED)

    @extend_schema(request=s.ExemptionGrantStepSerializer, responses=_STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Granted → active (in use)."""
        return self._plain_step(request, Status.ACTIVE)

    @extend_schema(request=s.ExemptionGrantStepSerializer, responses=_STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def expire(self, request, pk=None):
        """Active or extended → expired."""
        return self._plain_step(request, Status.EXPIRED)

    @extend_schema(request=s.ExemptionGrantGrantStepSerializer, responses=_STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def grant(self, request, pk=None):
        """Under review → granted, with conditions, period, liability insurance and certificate (a field left
        out keeps the grant's value)."""

        def perform(grant, data):
            fields = ("conditions", "starts_on", "ends_on", "insurer", "insurance_policy_no", "certificate_no")
            values = {name: data.get(name, getattr(grant, name)) for name in fields}
            coverage = data.get("insurance_coverage_krw", grant.insurance_coverage_krw)
            return services.exemption_grant_grant(
                grant=grant,
                insurance_coverage_krw=coverage,
                acting_user=request.user,
                comment=data.get("comment", ""),
                expected_from=data["expected_from"],
                **values,
            )

        return self._step(request, s.ExemptionGrantGrantStepSerializer, perform)

    @extend_schema(request=s.ExemptionGrantExtendSerializer, responses=_STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Active → extended, to a later end date."""
        return self._step(
            request,
            s.ExemptionGrantExtendSerializer,
            lambda grant, data: services.exemption_grant_extend(
                grant=grant,
                ends_on=data.get("ends_on"),
                acting_user=request.user,
                comment=data.get("comment", ""),
                expected_from=data["expected_from"],
            ),
        )

    @extend_schema(request=s.ExemptionGrantRevokeSerializer, responses=_STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Granted, active or extended → revoked, for a reason."""
        return self._step(
            request,
            s.ExemptionGrantRevokeSerializer,
            lambda grant, data: services.exemption_grant_revoke(
                grant=grant,
                reason=data.get("revoked_reason", ""),
                acting_user=request.user,
                expected_from=data["expected_from"],
            ),
        )

    @extend_schema(methods=["GET"], request=None, responses=s.ExemptionIncidentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.ExemptionIncidentSerializer, responses={201: s.ExemptionIncidentSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def incidents(self, request, pk=None):
        """The grant's incidents; POST reports one (only on a grant in use)."""
        grant = self.get_object()
        if request.method == "GET":
            rows = grant.incidents.order_by("-occurred_at", "-id")
            return Response(s.ExemptionIncidentSerializer(rows, many=True).data)
        serializer = s.ExemptionIncidentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.exemption_incident_report(
            grant=grant, acting_user=request.user, **serializer.validated_data
        )
        return Response(s.ExemptionIncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses=s.ExemptionUseReportSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.ExemptionUseReportSerializer, responses={201: s.ExemptionUseReportSerializer}
    )
    @action(detail=True, methods=["get", "post"], url_path="use-reports", pagination_class=None, filterset_class=None)
    def use_reports(self, request, pk=None):
        """The grant's use-and-result reports; POST files one (only on a grant in use)."""
        grant = self.get_object()
        if request.method == "GET":
            rows = grant.use_reports.order_by("-period_start", "-id")
            return Response(s.ExemptionUseReportSerializer(rows, many=True).data)
        serializer = s.ExemptionUseReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.exemption_use_report_submit(
            grant=grant, acting_user=request.user, **serializer.validated_data
        )
        return Response(s.ExemptionUseReportSerializer(report).data, status=status.HTTP_201_CREATED)


# --- targets and KPIs ------------------------------------------------------------------------------------


class ZoneTargetViewSet(ScopedModelViewSet):
    """A zone's yearly targets: read and written by the zone's staff."""

    queryset = ZoneTarget.objects.select_related("zone")
    serializer_class = s.ZoneTargetSerializer
    zone_path = "zone"
    filterset_class = ZoneTargetFilter
    ordering_fields = ["id", "year", "measure"]


@extend_schema_view(
    retrieve=extend_schema(parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)])
)
class KpiDefinitionViewSet(viewsets.ViewSet):
    """The KPI catalogue: what each measure means, its unit and pillar, and the yearly target it is read against.
    Documentation, open to everyone."""

    permission_classes = [ReadOnly]
    serializer_class = s.KpiDefinitionSerializer
    lookup_field = "code"
    lookup_value_regex = "[a-z0-9_]+"

    @extend_schema(responses=s.KpiDefinitionSerializer(many=True))
    def list(self, request):
        return Response(s.KpiDefinitionSerializer(kpi.KPIS, many=True).data)

    @extend_schema(responses=s.KpiDefinitionSerializer)
    def retrieve(self, request, code=None):
        definition = kpi.KPI_BY_CODE.get(code)
        if definition is None:
            raise NotFound(_("No such KPI."))
        return Response(s.KpiDefinitionSerializer(definition).data)


class KpiSnapshotViewSet(ScopedReadOnlyViewSet):
    """KPI snapshots of the user's zones, as taken (read-only: zones.services_kpi takes them)."""

    queryset = KpiSnapshot.objects.select_related("zone")
    serializer_class = s.KpiSnapshotSerializer
    zone_path = "zone"
    filterset_class = KpiSnapshotFilter
    search_fields = ["code"]
    ordering_fields = ["id", "period_start", "code"]


class KpiSnapshotRunPermission(ScopedPermission):
    """Starting a run needs what the admin's page needs: staff with the change permission on zones."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff) and user.has_perm(
            "zones.change_zone"
        )


class KpiSnapshotRunViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Snapshot runs: POST starts one (one period, some of the user's zones), GET follows its progress. Like
    the admin, staff see the runs whose zones are all among theirs; superusers every run."""

    queryset = KpiSnapshotRun.objects.select_related("requested_by").prefetch_related("zones")
    serializer_class = s.KpiSnapshotRunSerializer
    permission_classes = [KpiSnapshotRunPermission]
    filterset_class = KpiSnapshotRunFilter
    ordering_fields = ["id", "period_start", "created_at"]

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        zone_ids = zone_ids_for_user(user)
        if zone_ids is None:
            return queryset
        if not zone_ids:
            return queryset.none()
        outside = KpiSnapshotRun.zones.through.objects.exclude(zone_id__in=zone_ids)
        return queryset.exclude(pk__in=outside.values("kpisnapshotrun_id"))

    @extend_schema(request=s.KpiSnapshotRunStartSerializer, responses={201: s.KpiSnapshotRunSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.KpiSnapshotRunStartSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            period_kind, period_start, _end = parse_period(serializer.validated_data["period"])
        except ApplicationError as error:
            raise ApplicationError(error.message, field="period") from error
        run = kpi_snapshot_run_start(
            zones=serializer.validated_data["zones"],
            period_kind=period_kind,
            period_start=period_start,
            acting_user=request.user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=run.pk)).data, status=status.HTTP_201_CREATED)


# --- open data -------------------------------------------------------------------------------------------


class OpenDataMixin:
    """No login, read-only, throttled on its own scope; nothing about people or single companies."""

    permission_classes = [ReadOnly]
    throttle_classes = [ScopedRateThrottle, AnonRateThrottle]
    throttle_scope = "open_data"


class OpenZoneViewSet(OpenDataMixin, viewsets.ReadOnlyModelViewSet):
    """The active zones with what the public may know of them: special cases in force today and how many
    companies reside there (counted in the database)."""

    serializer_class = s.OpenZoneSerializer
    filterset_class = OpenZoneFilter
    search_fields = ["name_ko", "name_en", "slug"]
    ordering_fields = ["id", "name_ko", "designated_on", "slug"]
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        today = timezone.localdate()
        cases = SpecialCase.objects.filter(zone=OuterRef("pk"), archived_at__isnull=True).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        )
        residents = Tenancy.objects.filter(
            zone=OuterRef("pk"), status=Tenancy.Status.RESIDENT, archived_at__isnull=True
        )
        return Zone.objects.active().annotate(
            special_cases_in_force=_count(cases, "zone"), resident_companies=_count(residents, "zone")
        )


class OpenKpiViewSet(OpenDataMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published KPI figures: the snapshots of active zones, for measures of the catalogue, whose period ended
    before today (Asia/Seoul). A snapshot is frozen when taken, so a published figure does not change."""

    serializer_class = s.OpenKpiSerializer
    filterset_class = OpenKpiFilter
    ordering_fields = ["id", "period_start", "code"]

    def get_queryset(self):
        return KpiSnapshot.objects.select_related("zone").filter(
            zone__archived_at__isnull=True,
            code__in=list(kpi.KPI_BY_CODE),
            period_end__lt=timezone.localdate(),
        )
