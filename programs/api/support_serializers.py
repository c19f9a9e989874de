"""Serializers of funds, investments, compute allocations and training.

Related ids are limited to the requesting user's zones (a foreign id is an invalid pk); workflow statuses
are read-only (changed by the enrolment actions); money is whole KRW up to MAX_KRW.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies.models import Company
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.listing import column
from core.api.serializers import PlannedRead, PlannedReadMixin
from programs.api.masking import mask_email, mask_name, mask_phone
from programs.filters.support import MAX_KRW
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
from zones.models import Zone

RECORD_FIELDS = ("archived_at", "created_at", "updated_at")
KRW = {"min_value": 0, "max_value": MAX_KRW}


def _zone_field() -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(queryset=Zone.objects.active(), zone_path="pk", label=_("zone"))


def _company_field(**kwargs) -> serializers.PrimaryKeyRelatedField:
    """Any registered company that is not archived: a zone's money and people may go to companies elsewhere."""
    return serializers.PrimaryKeyRelatedField(queryset=Company.objects.active(), **kwargs)


def _check_period(attrs: dict, instance, start: str = "starts_on", end: str = "ends_on") -> None:
    starts = attrs.get(start, getattr(instance, start, None))
    ends = attrs.get(end, getattr(instance, end, None))
    if starts and ends and ends < starts:
        raise serializers.ValidationError({end: [_("The end date cannot be before the start date.")]})


class TraineeField(serializers.PrimaryKeyRelatedField):
    """A trainee the user may see (`programs.selectors.trainee_list`); reviewers see none."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or user_is_reviewer_only(request.user):
            return Trainee.objects.none()
        return trainee_list(user=request.user, queryset=Trainee.objects.active())


# --- funds and compute -------------------------------------------------------------


class FundSerializer(serializers.ModelSerializer):
    zone = _zone_field()
    committed_krw = serializers.IntegerField(read_only=True, help_text=_("Sum of the commitments."))
    invested_krw = serializers.IntegerField(read_only=True, help_text=_("Sum of the live investments."))
    remaining_krw = serializers.IntegerField(read_only=True, help_text=_("Size minus invested."))
    investee_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Fund
        fields = (
            "id",
            "zone",
            "name_ko",
            "name_en",
            "manager",
            "size_krw",
            "vintage_year",
            "status",
            "purpose",
            "committed_krw",
            "invested_krw",
            "remaining_krw",
            "investee_count",
            *RECORD_FIELDS,
        )
        read_only_fields = RECORD_FIELDS
        extra_kwargs = {"size_krw": KRW, "vintage_year": {"min_value": 1980, "max_value": 2100}}


class FundCommitmentSerializer(serializers.ModelSerializer):
    fund = ScopedPrimaryKeyRelatedField(queryset=Fund.objects.active(), zone_path="zone", label=_("fund"))
    fund_name = serializers.CharField(source="fund.name_ko", read_only=True)
    zone = serializers.IntegerField(source="fund.zone_id", read_only=True)

    class Meta:
        model = FundCommitment
        fields = (
            "id",
            "fund",
            "fund_name",
            "zone",
            "investor_name",
            "amount_krw",
            "committed_on",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")
        extra_kwargs = {"amount_krw": KRW}


class InvestmentSerializer(serializers.ModelSerializer):
    fund = ScopedPrimaryKeyRelatedField(queryset=Fund.objects.active(), zone_path="zone", label=_("fund"))
    fund_name = serializers.CharField(source="fund.name_ko", read_only=True)
    zone = serializers.IntegerField(source="fund.zone_id", read_only=True)
    company = _company_field(label=_("company"))
    company_name = serializers.CharField(source="company.name_ko", read_only=True)

    class Meta:
        model = Investment
        fields = (
            "id",
            "fund",
            "fund_name",
            "zone",
            "company",
            "company_name",
            "application",
            "instrument",
            "amount_krw",
            "invested_on",
            "note",
            *RECORD_FIELDS,
        )
        read_only_fields = ("application", *RECORD_FIELDS)
        extra_kwargs = {"amount_krw": {"min_value": 1, "max_value": MAX_KRW}}


class ComputeAllocationSerializer(serializers.ModelSerializer):
    zone = _zone_field()
    company = _company_field(label=_("company"))
    company_name = serializers.CharField(source="company.name_ko", read_only=True)

    class Meta:
        model = ComputeAllocation
        fields = (
            "id",
            "zone",
            "company",
            "company_name",
            "application",
            "status",
            "resource",
            "gpu_hours",
            "ai_tasks",
            "value_krw",
            "starts_on",
            "ends_on",
            *RECORD_FIELDS,
        )
        read_only_fields = ("application", *RECORD_FIELDS)
        extra_kwargs = {"value_krw": KRW}

    def validate(self, attrs):
        _check_period(attrs, self.instance)
        return attrs


# --- training ----------------------------------------------------------------------


class TrainingProgramSerializer(serializers.ModelSerializer):
    zone = _zone_field()
    cohort_count = serializers.IntegerField(read_only=True)
    enrolled_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingProgram
        fields = (
            "id",
            "zone",
            "code",
            "name_ko",
            "name_en",
            "track",
            "annual_capacity",
            "operator",
            "description",
            "cohort_count",
            "enrolled_count",
            *RECORD_FIELDS,
        )
        read_only_fields = RECORD_FIELDS


class CohortSerializer(serializers.ModelSerializer):
    training_program = ScopedPrimaryKeyRelatedField(
        queryset=TrainingProgram.objects.active(), zone_path="zone", label=_("training program")
    )
    training_program_name = serializers.CharField(source="training_program.name_ko", read_only=True)
    zone = serializers.IntegerField(source="training_program.zone_id", read_only=True)
    enrolled_count = serializers.IntegerField(read_only=True)
    completed_count = serializers.IntegerField(read_only=True)
    employed_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cohort
        fields = (
            "id",
            "training_program",
            "training_program_name",
            "zone",
            "name",
            "starts_on",
            "ends_on",
            "capacity",
            "enrolled_count",
            "completed_count",
            "employed_count",
            *RECORD_FIELDS,
        )
        read_only_fields = RECORD_FIELDS

    def validate(self, attrs):
        _check_period(attrs, self.instance)
        return attrs


class TraineeRefSerializer(PlannedRead, serializers.Serializer):
    """A trainee as other records show them: the id and the masked name, never contact details."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="masked_name", read_only=True)


