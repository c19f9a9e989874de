"""Funds, fund commitments, investments, compute allocations, training programs, cohorts, enrolments and
trainees under /api/v1/.

Who sees what:
- funds, fund commitments: staff of the fund's zone;
- investments, compute allocations: staff of the zone, and the company's own users (read only);
- training programs, cohorts: every signed-in user reads the live offer; staff of the zone also archived ones;
- enrolments, trainees: staff of the zone only (a trainee through their enrolments), never company users;
  trainees' names, emails and phones are masked unless the user may change trainees, and each unmasked read is
  recorded in the personal data access log (core.audit).
Reviewer-only zone staff see none of these except the training offer. Writes need the model permission.
"""

from django.db import transaction
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from core.api.viewsets import ArchiveActionsMixin, ScopedModelViewSet
from core.audit import personal_data_access_record
from core.models import PersonalDataAccess
from core.services import record_create
from programs.api.masking import can_see_personal_data
from programs.api.support_serializers import (
    CohortSerializer,
    ComputeAllocationSerializer,
    EnrolmentCreateSerializer,
    EnrolmentEmploySerializer,
    EnrolmentSerializer,
    EnrolmentStepSerializer,
    FundCommitmentSerializer,
    FundSerializer,
    InvestmentSerializer,
    TraineeCreateSerializer,
    TraineeSerializer,
    TrainingProgramSerializer,
)
from programs.filters.support import (
    CohortFilter,
    ComputeAllocationFilter,
    EnrolmentFilter,
    FundCommitmentFilter,
    FundFilter,
    InvestmentFilter,
    TraineeFilter,
    TrainingProgramFilter,
)
from programs.models import (
    Cohort,
    ComputeAllocation,
    Enrolment,
    Fund,
    FundCommitment,
    Investment,
    Trainee,
    TrainingProgram,
)
from programs.selectors import trainee_list, user_is_reviewer_only
from programs.services import training as training_services
from zones.selectors import zone_ids_for_user

ARCHIVE_PERMISSIONS = ArchiveActionsMixin.action_permissions


class NotForReviewersMixin:
    """Reviewer-only zone staff review applications; these records are none of theirs."""

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.none() if user_is_reviewer_only(self.request.user) else queryset


class PublicOfferMixin:
    """Reads: the live records (`live` lookups) for every signed-in user, plus every record of the user's
    zones for zone staff. Writes and actions: the user's zones only, as everywhere else."""

    live: dict = {}

    def get_queryset(self):
        if self.request.method not in SAFE_METHODS:
            return super().get_queryset()
        queryset = self.queryset.all()
        user = self.request.user
        if not user.is_authenticated or not user.is_active:
            return queryset.none()
        zone_ids = zone_ids_for_user(user)
        if zone_ids is None:
            return queryset
        visible = Q(**self.live)
        if zone_ids:
            visible |= Q(**{f"{self.zone_path}__in": zone_ids})
        return queryset.filter(visible)


# --- funds and compute -------------------------------------------------------------


