"""Serializers of programs, calls, applications and reviews.

Read serializers show the record; input serializers only parse what a service takes. An application's
internal fields (review scores, screening) are null for anyone who is not zone staff of its call.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies.models import Company
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.listing import column
from core.api.serializers import PlannedRead, PlannedReadMixin
from programs.models import (
    Application,
    ApplicationTransition,
    Call,
    Fund,
    Investment,
    Program,
    Review,
    ReviewScore,
    Screening,
)
from zones.models import Zone, ZoneStaff
from zones.selectors import zone_ids_for_user

Status = Application.Status

MAX_BIGINT = 2**63 - 1
MAX_INT = 2**31 - 1
MAX_SMALLINT = 2**15 - 1


def _is_zone_staff_of(user, zone_id: int) -> bool:
    """Staff of the zone (superusers: every zone); `zone_ids_for_user` is cached on the user, so no query per row."""
    zone_ids = zone_ids_for_user(user)
    return zone_ids is None or zone_id in zone_ids


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()


# --- programs and calls ---------------------------------------------------------------------------------------


class ProgramSerializer(serializers.ModelSerializer):
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), zone_path="pk")

    class Meta:
        model = Program
        fields = [
            "id",
            "zone",
            "code",
            "name_ko",
            "name_en",
            "kind",
            "description",
            "budget_krw",
            "archived_at",
            "created_at",
            "updated_at",
        ]


class CallSerializer(serializers.ModelSerializer):
    program = ScopedPrimaryKeyRelatedField(queryset=Program.objects.all(), zone_path="zone")
    zone = serializers.IntegerField(source="program.zone_id", read_only=True)
    kind = serializers.ChoiceField(source="program.kind", choices=Program.Kind.choices, read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "program",
            "zone",
            "kind",
            "code",
            "title_ko",
            "title_en",
            "opens_at",
            "closes_at",
            "is_published",
            "is_open",
            "form_version",
            "eligibility_ko",
            "eligibility_en",
            "documents_required",
            "awards_planned",
            "budget_krw",
            "gpu_hours_available",
            "pass_score",
            "archived_at",
            "created_at",
            "updated_at",
        ]

    def get_is_open(self, obj: Call) -> bool:
        return obj.is_open()


class RankingCriterionSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    name_ko = serializers.CharField()
    average = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)


class RankingRowSerializer(serializers.Serializer):
    """One application of a call's ranking (`programs.selectors.call_ranking`)."""

    rank = serializers.IntegerField(allow_null=True)
    application = serializers.IntegerField()
    company = serializers.IntegerField()
    company_name = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    average_score = serializers.FloatField(allow_null=True)
    spread = serializers.FloatField(allow_null=True)
    review_count = serializers.IntegerField()
    criteria = RankingCriterionSerializer(many=True)
    passes_overall = serializers.BooleanField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    eligible = serializers.BooleanField(allow_null=True)


# --- applications ---------------------------------------------------------------------------------------------


class ScreeningSerializer(PlannedRead, serializers.ModelSerializer):
    class Meta:
        model = Screening
        fields = ["eligible", "reason", "screened_by", "screened_at"]


class ApplicationSerializer(PlannedReadMixin, serializers.ModelSerializer):
    """An application as read; `average_score`, `review_count` and `screening` only for the call's zone staff."""

    call_title = serializers.CharField(source="call.title_ko", read_only=True)
    program = serializers.IntegerField(source="call.program_id", read_only=True)
    zone = serializers.IntegerField(source="call.program.zone_id", read_only=True)
    kind = serializers.ChoiceField(source="call.program.kind", choices=Program.Kind.choices, read_only=True)
    company_name = serializers.CharField(source="company.name_ko", read_only=True)
    next_statuses = serializers.SerializerMethodField()
    average_score = serializers.SerializerMethodField()
    review_count = serializers.SerializerMethodField()
    screening = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "call",
            "call_title",
            "program",
            "zone",
            "kind",
            "company",
            "company_name",
            "status",
            "next_statuses",
            "title",
            "summary",
            "requested_amount_krw",
            "requested_gpu_hours",
            "special_case",
            "cohort",
            "answers",
            "form_version",
            "submitted_at",
            "decided_at",
            "average_score",
            "review_count",
            "screening",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _internal(self, obj: Application) -> bool:
        request = self.context.get("request")
        return request is not None and _is_zone_staff_of(request.user, column(obj, "call__program__zone_id"))

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Status.choices)))
    def get_next_statuses(self, obj: Application) -> list[str]:
        return [str(status) for status in obj.allowed_transitions()]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_average_score(self, obj: Application) -> float | None:
        return getattr(obj, "average_score", None) if self._internal(obj) else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_review_count(self, obj: Application) -> int | None:
        return getattr(obj, "review_count", None) if self._internal(obj) else None

    @extend_schema_field(ScreeningSerializer(allow_null=True))
    def get_screening(self, obj: Application) -> dict | None:
        if not self._internal(obj):
            return None
        try:
            screening = obj.screening
        except Screening.DoesNotExist:
            return None
        return ScreeningSerializer(screening).data


class ApplicationStartSerializer(serializers.Serializer):
    """Start an application: the call (published) and the company, one the user acts for."""

    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.filter(is_published=True, archived_at__isnull=True))
    company = ScopedPrimaryKeyRelatedField(queryset=Company.objects.all(), company_path="pk")


