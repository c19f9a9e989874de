"""Programs, calls, applications (with their workflow as actions) and reviews under /api/v1/.

Programs and published calls are public to anyone signed in; zone staff also read and write their zones'
(unpublished calls included). Applications: a company's users start, edit, submit and withdraw their own;
the zone office moves them through the workflow (`programs.services.decisions.application_step`, the
services the admin uses); reviewer-only staff see only the applications and reviews assigned to them.
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.scoping import company_ids_for_user
from core.api.viewsets import ArchiveActionsMixin, ScopedModelViewSet
from core.exceptions import ApplicationError
from programs.api.calls_serializers import (
    ApplicationCoreSerializer,
    ApplicationSerializer,
    ApplicationStartSerializer,
    ApprovalSerializer,
    CallSerializer,
    ConflictSerializer,
    OfficeStepSerializer,
    ProgramSerializer,
    RankingRowSerializer,
    RejectSerializer,
    RequestInformationSerializer,
    ReviewAssignSerializer,
    ReviewSerializer,
    ReviewSubmitSerializer,
    TransitionSerializer,
    WithdrawSerializer,
)
from programs.filters.calls import ApplicationFilter, CallFilter, ProgramFilter, ReviewFilter
from programs.form_builder import core_field_names, core_form_class
from programs.models import Application, Call, Program, Review, ReviewScore
from programs.selectors import (
    application_timeline,
    applications_visible_to_reviewer,
    call_ranking,
    criterion_average_key,
    criterion_passed_key,
    reviews_visible_to,
    user_is_reviewer_only,
)
from programs.services.applications import application_start, application_submit, application_withdraw
from programs.services.decisions import ApprovalDetails, application_step
from programs.services.forms import application_save_core
from programs.services.reviews import review_assign, review_declare_conflict, review_submit
from zones.selectors import zone_ids_for_user

Status = Application.Status

# The actions that read; every other action of a public-read viewset sees only the user's zones.
READ_ACTIONS = ("list", "retrieve")


class PublicReadMixin:
    """Rows any signed-in user may read (`public_rows()`) besides the zone staff's own; writes stay zone-scoped."""

    def public_rows(self) -> Q:
        raise NotImplementedError

    def get_queryset(self):
        if self.action not in READ_ACTIONS:
            return super().get_queryset()
        user = self.request.user
        queryset = self.queryset.all()
        if not (user and user.is_authenticated and user.is_active):
            return queryset.none()
        zone_ids = zone_ids_for_user(user)
        if zone_ids is None:
            return queryset
        visible = self.public_rows()
        if zone_ids:
            visible |= Q(**{f"{self.zone_path}__in": zone_ids})
        return queryset.filter(visible)


# --- programs -------------------------------------------------------------------------------------------------