class FundViewSet(NotForReviewersMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """Funds of the user's zones with their committed, invested and remaining totals."""

    queryset = Fund.objects.for_admin_list()
    serializer_class = FundSerializer
    zone_path = "zone"
    filterset_class = FundFilter
    search_fields = ("name_ko", "name_en", "manager")
    ordering_fields = ("id", "name_ko", "size_krw", "vintage_year", "created_at")
    ordering = ("-id",)


class FundCommitmentViewSet(NotForReviewersMixin, ScopedModelViewSet):
    queryset = FundCommitment.objects.for_admin_list()
    serializer_class = FundCommitmentSerializer
    zone_path = "fund__zone"
    filterset_class = FundCommitmentFilter
    search_fields = ("investor_name", "fund__name_ko", "fund__name_en")
    ordering_fields = ("id", "committed_on", "amount_krw")
    ordering = ("-id",)


class InvestmentViewSet(NotForReviewersMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """Staff of the fund's zone; the investee company's users read their own."""

    queryset = Investment.objects.for_admin_list()
    serializer_class = InvestmentSerializer
    zone_path = "fund__zone"
    company_path = "company"
    filterset_class = InvestmentFilter
    search_fields = ("company__name_ko", "company__name_en", "fund__name_ko", "note")
    ordering_fields = ("id", "invested_on", "amount_krw")
    ordering = ("-id",)


class ComputeAllocationViewSet(NotForReviewersMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """Staff of the zone; the company's users read their own. The status is a plain choice (no workflow)."""

    queryset = ComputeAllocation.objects.for_admin_list()
    serializer_class = ComputeAllocationSerializer
    zone_path = "zone"
    company_path = "company"
    filterset_class = ComputeAllocationFilter
    search_fields = ("company__name_ko", "company__name_en", "resource")
    ordering_fields = ("id", "starts_on", "gpu_hours", "value_krw")
    ordering = ("-id",)


# --- training ----------------------------------------------------------------------


class TrainingProgramViewSet(PublicOfferMixin, ArchiveActionsMixin, ScopedModelViewSet):
    queryset = TrainingProgram.objects.for_admin_list()
    serializer_class = TrainingProgramSerializer
    zone_path = "zone"
    live = {"archived_at__isnull": True, "zone__archived_at__isnull": True}
    filterset_class = TrainingProgramFilter
    search_fields = ("code", "name_ko", "name_en", "operator")
    ordering_fields = ("id", "name_ko", "code")
    ordering = ("-id",)


class CohortViewSet(PublicOfferMixin, ArchiveActionsMixin, ScopedModelViewSet):
    queryset = Cohort.objects.for_admin_list()
    serializer_class = CohortSerializer
    zone_path = "training_program__zone"
    live = {
        "archived_at__isnull": True,
        "training_program__archived_at__isnull": True,
        "training_program__zone__archived_at__isnull": True,
    }
    filterset_class = CohortFilter
    search_fields = ("name", "training_program__name_ko", "training_program__code")
    ordering_fields = ("id", "starts_on", "ends_on")
    ordering = ("-id",)


class PersonalSearchMixin:
    """Searching by a trainee's name is for those who may see it: a masked list is not narrowed by it."""

    search_fields_public: tuple = ()
    search_fields_personal: tuple = ()

    @property
    def search_fields(self):
        request = getattr(self, "request", None)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not can_see_personal_data(user):
            return self.search_fields_public
        return (*self.search_fields_public, *self.search_fields_personal)


STEP_SCHEMA = extend_schema(request=EnrolmentStepSerializer, responses=EnrolmentSerializer)


@extend_schema_view(create=extend_schema(request=EnrolmentCreateSerializer, responses={201: EnrolmentSerializer}))
class EnrolmentViewSet(PersonalSearchMixin, NotForReviewersMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """Staff of the cohort's zone. Created as "applied"; the steps are actions through the training services
    (enrol, complete, drop, employ), each with its audit row."""

    # What the serializer reads: the trainee's name, the cohort and its training program (the zone and the
    # employer by id only).
    queryset = Enrolment.objects.select_related("trainee", "cohort__training_program")
    serializer_class = EnrolmentSerializer
    zone_path = "cohort__training_program__zone"
    filterset_class = EnrolmentFilter
    search_fields_public = (
        "cohort__name",
        "cohort__training_program__name_ko",
        "employed_by__name_ko",
        "employer_name",
    )
    search_fields_personal = ("trainee__full_name",)
    ordering_fields = ("id", "status")
    ordering = ("-id",)
    action_permissions = {
        **ARCHIVE_PERMISSIONS,
        "enrol": "change",
        "complete": "change",
        "drop": "change",
        "employ": "change",
    }

    # A page reads every column of the enrolments but only these of the rows joined to them: a million enrolments'
    # trainees and programs are wide records.
    list_inline_columns = (
        "cohort__name",
        "cohort__training_program_id",
        "cohort__training_program__name_ko",
        "cohort__training_program__zone_id",
        "trainee__full_name",  # written masked
    )

    def get_serializer_class(self):
        return EnrolmentCreateSerializer if self.action == "create" else EnrolmentSerializer

    def _read_back(self, obj):
        return EnrolmentSerializer(self.get_queryset().get(pk=obj.pk), context=self.get_serializer_context())

    def _step(self, request, to: str) -> Response:
        enrolment = self.get_object()
        data = EnrolmentStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        obj = training_services.enrolment_transition(
            enrolment=enrolment,
            to=to,
            acting_user=request.user,
            on=data.validated_data.get("on"),
            comment=data.validated_data.get("comment", ""),
            expected_from=data.validated_data.get("expected_from"),
        )
        return Response(self._read_back(obj).data)

    @STEP_SCHEMA
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        """Applied -> enrolled (`on`: the enrolment date, today if empty)."""
        return self._step(request, Enrolment.Status.ENROLLED)

    @STEP_SCHEMA
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Enrolled -> completed (`on`: the completion date, not before the enrolment date)."""
        return self._step(request, Enrolment.Status.COMPLETED)

    @STEP_SCHEMA
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        """Applied or enrolled -> dropped."""
        return self._step(request, Enrolment.Status.DROPPED)

    @extend_schema(request=EnrolmentEmploySerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def employ(self, request, pk=None):
        """Completed -> employed: by a registered company (`employed_by`) or another employer (`employer_name`),
        since `employed_on`."""
        enrolment = self.get_object()
        data = EnrolmentEmploySerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        obj = training_services.enrolment_employ(
            enrolment=enrolment,
            acting_user=request.user,
            employed_by=values.get("employed_by"),
            employer_name=values.get("employer_name", ""),
            employed_on=values.get("employed_on"),
            job_title=values.get("job_title", ""),
            comment=values.get("comment", ""),
            expected_from=values.get("expected_from"),
        )
        return Response(self._read_back(obj).data)


@extend_schema_view(create=extend_schema(request=TraineeCreateSerializer, responses={201: TraineeSerializer}))
class TraineeViewSet(PersonalSearchMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """Personal data. Staff of the zones where the trainee has an enrolment (`programs.selectors.trainee_list`);
    full name, email and phone for those who may change trainees, masked for everyone else."""

    queryset = Trainee.objects.for_admin_list()
    serializer_class = TraineeSerializer
    filterset_class = TraineeFilter
    search_fields_personal = ("full_name", "=email")
    ordering_fields = ("id", "retention_until", "created_at")
    ordering = ("-id",)

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated or not user.is_active or user_is_reviewer_only(user):
            return Trainee.objects.none()
        return trainee_list(user=user, queryset=self.queryset.all())

    def get_serializer_class(self):
        return TraineeCreateSerializer if self.action == "create" else TraineeSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["full_personal_data"] = can_see_personal_data(self.request.user)
        return context

    def _read_back(self, obj):
        return TraineeSerializer(self.get_queryset().get(pk=obj.pk), context=self.get_serializer_context())

    def retrieve(self, request, *args, **kwargs):
        """Unmasked data read is recorded (core.audit); a masked one is not."""
        response = super().retrieve(request, *args, **kwargs)
        if response.status_code == 200 and can_see_personal_data(request.user):
            trainee_id = response.data["id"]
            personal_data_access_record(
                actor=request.user,
                action=PersonalDataAccess.Action.API_RETRIEVE,
                model=Trainee,
                object_id=trainee_id,
                request=request,
                record_zone_ids=Enrolment.objects.filter(trainee_id=trainee_id).values_list(
                    "cohort__training_program__zone_id", flat=True
                ),
            )
        return response

    def list(self, request, *args, **kwargs):
        """An unmasked page is recorded with its number of rows; a masked or empty one is not."""
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", ()) if isinstance(response.data, dict) else response.data
        if response.status_code == 200 and rows and can_see_personal_data(request.user):
            personal_data_access_record(
                actor=request.user,
                action=PersonalDataAccess.Action.API_LIST,
                model=Trainee,
                record_count=len(rows),
                request=request,
            )
        return response

    @transaction.atomic
    def create_record(self, data: dict) -> Trainee:
        cohort = data.pop("cohort")
        trainee = record_create(model=Trainee, acting_user=self.request.user, **data)
        record_create(model=Enrolment, acting_user=self.request.user, cohort=cohort, trainee=trainee)
        return trainee


def register(router) -> None:
    """Funds, fund commitments, investments, compute allocations, training programs, cohorts, enrolments."""
    router.register("funds", FundViewSet, basename="fund")
    router.register("fund-commitments", FundCommitmentViewSet, basename="fund-commitment")
    router.register("investments", InvestmentViewSet, basename="investment")
    router.register("compute-allocations", ComputeAllocationViewSet, basename="compute-allocation")
    router.register("training-programs", TrainingProgramViewSet, basename="training-program")
    router.register("cohorts", CohortViewSet, basename="cohort")
    router.register("enrolments", EnrolmentViewSet, basename="enrolment")
    router.register("trainees", TraineeViewSet, basename="trainee")
