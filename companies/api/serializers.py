"""Companies, tenancies, MOUs, commitments and self-reports as the API reads and writes them.

Registration numbers are typed with or without dashes and kept as digits; statuses change only through the
workflow actions; related ids are limited to the records the user may see."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from companies import selectors
from companies.models import AIField, Company, Mou, MouCommitment, SelfReport, Tenancy
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.serializers import PlannedRead, PlannedReadMixin
from core.validators import normalize_digits, validate_brn, validate_corporate_number
from programs.models import Application
from zones.models import Zone

# An MOU at the end of its workflow keeps its commitments as they were judged.
MOU_CLOSED_STATUSES = (Mou.Status.FULFILLED, Mou.Status.LAPSED, Mou.Status.TERMINATED)


class RegistryCompanyField(serializers.PrimaryKeyRelatedField):
    """An active company of the registry the user may see (zone staff: any)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Company.objects.none()
        return selectors.companies_visible_to(request.user).filter(archived_at__isnull=True)


class RegistrationNumberField(serializers.CharField):
    """A Korean registration number typed with or without dashes; validated and kept as digits only."""

    def __init__(self, **kwargs) -> None:
        # Room for dashes and stray spaces; the validators judge the digits.
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return normalize_digits(super().to_internal_value(data))


def _allowed_transitions_field(status_choices):
    return extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=status_choices),
            help_text=_("The statuses the record may move to next (POST them to the transition action)."),
        )
    )


def _merged(serializer: serializers.Serializer, attrs: dict, name: str):
    """The value a write will leave: the one sent, or else the record's current one."""
    if name in attrs:
        return attrs[name]
    return getattr(serializer.instance, name, None) if serializer.instance is not None else None


# --- companies -----------------------------------------------------------------------


class AIFieldSerializer(PlannedRead, serializers.ModelSerializer):
    class Meta:
        model = AIField
        fields = ["id", "code", "name_ko", "name_en"]


class CompanySerializer(PlannedReadMixin, serializers.ModelSerializer):
    brn = RegistrationNumberField(
        label=_("business registration number"),
        help_text=_("10 digits, e.g. 123-45-67890; dashes are optional. Returned as digits."),
        validators=[
            validate_brn,
            UniqueValidator(
                queryset=Company.objects.all(),
                message=_(
                    "A company with this business registration number is already registered. "
                    "Search the company list (archived companies included) instead of registering it again."
                ),
            ),
        ],
    )
    brn_display = serializers.CharField(read_only=True)
    corporate_number = RegistrationNumberField(
        label=_("corporate registration number"),
        help_text=_("13 digits, for corporations only, e.g. 110111-1234567; dashes are optional."),
        validators=[validate_corporate_number],
        required=False,
        allow_blank=True,
    )
    ai_fields = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=AIField.objects.all())
    ai_field_details = AIFieldSerializer(source="ai_fields", many=True, read_only=True)
    address = serializers.CharField(read_only=True)
    is_archived = serializers.BooleanField(read_only=True)

    # The view prefetches the AI fields into a list (companies.api.views.COMPANY_AI_FIELDS).
    prefetched_lists = {"ai_fields": "ai_field_list"}

    class Meta:
        model = Company
        fields = [
            "id",
            "name_ko",
            "name_en",
            "brn",
            "brn_display",
            "corporate_number",
            "size",
            "ai_fields",
            "ai_field_details",
            "founded_on",
            "headcount",
            "representative",
            "sido",
            "sigungu",
            "road_name",
            "building_no",
            "address_detail",
            "postcode",
            "address",
            "phone",
            "email",
            "website",
            "is_archived",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["archived_at", "created_at", "updated_at"]


# --- tenancies -----------------------------------------------------------------------


class TenancySerializer(PlannedReadMixin, serializers.ModelSerializer):
    company = RegistryCompanyField()
    company_name = serializers.CharField(source="company.name_ko", read_only=True)
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), zone_path="pk")
    zone_name = serializers.CharField(source="zone.name_ko", read_only=True)
    application = ScopedPrimaryKeyRelatedField(
        queryset=Application.objects.all(), zone_path="call__program__zone", allow_null=True, required=False
    )
    allowed_transitions = serializers.SerializerMethodField()
    is_archived = serializers.BooleanField(read_only=True)

    class Meta:
        model = Tenancy
        fields = [
            "id",
            "company",
            "company_name",
            "zone",
            "zone_name",
            "application",
            "status",
            "allowed_transitions",
            "building",
            "space",
            "area_m2",
            "moved_in_on",
            "graduated_on",
            "ended_on",
            "is_archived",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "archived_at", "created_at", "updated_at"]

    @_allowed_transitions_field(Tenancy.Status.choices)
    def get_allowed_transitions(self, obj: Tenancy) -> list[str]:
        return list(Tenancy.TRANSITIONS.get(obj.status, ()))

    def validate(self, attrs):
        moved_in_on, ended_on = _merged(self, attrs, "moved_in_on"), _merged(self, attrs, "ended_on")
        if moved_in_on and ended_on and ended_on < moved_in_on:
            raise serializers.ValidationError({"ended_on": _("A tenancy cannot end before the company moved in.")})
        return attrs


class TenancyTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=Tenancy.Status.choices,
        help_text=_(
            "The next status. Allowed steps: applicant → resident or exited; resident → graduated, membership or "
            "exited; graduated → membership; membership → exited. The record's allowed_transitions lists them."
        ),
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    expected_from = serializers.ChoiceField(
        choices=Tenancy.Status.choices,
        required=False,
        help_text=_("The status you saw; the step is refused if someone changed it meanwhile."),
    )
    on = serializers.DateField(
        required=False,
        help_text=_("The step's date (moving in, graduating, leaving); today when omitted."),
    )


# --- MOUs ----------------------------------------------------------------------------


class MouCommitmentInlineSerializer(serializers.ModelSerializer):
    is_delivered = serializers.BooleanField(read_only=True)

    class Meta:
        model = MouCommitment
        fields = [
            "id",
            "kind",
            "description",
            "promised_value",
            "due_on",
            "actual_value",
            "actual_on",
            "evidence",
            "is_delivered",
        ]
        read_only_fields = fields


class MouSerializer(PlannedReadMixin, serializers.ModelSerializer):
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), zone_path="pk")
    zone_name = serializers.CharField(source="zone.name_ko", read_only=True)
    company = RegistryCompanyField(allow_null=True, required=False)
    party_name = serializers.CharField(read_only=True)
    allowed_transitions = serializers.SerializerMethodField()
    jobs_promised = serializers.IntegerField(read_only=True, help_text=_("People."))
    jobs_actual = serializers.IntegerField(read_only=True, help_text=_("People; unreported actuals count as 0."))
    investment_promised_krw = serializers.IntegerField(read_only=True)
    investment_actual_krw = serializers.IntegerField(read_only=True)
    offices_promised = serializers.IntegerField(read_only=True)
    offices_opened = serializers.IntegerField(read_only=True)
    office_opened = serializers.SerializerMethodField(
        help_text=_("Whether a promised office was opened; null when none was promised.")
    )
    is_archived = serializers.BooleanField(read_only=True)

    class Meta:
        model = Mou
        fields = [
            "id",
            "zone",
            "zone_name",
            "company",
            "counterparty_name",
            "party_name",
            "title",
            "signed_on",
            "ends_on",
            "status",
            "allowed_transitions",
            "note",
            "jobs_promised",
            "jobs_actual",
            "investment_promised_krw",
            "investment_actual_krw",
            "offices_promised",
            "offices_opened",
            "office_opened",
            "is_archived",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "archived_at", "created_at", "updated_at"]

    @_allowed_transitions_field(Mou.Status.choices)
    def get_allowed_transitions(self, obj: Mou) -> list[str]:
        return list(Mou.TRANSITIONS.get(obj.status, ()))

    def get_office_opened(self, obj: Mou) -> bool | None:
        if not obj.offices_promised:
            return None
        return obj.offices_opened > 0

    def validate(self, attrs):
        if not _merged(self, attrs, "company") and not _merged(self, attrs, "counterparty_name"):
            raise serializers.ValidationError(
                {
                    "counterparty_name": _(
                        "Choose a registered company, or give the name of the institution that signed."
                    )
                }
            )
        signed_on, ends_on = _merged(self, attrs, "signed_on"), _merged(self, attrs, "ends_on")
        if signed_on and ends_on and ends_on < signed_on:
            raise serializers.ValidationError({"ends_on": _("An MOU cannot end before it was signed.")})
        return attrs


class MouDetailSerializer(MouSerializer):
    commitments = MouCommitmentInlineSerializer(many=True, read_only=True)

    class Meta(MouSerializer.Meta):
        fields = [*MouSerializer.Meta.fields, "commitments"]


class MouTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=Mou.Status.choices,
        help_text=_(
            "The next status. Allowed steps: signed → in_progress or terminated; in_progress → fulfilled, "
            "partly_fulfilled, lapsed or terminated; partly_fulfilled → fulfilled. Fulfilled needs every "
            "commitment delivered; partly fulfilled some actual value. The record's allowed_transitions lists them."
        ),
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    expected_from = serializers.ChoiceField(
        choices=Mou.Status.choices,
        required=False,
        help_text=_("The status you saw; the step is refused if someone changed it meanwhile."),
    )


# --- MOU commitments -----------------------------------------------------------------


class MouCommitmentSerializer(PlannedReadMixin, serializers.ModelSerializer):
    mou = ScopedPrimaryKeyRelatedField(queryset=Mou.objects.all(), zone_path="zone")
    mou_title = serializers.CharField(source="mou.title", read_only=True)
    zone = serializers.IntegerField(source="mou.zone_id", read_only=True)
    company = serializers.IntegerField(source="mou.company_id", read_only=True, allow_null=True)
    is_delivered = serializers.BooleanField(read_only=True)

    class Meta:
        model = MouCommitment
        fields = [
            "id",
            "mou",
            "mou_title",
            "zone",
            "company",
            "kind",
            "description",
            "promised_value",
            "due_on",
            "actual_value",
            "actual_on",
            "evidence",
            "is_delivered",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["actual_value", "actual_on", "evidence", "created_at", "updated_at"]
        extra_kwargs = {
            "actual_value": {"help_text": _("Recorded through the record-actual action.")},
            "actual_on": {"help_text": _("Recorded through the record-actual action.")},
        }

    def validate(self, attrs):
        for mou in {attrs.get("mou"), getattr(self.instance, "mou", None)} - {None}:
            if mou.status in MOU_CLOSED_STATUSES:
                raise serializers.ValidationError(
                    {
                        "mou": _("This MOU is “%(status)s”: its commitments are closed.")
                        % {"status": mou.get_status_display()}
                    }
                )
        return attrs


class MouCommitmentActualSerializer(serializers.Serializer):
    actual_value = serializers.IntegerField(
        min_value=0, max_value=2**63 - 1, help_text=_("People for jobs, KRW for investment, 1 for an office opened.")
    )
    actual_on = serializers.DateField()
    evidence = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# --- self-reports --------------------------------------------------------------------

SELFREPORT_FIGURE_FIELDS = ["headcount", "revenue_krw", "investment_raised_krw", "patents", "jobs_created", "note"]


class SelfReportSerializer(serializers.ModelSerializer):
    """A report as read, and its figures as a company edits them; company, zone and period are fixed."""

    company_name = serializers.CharField(source="company.name_ko", read_only=True)
    zone_name = serializers.CharField(source="zone.name_ko", read_only=True)
    period_label = serializers.CharField(read_only=True)

    class Meta:
        model = SelfReport
        fields = [
            "id",
            "company",
            "company_name",
            "zone",
            "zone_name",
            "year",
            "quarter",
            "period_label",
            "status",
            *SELFREPORT_FIGURE_FIELDS,
            "submitted_at",
            "submitted_by",
            "office_comment",
            "locked_at",
            "locked_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "company",
            "zone",
            "year",
            "quarter",
            "status",
            "submitted_at",
            "submitted_by",
            "office_comment",
            "locked_at",
            "locked_by",
            "created_at",
            "updated_at",
        ]


class SelfReportCreateSerializer(SelfReportSerializer):
    """Save (or submit) the report a company owes a zone for a quarter: the period's report is created the
    first time and changed afterwards."""

    company = ScopedPrimaryKeyRelatedField(queryset=Company.objects.all(), company_path="pk")
    zone = serializers.PrimaryKeyRelatedField(queryset=Zone.objects.all())
    submit = serializers.BooleanField(
        write_only=True, default=False, help_text=_("Submit to the zone office instead of saving a draft.")
    )

    class Meta(SelfReportSerializer.Meta):
        fields = [*SelfReportSerializer.Meta.fields, "submit"]
        read_only_fields = [
            name
            for name in SelfReportSerializer.Meta.read_only_fields
            if name not in ("company", "zone", "year", "quarter")
        ]
        # One report per period: saving the period again changes it (the service decides).
        validators = []


class SelfReportFiguresSerializer(serializers.ModelSerializer):
    """The figures sent with a submission; those left out keep their saved values."""

    class Meta:
        model = SelfReport
        fields = SELFREPORT_FIGURE_FIELDS
        extra_kwargs = {name: {"required": False} for name in SELFREPORT_FIGURE_FIELDS}


class SelfReportReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text=_("What the company should correct; sent to its members."))
