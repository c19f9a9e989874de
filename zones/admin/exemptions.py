"""Regulatory special cases, the grants that let a named business use one, and incidents reported on them."""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.utils.translation import gettext_lazy as _

from core.admin import ARCHIVED_RECORD_FIELDSET, TIMESTAMPS, ArchivableAdmin, DomainAdmin, ForAdminListMixin
from core.formatting import format_krw
from zones.admin.base import SHORT_TEXTAREA, ZoneInline, company_brn
from zones.admin.forms import ExemptionGrantAdminForm
from zones.models import ExemptionGrant, ExemptionIncident, SpecialCase, Zone


class ExemptionIncidentInline(ZoneInline):
    model = ExemptionIncident
    fields = ("occurred_at", "reported_at", "severity", "description", "action_taken")
    formfield_overrides = SHORT_TEXTAREA


@admin.register(SpecialCase)
class SpecialCaseAdmin(ForAdminListMixin, ArchivableAdmin):
    zone_path = "zone"
    list_display = (
        "code",
        "title_ko",
        "law_and_article",
        "kind",
        "zone",
        "valid_from",
        "valid_until",
        "grant_in_force_count",
    )
    list_select_related = ("zone",)
    list_filter = ("kind", ("zone", RelatedOnlyFieldListFilter))
    search_fields = ("code", "title_ko", "title_en", "law_name_ko", "law_name_en", "article")
    autocomplete_fields = ("zone",)
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (_("Basics"), {"fields": ("zone", "code", "kind", "title_ko", "title_en")}),
        (
            _("Legal basis and validity"),
            {"fields": ("law_name_ko", "law_name_en", "article", "valid_from", "valid_until")},
        ),
        (_("What it allows and on what conditions"), {"fields": ("allows", "conditions")}),
        ARCHIVED_RECORD_FIELDSET,
    )

    @admin.display(description=_("law and article"), ordering="law_name_ko")
    def law_and_article(self, obj: SpecialCase) -> str:
        return f"{obj.law_name_ko} {obj.article}".strip()

    @admin.display(description=_("grants in force"), ordering="grant_in_force_count")
    def grant_in_force_count(self, obj: SpecialCase) -> int:
        return obj.grant_in_force_count


@admin.register(ExemptionGrant)
class ExemptionGrantAdmin(ForAdminListMixin, ArchivableAdmin):
    zone_path = "special_case__zone"
    form = ExemptionGrantAdminForm
    list_display = (
        "company",
        "company_brn",
        "special_case_title",
        "zone",
        "status",
        "starts_on",
        "ends_on",
        "insurance_coverage",
        "certificate_no",
        "incident_count",
    )
    list_select_related = ("special_case__zone", "company")
    list_filter = ("status", "special_case__kind", ("special_case__zone", RelatedOnlyFieldListFilter))
    search_fields = (
        "company__name_ko",
        "company__name_en",
        "company__brn",
        "special_case__code",
        "special_case__title_ko",
        "certificate_no",
        "insurance_policy_no",
    )
    number_search_paths = ("company__brn",)
    date_hierarchy = "starts_on"
    autocomplete_fields = ("special_case", "company")
    raw_id_fields = ("application",)
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (_("Basics"), {"fields": ("special_case", "company", "application", "status", "purpose")}),
        (_("Conditions and period"), {"fields": ("conditions", "starts_on", "ends_on")}),
        (_("Liability insurance"), {"fields": ("insurer", "insurance_policy_no", "insurance_coverage_krw")}),
        (_("Certificate and revocation"), {"fields": ("certificate_no", "revoked_reason")}),
        ARCHIVED_RECORD_FIELDSET,
    )
    inlines = (ExemptionIncidentInline,)

    @admin.display(description=_("business registration number"), ordering="company__brn")
    def company_brn(self, obj: ExemptionGrant) -> str:
        return company_brn(obj.company)

    @admin.display(description=_("special case"), ordering="special_case__title_ko")
    def special_case_title(self, obj: ExemptionGrant) -> str:
        return obj.special_case.title_ko

    @admin.display(description=_("zone"), ordering="special_case__zone__name_ko")
    def zone(self, obj: ExemptionGrant) -> Zone:
        return obj.special_case.zone

    @admin.display(description=_("insurance coverage"), ordering="insurance_coverage_krw")
    def insurance_coverage(self, obj: ExemptionGrant) -> str:
        return format_krw(obj.insurance_coverage_krw)

    @admin.display(description=_("incidents"), ordering="incident_count")
    def incident_count(self, obj: ExemptionGrant) -> int:
        return obj.incident_count


@admin.register(ExemptionIncident)
class ExemptionIncidentAdmin(DomainAdmin):
    zone_path = "grant__special_case__zone"
    list_display = (
        "occurred_at",
        "company",
        "special_case_title",
        "zone",
        "severity",
        "reported_at",
        "short_description",
    )
    list_select_related = ("grant__company", "grant__special_case__zone")
    list_filter = ("severity", ("grant__special_case__zone", RelatedOnlyFieldListFilter))
    search_fields = (
        "description",
        "action_taken",
        "grant__company__name_ko",
        "grant__company__brn",
        "grant__special_case__title_ko",
    )
    number_search_paths = ("grant__company__brn",)
    date_hierarchy = "occurred_at"
    autocomplete_fields = ("grant",)
    fields = ("grant", "occurred_at", "reported_at", "severity", "description", "action_taken", *TIMESTAMPS)
    readonly_fields = TIMESTAMPS

    @admin.display(description=_("company"), ordering="grant__company__name_ko")
    def company(self, obj: ExemptionIncident):
        return obj.grant.company

    @admin.display(description=_("special case"), ordering="grant__special_case__title_ko")
    def special_case_title(self, obj: ExemptionIncident) -> str:
        return obj.grant.special_case.title_ko

    @admin.display(description=_("zone"), ordering="grant__special_case__zone__name_ko")
    def zone(self, obj: ExemptionIncident) -> Zone:
        return obj.grant.special_case.zone

    @admin.display(description=_("description"))
    def short_description(self, obj: ExemptionIncident) -> str:
        return obj.description if len(obj.description) <= 60 else f"{obj.description[:59]}…"
