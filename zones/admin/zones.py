"""Zones, their staff, partners and targets; the zone page gathers its plan and special cases as inlines."""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.utils.translation import gettext_lazy as _

from core.admin import ARCHIVED_RECORD_FIELDSET, TIMESTAMPS, ArchivableAdmin, DomainAdmin, ForAdminListMixin
from core.formatting import format_krw
from core.security.reauth import ReauthChangeMixin, ReauthInlineChangesMixin
from zones.admin.annual import ZoneAnnualReportMixin
from zones.admin.base import SHORT_TEXTAREA, ZoneInline
from zones.admin.kpi import ZoneKpiReportMixin, take_last_quarter_kpi_snapshot
from zones.admin.kpi_runs import ZoneKpiRunMixin
from zones.models import PlanChange, ProjectArea, SpecialCase, Zone, ZonePartner, ZoneStaff, ZoneTarget


class ZonePartnerInline(ZoneInline):
    model = ZonePartner
    fields = ("name_ko", "name_en", "role", "note")


class ZoneTargetInline(ZoneInline):
    model = ZoneTarget
    fields = ("year", "measure", "value", "note")


class ProjectAreaInline(ZoneInline):
    model = ProjectArea
    fields = ("code", "name_ko", "name_en", "area_m2", "location")
    verbose_name_plural = _("project areas (open one for its sub-projects)")


class PlanChangeInline(ZoneInline):
    model = PlanChange
    fields = ("approved_on", "kind", "approved_by", "summary", "reference")
    formfield_overrides = SHORT_TEXTAREA
    classes = ("collapse",)


class ZoneStaffInline(ZoneInline):
    model = ZoneStaff
    fields = ("user", "role", "is_active")
    autocomplete_fields = ("user",)
    classes = ("collapse",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class SpecialCaseInline(ZoneInline):
    """Read here, edited on the special case's own page (its grants hang off it)."""

    model = SpecialCase
    fields = ("code", "kind", "law_name_ko", "article", "title_ko", "valid_until", "archived_at")
    readonly_fields = fields
    verbose_name_plural = _("regulatory special cases (open one to edit)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Zone)
class ZoneAdmin(
    ReauthInlineChangesMixin,
    ZoneAnnualReportMixin,
    ZoneKpiRunMixin,
    ZoneKpiReportMixin,
    ForAdminListMixin,
    ArchivableAdmin,
):
    zone_path = "pk"
    reauth_inline_models = (ZoneStaff,)  # changing a zone's staff needs the password typed recently
    actions = [*ArchivableAdmin.actions, take_last_quarter_kpi_snapshot]
    list_display = (
        "name_ko",
        "name_en",
        "kind",
        "region",
        "designated_on",
        "ends_on",
        "budget",
        "special_case_count",
        "resident_company_count",
        "plan_operator_count",
        "kpi_report_link",
    )
    list_filter = ("kind", "region")
    search_fields = ("name_ko", "name_en", "slug", "region", "overall_operator", "legal_basis")
    date_hierarchy = "designated_on"
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = (*TIMESTAMPS, "kpi_report_link")
    fieldsets = (
        (_("Basics"), {"fields": ("name_ko", "name_en", "slug", "kind", "region", "area_m2", "description")}),
        (_("Reports"), {"fields": ("kpi_report_link",)}),
        (_("Legal basis and dates"), {"fields": ("legal_basis", "designated_on", "ends_on")}),
        (_("Operator and budget"), {"fields": ("overall_operator", "budget_krw")}),
        ARCHIVED_RECORD_FIELDSET,
    )
    inlines = (
        ZonePartnerInline,
        ZoneTargetInline,
        ProjectAreaInline,
        PlanChangeInline,
        ZoneStaffInline,
        SpecialCaseInline,
    )

    @admin.display(description=_("budget"), ordering="budget_krw")
    def budget(self, obj: Zone) -> str:
        return format_krw(obj.budget_krw)

    @admin.display(description=_("special cases"), ordering="special_case_count")
    def special_case_count(self, obj: Zone) -> int:
        return obj.special_case_count

    @admin.display(description=_("resident companies"), ordering="resident_company_count")
    def resident_company_count(self, obj: Zone) -> int:
        return obj.resident_company_count

    @admin.display(description=_("plan operators"), ordering="plan_operator_count")
    def plan_operator_count(self, obj: Zone) -> int:
        return obj.plan_operator_count


@admin.register(ZoneStaff)
class ZoneStaffAdmin(ReauthChangeMixin, DomainAdmin):
    zone_path = "zone"
    list_display = ("user", "user_email", "zone", "role", "is_active", "created_at")
    list_select_related = ("user", "zone")
    list_filter = ("role", "is_active", ("zone", RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name", "zone__name_ko")
    autocomplete_fields = ("zone", "user")
    fields = ("zone", "user", "role", "is_active", *TIMESTAMPS)
    readonly_fields = TIMESTAMPS

    @admin.display(description=_("e-mail"), ordering="user__email")
    def user_email(self, obj: ZoneStaff) -> str:
        return obj.user.email


@admin.register(ZonePartner)
class ZonePartnerAdmin(DomainAdmin):
    zone_path = "zone"
    list_display = ("name_ko", "name_en", "zone", "role", "note")
    list_select_related = ("zone",)
    list_filter = ("role", ("zone", RelatedOnlyFieldListFilter))
    search_fields = ("name_ko", "name_en", "note", "zone__name_ko")
    autocomplete_fields = ("zone",)
    fields = ("zone", "name_ko", "name_en", "role", "note", *TIMESTAMPS)
    readonly_fields = TIMESTAMPS


@admin.register(ZoneTarget)
class ZoneTargetAdmin(DomainAdmin):
    zone_path = "zone"
    list_display = ("zone", "year", "measure", "target", "note")
    list_select_related = ("zone",)
    list_filter = ("year", "measure", ("zone", RelatedOnlyFieldListFilter))
    search_fields = ("zone__name_ko", "zone__name_en", "note")
    autocomplete_fields = ("zone",)
    fields = ("zone", "year", "measure", "value", "note", *TIMESTAMPS)
    readonly_fields = TIMESTAMPS

    @admin.display(description=_("target"), ordering="value")
    def target(self, obj: ZoneTarget) -> str:
        return format_krw(obj.value) if obj.measure.endswith("_krw") else f"{obj.value:,}"