class ApplicationCoreSerializer(serializers.Serializer):
    """The "Basics" step of the application form; which fields a call asks for depends on its program kind."""

    title = serializers.CharField(max_length=300, required=False)
    summary = serializers.CharField(allow_blank=True, required=False)
    requested_amount_krw = serializers.IntegerField(min_value=0, max_value=MAX_BIGINT, required=False)
    requested_gpu_hours = serializers.IntegerField(min_value=0, max_value=MAX_INT, required=False)
    special_case = serializers.IntegerField(min_value=1, max_value=MAX_BIGINT, allow_null=True, required=False)
    cohort = serializers.IntegerField(min_value=1, max_value=MAX_BIGINT, allow_null=True, required=False)


class WithdrawSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)


class OfficeStepSerializer(serializers.Serializer):
    """An office step: the comment kept with it and the status the client saw (a conflict if it changed since)."""

    comment = serializers.CharField(allow_blank=True, required=False, default="", max_length=10000)
    expected_from = serializers.ChoiceField(choices=Status.choices, required=False, allow_null=True, default=None)


class RequestInformationSerializer(OfficeStepSerializer):
    """`comment` is the request sent to the company (required)."""

    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class RejectSerializer(OfficeStepSerializer):
    """`comment` is the reason, kept and sent to the company (required)."""


class ApprovalSerializer(OfficeStepSerializer):
    """What the outcome record needs, by program kind (anything left out takes its default):
    compute: resource, value_krw, starts_on, ends_on; fund: fund, amount_krw, instrument, starts_on (invested on);
    exemption: starts_on, ends_on, conditions."""

    resource = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    value_krw = serializers.IntegerField(min_value=0, max_value=MAX_BIGINT, required=False, allow_null=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    fund = ScopedPrimaryKeyRelatedField(queryset=Fund.objects.all(), zone_path="zone", required=False, allow_null=True)
    amount_krw = serializers.IntegerField(min_value=1, max_value=MAX_BIGINT, required=False, allow_null=True)
    instrument = serializers.ChoiceField(
        choices=Investment.Instrument.choices, required=False, allow_null=True, allow_blank=True
    )
    conditions = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class TransitionSerializer(serializers.ModelSerializer):
    """One step of the timeline; who took it is shown to zone staff only."""

    actor = serializers.SerializerMethodField()
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationTransition
        fields = ["id", "from_status", "to_status", "comment", "at", "actor", "actor_name"]

    def _internal(self, obj: ApplicationTransition) -> bool:
        return bool(self.context.get("internal"))

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_actor(self, obj: ApplicationTransition) -> int | None:
        return obj.actor_id if self._internal(obj) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor_name(self, obj: ApplicationTransition) -> str | None:
        return _display_name(obj.actor) if self._internal(obj) else None


# --- reviews --------------------------------------------------------------------------------------------------


class ReviewScoreSerializer(serializers.ModelSerializer):
    criterion_name = serializers.CharField(source="criterion.name_ko", read_only=True)
    max_score = serializers.IntegerField(source="criterion.max_score", read_only=True)

    class Meta:
        model = ReviewScore
        fields = ["criterion", "criterion_name", "score", "max_score"]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="application.call_id", read_only=True)
    zone = serializers.IntegerField(source="application.call.program.zone_id", read_only=True)
    company = serializers.IntegerField(source="application.company_id", read_only=True)
    reviewer_name = serializers.SerializerMethodField()
    weighted_score = serializers.FloatField(read_only=True, allow_null=True)
    scores = ReviewScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "application",
            "call",
            "zone",
            "company",
            "reviewer",
            "reviewer_name",
            "conflict_of_interest",
            "conflict_reason",
            "comment",
            "submitted_at",
            "weighted_score",
            "scores",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_reviewer_name(self, obj: Review) -> str:
        return _display_name(obj.reviewer)


@extend_schema_field(OpenApiTypes.INT)
class ReviewerField(serializers.PrimaryKeyRelatedField):
    """A user working for one of the requesting user's zones (every user for superusers); the assignment
    service then checks they are an active reviewer of the application's zone."""

    def get_queryset(self):
        users = get_user_model().objects.filter(is_active=True)
        request = self.context.get("request")
        if request is None:
            return users.none()
        zone_ids = zone_ids_for_user(request.user)
        if zone_ids is None:
            return users
        staff = ZoneStaff.objects.filter(zone_id__in=zone_ids, is_active=True).values("user_id")
        return users.filter(pk__in=staff)


class ReviewAssignSerializer(serializers.Serializer):
    application = ScopedPrimaryKeyRelatedField(queryset=Application.objects.all(), zone_path="call__program__zone")
    reviewer = ReviewerField()


class ScoreInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(min_value=1, max_value=MAX_BIGINT)
    score = serializers.IntegerField(min_value=0, max_value=MAX_SMALLINT)


class ReviewSubmitSerializer(serializers.Serializer):
    """Every criterion of the call's rubric scored; the review is locked once submitted."""

    scores = ScoreInputSerializer(many=True)
    comment = serializers.CharField(allow_blank=True, required=False, default="")

    def validate_scores(self, value: list[dict]) -> list[dict]:
        criteria = [row["criterion"] for row in value]
        if len(criteria) != len(set(criteria)):
            raise serializers.ValidationError(_("Each criterion is scored once."))
        return value


class ConflictSerializer(serializers.Serializer):
    reason = serializers.CharField()