class EnrolmentSerializer(PlannedReadMixin, serializers.ModelSerializer):
    """Read and update. Status and the step dates change through the actions; employment through `employ`."""

    trainee = serializers.SerializerMethodField()
    cohort_name = serializers.CharField(source="cohort.name", read_only=True)
    training_program = serializers.IntegerField(source="cohort.training_program_id", read_only=True)
    training_program_name = serializers.CharField(source="cohort.training_program.name_ko", read_only=True)
    zone = serializers.IntegerField(source="cohort.training_program.zone_id", read_only=True)

    class Meta:
        model = Enrolment
        fields = (
            "id",
            "cohort",
            "cohort_name",
            "training_program",
            "training_program_name",
            "zone",
            "trainee",
            "application",
            "status",
            "enrolled_on",
            "completed_on",
            "dropped_on",
            "employed_by",
            "employer_name",
            "employed_on",
            "job_title",
            *RECORD_FIELDS,
        )
        read_only_fields = (
            "cohort",
            "application",
            "status",
            "enrolled_on",
            "completed_on",
            "dropped_on",
            "employed_by",
            "employer_name",
            "employed_on",
            *RECORD_FIELDS,
        )

    @extend_schema_field(TraineeRefSerializer)
    def get_trainee(self, obj: Enrolment) -> dict:
        """As TraineeRefSerializer writes the trainee: on a list, from the name selected into the page's rows."""
        return {"id": obj.trainee_id, "name": mask_name(column(obj, "trainee__full_name"))}


class EnrolmentCreateSerializer(EnrolmentSerializer):
    """A trainee applying to a cohort (status "applied"); the steps follow as actions."""

    cohort = ScopedPrimaryKeyRelatedField(
        queryset=Cohort.objects.active(), zone_path="training_program__zone", label=_("cohort")
    )
    trainee = TraineeField(label=_("trainee"))

    class Meta(EnrolmentSerializer.Meta):
        read_only_fields = tuple(name for name in EnrolmentSerializer.Meta.read_only_fields if name != "cohort")


class EnrolmentStepSerializer(serializers.Serializer):
    on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The day of the step (enrolled, completed, dropped); today if empty."),
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    expected_from = serializers.ChoiceField(
        choices=Enrolment.Status.choices,
        required=False,
        allow_null=True,
        help_text=_("The status the decision was made from; refused if it has changed since."),
    )


class EnrolmentEmploySerializer(serializers.Serializer):
    employed_by = _company_field(required=False, allow_null=True, label=_("employed by"))
    employer_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    employed_on = serializers.DateField(required=False, allow_null=True)
    job_title = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    expected_from = serializers.ChoiceField(choices=Enrolment.Status.choices, required=False, allow_null=True)


class TraineeSerializer(serializers.ModelSerializer):
    """The full record for officers who may change trainees; masked name, email and phone for anyone else
    (the view says which through the context's `full_personal_data`)."""

    enrolment_count = serializers.IntegerField(read_only=True)
    is_masked = serializers.SerializerMethodField()

    class Meta:
        model = Trainee
        fields = (
            "id",
            "full_name",
            "email",
            "phone",
            "birth_year",
            "consent_given_at",
            "consent_purpose",
            "retention_until",
            "anonymized_at",
            "enrolment_count",
            "is_masked",
            *RECORD_FIELDS,
        )
        read_only_fields = ("anonymized_at", *RECORD_FIELDS)
        extra_kwargs = {"birth_year": {"min_value": 1900, "max_value": 2100}}

    def _masked(self) -> bool:
        return not self.context.get("full_personal_data", False)

    def get_is_masked(self, obj) -> bool:
        return self._masked()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self._masked():
            data["full_name"] = mask_name(instance.full_name)
            data["email"] = mask_email(instance.email)
            data["phone"] = mask_phone(instance.phone)
        return data

    def validate_consent_given_at(self, value):
        if value > timezone.now():
            raise serializers.ValidationError(_("Consent cannot be given in the future."))
        return value

    def validate(self, attrs):
        consent = attrs.get("consent_given_at", getattr(self.instance, "consent_given_at", None))
        retention = attrs.get("retention_until", getattr(self.instance, "retention_until", None))
        if consent and retention and retention < timezone.localdate(consent):
            raise serializers.ValidationError(
                {"retention_until": [_("Personal data cannot be kept until a day before the consent was given.")]}
            )
        return attrs


class TraineeCreateSerializer(TraineeSerializer):
    """A new trainee comes with the cohort they apply to: the enrolment puts them in the office's scope."""

    cohort = ScopedPrimaryKeyRelatedField(
        queryset=Cohort.objects.active(),
        zone_path="training_program__zone",
        write_only=True,
        label=_("cohort"),
        help_text=_("The cohort the trainee applies to (an enrolment with status “applied” is created)."),
    )

    class Meta(TraineeSerializer.Meta):
        fields = (*TraineeSerializer.Meta.fields, "cohort")
