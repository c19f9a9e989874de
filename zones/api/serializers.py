"""What the zones endpoints read and write. Writes are checked here only for shape and scope; the services
decide the rest (zones.services, core.services)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies.models import Company
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.scoping import company_ids_for_user
from zones import kpi
from zones.models import (
    ExemptionGrant,
    ExemptionIncident,
    ExemptionUseReport,
    KpiSnapshot,
    KpiSnapshotRun,
    SpecialCase,
    Zone,
    ZoneTarget,
)
from zones.selectors import zone_ids_for_user

MAX_BIGINT = 9_223_372_036_854_775_807
MAX_INT = 2_147_483_647


def _catalogue_name(code: str, attribute: str) -> str | None:
    definition = kpi.KPI_BY_CODE.get(code)
    return getattr(definition, attribute) if definition is not None else None


# --- zones -----------------------------------------------------------------------------------------------


class ZoneSerializer(serializers.ModelSerializer):
    special_case_count = serializers.IntegerField(read_only=True)
    resident_company_count = serializers.IntegerField(read_only=True)
    plan_operator_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Zone
        fields = [
            "id",
            "slug",
            "name_ko",
            "name_en",
            "kind",
            "legal_basis",
            "region",
            "designated_on",
            "ends_on",
            "area_m2",
            "overall_operator",
            "budget_krw",
            "description",
            "special_case_count",
            "resident_company_count",
            "plan_operator_count",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["archived_at", "created_at", "updated_at"]


# --- special cases ---------------------------------------------------------------------------------------


class SpecialCaseSerializer(serializers.ModelSerializer):
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.active(), zone_path="pk")
    zone_slug = serializers.CharField(source="zone.slug", read_only=True)
    zone_name_ko = serializers.CharField(source="zone.name_ko", read_only=True)
    grant_in_force_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SpecialCase
        fields = [
            "id",
            "zone",
            "zone_slug",
            "zone_name_ko",
            "code",
            "kind",
            "law_name_ko",
            "law_name_en",
            "article",
            "title_ko",
            "title_en",
            "allows",
            "conditions",
            "valid_from",
            "valid_until",
            "grant_in_force_count",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["archived_at", "created_at", "updated_at"]

    def validate_zone(self, zone: Zone) -> Zone:
        if self.instance is not None and zone.pk != self.instance.zone_id:
            raise serializers.ValidationError(_("A special case cannot move to another zone."))
        return zone


# --- exemption grants ------------------------------------------------------------------------------------


class ExemptionGrantSerializer(serializers.ModelSerializer):
    special_case_code = serializers.CharField(source="special_case.code", read_only=True)
    special_case_title_ko = serializers.CharField(source="special_case.title_ko", read_only=True)
    zone = serializers.IntegerField(source="special_case.zone_id", read_only=True)
    zone_name_ko = serializers.CharField(source="special_case.zone.name_ko", read_only=True)
    company_name_ko = serializers.CharField(source="company.name_ko", read_only=True)
    incident_count = serializers.IntegerField(read_only=True)
    next_statuses = serializers.SerializerMethodField()

    class Meta:
        model = ExemptionGrant
        fields = [
            "id",
            "special_case",
            "special_case_code",
            "special_case_title_ko",
            "zone",
            "zone_name_ko",
            "company",
            "company_name_ko",
            "application",
            "status",
            "next_statuses",
            "purpose",
            "conditions",
            "starts_on",
            "ends_on",
            "insurer",
            "insurance_policy_no",
            "insurance_coverage_krw",
            "certificate_no",
            "revoked_reason",
            "incident_count",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_next_statuses(self, obj: ExemptionGrant) -> list[str]:
        return list(ExemptionGrant.TRANSITIONS.get(obj.status, ()))


class _RequesterCompanyField(serializers.PrimaryKeyRelatedField):
    """The company a grant is requested for: one the user acts for, or (zone staff, superusers) any active one;
    the request service then checks that it is named in the zone plan."""

    def get_queryset(self):
        request = self.context.get("request")
        companies = Company.objects.active()
        if request is None or not request.user.is_authenticated:
            return companies.none()
        if request.user.is_superuser or (request.user.is_staff and zone_ids_for_user(request.user)):
            return companies
        return companies.filter(pk__in=company_ids_for_user(request.user))


class _RequestableSpecialCaseField(serializers.PrimaryKeyRelatedField):
    """Zone staff request the special cases of their zones; a company's users any active special case (they
    are public), the request service refusing a company not named in that zone's plan."""

    def get_queryset(self):
        request = self.context.get("request")
        cases = SpecialCase.objects.active().select_related("zone")
        if request is None or not request.user.is_authenticated:
            return cases.none()
        user = request.user
        if user.is_superuser or company_ids_for_user(user).exists():
            return cases
        return cases.filter(zone__in=zone_ids_for_user(user) or [])


class ExemptionGrantCreateSerializer(serializers.Serializer):
    special_case = _RequestableSpecialCaseField(queryset=SpecialCase.objects.active())
    company = _RequesterCompanyField(queryset=Company.objects.active())
    purpose = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")

    def validate(self, attrs: dict) -> dict:
        user = self.context["request"].user
        zone_ids = zone_ids_for_user(user)
        works_for_zone = zone_ids is None or attrs["special_case"].zone_id in zone_ids
        if not works_for_zone and not company_ids_for_user(user).filter(company_id=attrs["company"].pk).exists():
            raise serializers.ValidationError(
                {"company": [_("You may request a special case of another zone only for a company you act for.")]}
            )
        return attrs


class ExemptionGrantStepSerializer(serializers.Serializer):
    """A plain step: an optional comment, and the status the deciding person saw (a conflict is refused)."""

    comment = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    expected_from = serializers.ChoiceField(choices=ExemptionGrant.Status.choices, required=False, allow_null=True)