class ProgramViewSet(PublicReadMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """Support programs: anyone signed in reads the live ones; zone staff create and change their zones'."""

    queryset = Program.objects.all()
    serializer_class = ProgramSerializer
    zone_path = "zone"
    filterset_class = ProgramFilter
    search_fields = ["name_ko", "name_en", "code"]
    ordering_fields = ["id", "name_ko"]

    def public_rows(self) -> Q:
        return Q(archived_at__isnull=True, zone__archived_at__isnull=True)


# --- calls ----------------------------------------------------------------------------------------------------


class CallViewSet(PublicReadMixin, ArchiveActionsMixin, ScopedModelViewSet):
    """Calls for applications: anyone signed in reads the published ones of live programs; zone staff read
    and write every call of their zones; `ranking` is the review ranking for the zone office."""

    queryset = Call.objects.select_related("program")
    serializer_class = CallSerializer
    zone_path = "program__zone"
    filterset_class = CallFilter
    search_fields = ["title_ko", "title_en", "code"]
    ordering_fields = ["id", "opens_at", "closes_at"]

    def public_rows(self) -> Q:
        # The portal's public calls (programs.selectors.call_get_public): published, nothing archived above.
        return Q(
            is_published=True,
            archived_at__isnull=True,
            program__archived_at__isnull=True,
            program__zone__archived_at__isnull=True,
        )

    @extend_schema(request=None, responses=RankingRowSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ranking(self, request, pk=None):
        """The call's applications under review or decided, ranked by their reviews' weighted average."""
        user = request.user
        if not user.is_staff or user_is_reviewer_only(user) or not user.has_perm("programs.view_application"):
            raise exceptions.PermissionDenied(_("The review ranking is for the zone office."))
        call = self.get_object()
        criteria = list(call.criteria.order_by("order", "pk"))
        rows = []
        for application in call_ranking(call, criteria):
            screening = getattr(application, "screening", None) if _has_screening(application) else None
            rows.append(
                {
                    "rank": application.rank if application.average_score is not None else None,
                    "application": application.pk,
                    "company": application.company_id,
                    "company_name": application.company.name_ko,
                    "title": application.title,
                    "status": application.status,
                    "average_score": application.average_score,
                    "spread": application.spread,
                    "review_count": application.review_count,
                    "criteria": [
                        {
                            "criterion": criterion.pk,
                            "name_ko": criterion.name_ko,
                            "average": getattr(application, criterion_average_key(criterion)),
                            "passed": getattr(application, criterion_passed_key(criterion)),
                        }
                        for criterion in criteria
                    ],
                    "passes_overall": application.passes_overall,
                    "passed": application.passed,
                    "eligible": None if screening is None else screening.eligible,
                }
            )
        return Response(RankingRowSerializer(rows, many=True).data)


def _has_screening(application: Application) -> bool:
    try:
        application.screening  # noqa: B018 (joined by call_ranking: no query)
    except Application.screening.RelatedObjectDoesNotExist:
        return False
    return True


# --- applications -----------------------------------------------------------------------------------------------


class ApplicationViewSet(ArchiveActionsMixin, ScopedModelViewSet):
    """Applications. Company users start (`POST` with call and company), edit the basics of their drafts
    (`PATCH`), `submit` and `withdraw` their own; the zone office takes the workflow's steps, each with
    {"comment", "expected_from"}: the services decide who may (officers screen, administrators decide)."""

    # What the serializer reads: the call and its program (the zone by id only), the company's name, the screening.
    queryset = Application.objects.select_related("call__program", "company", "screening").with_review_score()
    serializer_class = ApplicationSerializer
    zone_path = "call__program__zone"
    company_path = "company"
    filterset_class = ApplicationFilter
    search_fields = ["title", "company__name_ko", "company__name_en"]
    ordering_fields = ["submitted_at", "id"]
    company_actions = ("create", "update", "partial_update", "submit", "withdraw")
    action_permissions = {
        **ArchiveActionsMixin.action_permissions,
        "submit": "change",
        "withdraw": "change",
        "start_screening": "change",
        "request_information": "change",
        "send_to_review": "change",
        "approve": "change",
        "reject": "change",
        "sign_agreement": "change",
        "activate": "change",
        "close": "change",
    }
    input_serializers = {
        "create": ApplicationStartSerializer,
        "update": ApplicationCoreSerializer,
        "partial_update": ApplicationCoreSerializer,
        "withdraw": WithdrawSerializer,
        "start_screening": OfficeStepSerializer,
        "request_information": RequestInformationSerializer,
        "send_to_review": OfficeStepSerializer,
        "approve": ApprovalSerializer,
        "reject": RejectSerializer,
        "sign_agreement": OfficeStepSerializer,
        "activate": OfficeStepSerializer,
        "close": OfficeStepSerializer,
    }

    # A page reads every column of the applications but only these of the rows joined to them (a call, its
    # program and the company are wide records); the screening, where there is one, through its record.
    list_inline_columns = (
        "call__title_ko",
        "call__program_id",
        "call__program__zone_id",
        "call__program__kind",
        "company__name_ko",
    )
    list_joined_columns = (
        "screening__eligible",
        "screening__reason",
        "screening__screened_by",
        "screening__screened_at",
    )

    def get_queryset(self):
        """Zone staff: their zones' applications (reviewer-only staff: those assigned to them); company users:
        their companies' applications that are not archived."""
        user = self.request.user
        queryset = self.for_action(self.queryset.all())
        if not (user and user.is_authenticated and user.is_active):
            return queryset.none()
        zone_ids = zone_ids_for_user(user)
        if zone_ids is None:
            return queryset
        visible = Q(company__in=company_ids_for_user(user), archived_at__isnull=True)
        if zone_ids:
            visible |= Q(call__program__zone__in=zone_ids)
        return applications_visible_to_reviewer(user, queryset.filter(visible))

    def get_serializer_class(self):
        return self.input_serializers.get(self.action, ApplicationSerializer)

    def _read_back(self, obj):
        return ApplicationSerializer(self.get_queryset().get(pk=obj.pk), context=self.get_serializer_context())

    def _input(self, request) -> dict:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    # --- the company's side ---

    @extend_schema(request=ApplicationStartSerializer, responses={201: ApplicationSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def create_record(self, data: dict) -> Application:
        return application_start(call=data["call"], company=data["company"], acting_user=self.request.user)

    @extend_schema(request=ApplicationCoreSerializer, responses=ApplicationSerializer)
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(request=ApplicationCoreSerializer, responses=ApplicationSerializer)
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def update_record(self, obj: Application, data: dict) -> Application:
        """The draft's basics through the portal's form and service: the fields the call's kind asks for."""
        if obj.company_id not in set(company_ids_for_user(self.request.user).values_list("company_id", flat=True)):
            raise exceptions.PermissionDenied(_("Only the applicant company edits its application."))
        allowed = core_field_names(obj.call)
        refused = sorted(set(data) - set(allowed))
        if refused:
            raise exceptions.ValidationError(
                {name: [_("This call's application form does not ask for this field.")] for name in refused}
            )
        form_data = {name: _form_value(obj, name) for name in allowed}
        form_data.update({name: "" if value is None else value for name, value in data.items()})
        form = core_form_class(obj.call)(data=form_data, instance=obj)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): list(errors)
                    for name, errors in form.errors.items()
                }
            )
        return application_save_core(application=obj, form=form, acting_user=self.request.user)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the draft (or resubmit after a request for information): a frozen revision each time."""
        application = application_submit(application=self.get_object(), acting_user=request.user)
        return Response(self._read_back(application).data)

    @extend_schema(request=WithdrawSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The company withdraws its application, at any time before a decision."""
        data = self._input(request)
        application = application_withdraw(
            application=self.get_object(), acting_user=request.user, comment=data["comment"]
        )
        return Response(self._read_back(application).data)

    @extend_schema(request=None, responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        """The application's timeline, oldest first; who took each step is shown to zone staff only."""
        application = self.get_object()
        internal = _sees_internal(request.user, application)
        rows = application_timeline(application)
        return Response(TransitionSerializer(rows, many=True, context={"internal": internal}).data)

    # --- the zone office's steps ---

    def _office_step(self, request, to: str) -> Response:
        application = self.get_object()
        data = self._input(request)
        details = None
        if to == Status.APPROVED:
            details = ApprovalDetails(
                resource=data.get("resource") or None,
                value_krw=data.get("value_krw"),
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                fund=data.get("fund"),
                amount_krw=data.get("amount_krw"),
                instrument=data.get("instrument") or None,
                conditions=data.get("conditions"),
            )
        try:
            application_step(
                application=application,
                to=to,
                acting_user=request.user,
                comment=data["comment"],
                expected_from=data.get("expected_from") or None,
                details=details,
                due_on=data.get("due_on"),
            )
        except ApplicationError as error:
            # The services name the comment after its use (a rejection's reason, a request's message).
            if error.field in ("reason", "message"):
                raise ApplicationError(error.message, field="comment") from error
            raise
        return Response(self._read_back(application).data)

    @extend_schema(request=OfficeStepSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="start-screening")
    def start_screening(self, request, pk=None):
        """Submitted -> screening."""
        return self._office_step(request, Status.SCREENING)

    @extend_schema(request=RequestInformationSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="request-information")
    def request_information(self, request, pk=None):
        """Screening -> information requested: `comment` is sent to the company, the application reopens."""
        return self._office_step(request, Status.INFO_REQUESTED)

    @extend_schema(request=OfficeStepSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="send-to-review")
    def send_to_review(self, request, pk=None):
        """Screening -> under review."""
        return self._office_step(request, Status.UNDER_REVIEW)

    @extend_schema(request=ApprovalSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Under review -> approved, creating the outcome record of the call's kind (zone administrators)."""
        return self._office_step(request, Status.APPROVED)

    @extend_schema(request=RejectSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Screening or under review -> rejected; `comment` is the reason sent to the company (zone administrators)."""
        return self._office_step(request, Status.REJECTED)

    @extend_schema(request=OfficeStepSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="sign-agreement")
    def sign_agreement(self, request, pk=None):
        """Approved -> agreement signed."""
        return self._office_step(request, Status.AGREEMENT_SIGNED)

    @extend_schema(request=OfficeStepSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Agreement signed -> active."""
        return self._office_step(request, Status.ACTIVE)

    @extend_schema(request=OfficeStepSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Active -> closed."""
        return self._office_step(request, Status.CLOSED)


def _sees_internal(user, application: Application) -> bool:
    zone_ids = zone_ids_for_user(user)
    return zone_ids is None or application.call.program.zone_id in zone_ids


def _form_value(application: Application, name: str):
    """The current value of a core field as form data (a related record by its id)."""
    field = Application._meta.get_field(name)
    if field.is_relation:
        return getattr(application, field.attname) or ""
    value = getattr(application, name)
    return "" if value is None else value


# --- reviews ------------------------------------------------------------------------------------------------------


class ReviewViewSet(ScopedModelViewSet):
    """Reviews: the zone office assigns reviewers (`POST`); the assigned reviewer `score`s (and submits) or
    declares a conflict of interest. Reviewer-only staff see their own reviews; company users none."""

    queryset = Review.objects.for_admin_list().prefetch_related(
        Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion").order_by("criterion__order", "pk"))
    )
    serializer_class = ReviewSerializer
    zone_path = "application__call__program__zone"
    company_path = None
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = ReviewFilter
    search_fields = ["application__title", "application__company__name_ko", "reviewer__username"]
    ordering_fields = ["id", "submitted_at"]
    action_permissions = {"score": "change", "declare_conflict": "change"}
    input_serializers = {
        "create": ReviewAssignSerializer,
        "score": ReviewSubmitSerializer,
        "declare_conflict": ConflictSerializer,
    }

    def get_queryset(self):
        return reviews_visible_to(self.request.user, super().get_queryset())

    def get_serializer_class(self):
        return self.input_serializers.get(self.action, ReviewSerializer)

    def _read_back(self, obj):
        return ReviewSerializer(self.get_queryset().get(pk=obj.pk), context=self.get_serializer_context())

    @extend_schema(request=ReviewAssignSerializer, responses={201: ReviewSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def create_record(self, data: dict) -> Review:
        return review_assign(application=data["application"], reviewer=data["reviewer"], acting_user=self.request.user)

    @extend_schema(request=ReviewSubmitSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        """The assigned reviewer scores every criterion of the rubric and submits; the review is then locked."""
        review = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scores = {row["criterion"]: row["score"] for row in serializer.validated_data["scores"]}
        review = review_submit(
            review=review, scores=scores, comment=serializer.validated_data["comment"], acting_user=request.user
        )
        return Response(self._read_back(review).data)

    @extend_schema(request=ConflictSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], url_path="declare-conflict")
    def declare_conflict(self, request, pk=None):
        """The assigned reviewer declares a conflict of interest: the review no longer counts."""
        review = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = review_declare_conflict(
            review=review, acting_user=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(self._read_back(review).data)


def register(router) -> None:
    """Programs, calls, applications (with their workflow actions) and reviews."""
    router.register("programs", ProgramViewSet, basename="program")
    router.register("calls", CallViewSet, basename="call")
    router.register("applications", ApplicationViewSet, basename="application")
    router.register("reviews", ReviewViewSet, basename="review")
