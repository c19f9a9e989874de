"""Regulatory special cases, the grants that let a named business use one, and incidents reported on them."""

import datetime as dt

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.utils.translation import gettext_lazy as _

from core.admin import ARCHIVED_RECORD_FIELDSET, TIMESTAMPS, ArchivableAdmin, DomainAdmin, ForAdminListMixin
from core.admin_workflow import TransitionLogInline, WorkflowAdminMixin
from core.exceptions import ApplicationError
from core.formatting import format_krw
from zones import services
from zones.admin.base import SHORT_TEXTAREA, ZoneInline, company_brn
from zones.admin.forms import ExemptionGrantAdminForm
from zones.models import ExemptionGrant, ExemptionIncident, ExemptionUseReport, SpecialCase, Zone


class ExemptionIncidentInline(ZoneInline):
    model = ExemptionIncident
    fields = ("occurred_at", "reported_at", "severity", "description", "action_taken")
    formfield_overrides = SHORT_TEXTAREA


class ExemptionUseReportInline(ZoneInline):
    """Use-and-result reports filed on the grant (through `exemption_use_report_submit`), read-only here."""

    model = ExemptionUseReport
    fields = readonly_fields = (
        "period_start",
        "period_end",
        "uses",
        "results",
        "issues",
        "submitted_by",
        "submitted_at",
    )
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("submitted_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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
class ExemptionGrantAdmin(WorkflowAdminMixin, ForAdminListMixin, ArchivableAdmin):
    """The workflow's steps are buttons above the form. "Granted" takes the conditions, period, insurance and
    certificate saved on the page (refused naming what is missing); "extended" the new end date typed
    next to the buttons; "revoked" the comment as its reason."""

    zone_path = "special_case__zone"
    change_form_template = "zones/admin/exemptiongrant_change_form.html"
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
    inlines = (ExemptionIncidentInline, ExemptionUseReportInline, TransitionLogInline)

    def get_inlines(self, request, obj):
        # A grant being added has no reports or steps yet.
        if obj is None:
            return (ExemptionIncidentInline,)
        return super().get_inlines(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "status", "revoked_reason") if obj is not None else readonly

    def perform_transition(self, request, obj, to: str, comment: str, expected_from: str):
        Status = ExemptionGrant.Status
        common = {"acting_user": request.user, "expected_from": expected_from}
        if to == Status.GRANTED:
            return services.exemption_grant_grant(
                grant=obj,
                conditions=obj.conditions,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                insurer=obj.insurer,
                insurance_policy_no=obj.insurance_policy_no,
                insurance_coverage_krw=obj.insurance_coverage_krw,
                certificate_no=obj.certificate_no,
                comment=comment,
                **common,
            )
        if to == Status.EXTENDED:
            raw = request.POST.get("new_ends_on", "").strip()
            try:
                ends_on = dt.date.fromisoformat(raw) if raw else None
            except ValueError:
                raise ApplicationError(_("The new end date is not a date (YYYY-MM-DD).")) from None
            return services.exemption_grant_extend(grant=obj, ends_on=ends_on, comment=comment, **common)
        if to == Status.REVOKED:
            return services.exemption_grant_revoke(grant=obj, reason=comment, **common)
        return services.exemption_grant_transition(grant=obj, to=to, comment=comment, **common)

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