class ExemptionGrantGrantStepSerializer(ExemptionGrantStepSerializer):
    """Granting: a field left out keeps the value the grant has; the service names whatever is still missing."""

    conditions = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    insurer = serializers.CharField(max_length=200, allow_blank=True, required=False)
    insurance_policy_no = serializers.CharField(max_length=100, allow_blank=True, required=False)
    insurance_coverage_krw = serializers.IntegerField(
        min_value=0, max_value=MAX_BIGINT, required=False, allow_null=True
    )
    certificate_no = serializers.CharField(max_length=100, allow_blank=True, required=False)


class ExemptionGrantExtendSerializer(ExemptionGrantStepSerializer):
    ends_on = serializers.DateField(required=False, allow_null=True)


class ExemptionGrantRevokeSerializer(serializers.Serializer):
    revoked_reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    expected_from = serializers.ChoiceField(choices=ExemptionGrant.Status.choices, required=False, allow_null=True)


class ExemptionIncidentSerializer(serializers.ModelSerializer):
    reported_at = serializers.DateTimeField(required=False, allow_null=True)

    class Meta:
        model = ExemptionIncident
        fields = ["id", "grant", "occurred_at", "reported_at", "severity", "description", "action_taken", "created_at"]
        read_only_fields = ["id", "grant", "created_at"]


class ExemptionUseReportSerializer(serializers.ModelSerializer):
    uses = serializers.IntegerField(min_value=0, max_value=MAX_INT)

    class Meta:
        model = ExemptionUseReport
        fields = [
            "id",
            "grant",
            "period_start",
            "period_end",
            "uses",
            "results",
            "issues",
            "submitted_by",
            "submitted_at",
        ]
        read_only_fields = ["id", "grant", "submitted_by", "submitted_at"]


# --- targets and KPIs ------------------------------------------------------------------------------------


class ZoneTargetSerializer(serializers.ModelSerializer):
    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), zone_path="pk")
    zone_name_ko = serializers.CharField(source="zone.name_ko", read_only=True)

    class Meta:
        model = ZoneTarget
        fields = ["id", "zone", "zone_name_ko", "year", "measure", "value", "note", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class KpiDefinitionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_ko = serializers.CharField()
    name_en = serializers.CharField()
    unit = serializers.CharField()
    pillar = serializers.CharField()
    description_ko = serializers.CharField()
    description_en = serializers.CharField()
    target_measure = serializers.SerializerMethodField()
    target_basis = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text=_("The zone target measure the KPI is read against."))
    )
    def get_target_measure(self, definition) -> str | None:
        measure, _basis = kpi.TARGET_MEASURES.get(definition.code, (None, None))
        return str(measure) if measure else None

    @extend_schema_field(
        serializers.ChoiceField(choices=[(basis.value, basis.value) for basis in kpi.TargetBasis], allow_null=True)
    )
    def get_target_basis(self, definition) -> str | None:
        _measure, basis = kpi.TARGET_MEASURES.get(definition.code, (None, None))
        return str(basis) if basis else None


class _CatalogueNamesMixin(serializers.Serializer):
    """The measure's names and unit from the KPI catalogue (None for a code it no longer lists)."""

    name_ko = serializers.SerializerMethodField()
    name_en = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_name_ko(self, obj: KpiSnapshot) -> str | None:
        return _catalogue_name(obj.code, "name_ko")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_name_en(self, obj: KpiSnapshot) -> str | None:
        return _catalogue_name(obj.code, "name_en")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_unit(self, obj: KpiSnapshot) -> str | None:
        return _catalogue_name(obj.code, "unit")


class KpiSnapshotSerializer(_CatalogueNamesMixin, serializers.ModelSerializer):
    zone_slug = serializers.CharField(source="zone.slug", read_only=True)

    class Meta:
        model = KpiSnapshot
        fields = [
            "id",
            "zone",
            "zone_slug",
            "code",
            "name_ko",
            "name_en",
            "unit",
            "period_kind",
            "period_start",
            "period_end",
            "value",
            "computed_at",
            "computed_by",
        ]
        read_only_fields = fields


class KpiSnapshotRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    zones = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = KpiSnapshotRun
        fields = [
            "id",
            "period_kind",
            "period_start",
            "zones",
            "status",
            "total",
            "done",
            "percent",
            "error",
            "requested_by",
            "started_at",
            "finished_at",
            "created_at",
        ]
        read_only_fields = fields


class KpiSnapshotRunStartSerializer(serializers.Serializer):
    period = serializers.CharField(
        max_length=20, help_text=_("2025-Q3 (quarter), 2025-07 (month) or 2025 (year); it must have ended.")
    )
    zones = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.active(), zone_path="pk", many=True)


# --- open data -------------------------------------------------------------------------------------------


class OpenZoneSerializer(serializers.ModelSerializer):
    special_cases_in_force = serializers.IntegerField(read_only=True)
    resident_companies = serializers.IntegerField(read_only=True)

    class Meta:
        model = Zone
        fields = [
            "slug",
            "name_ko",
            "name_en",
            "kind",
            "region",
            "designated_on",
            "ends_on",
            "area_m2",
            "special_cases_in_force",
            "resident_companies",
        ]
        read_only_fields = fields


class OpenKpiSerializer(_CatalogueNamesMixin, serializers.ModelSerializer):
    zone = serializers.CharField(source="zone.slug", read_only=True)

    class Meta:
        model = KpiSnapshot
        fields = ["zone", "code", "name_ko", "name_en", "unit", "period_kind", "period_start", "period_end", "value"]
        read_only_fields = fields
