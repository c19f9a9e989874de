"""The zone plan: project areas, sub-projects, the operators named to run them, and approved plan changes."""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.utils.translation import gettext_lazy as _

from core.admin import TIMESTAMPS, DomainAdmin, ForAdminListMixin
from core.formatting import format_krw
from zones.admin.base import ZoneInline, company_brn
from zones.admin.forms import PlanOperatorAdminForm, SubProjectOperatorFormSet
from zones.models import PlanChange, PlanOperator, ProjectArea, SubProject, Zone


class RegisteredCompanyFilter(admin.SimpleListFilter):
    title = _("registered company")
    parameter_name = "registered"

    def lookups(self, request, model_admin):
        return [("yes", _("Registered company")), ("no", _("Not linked to a company"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(company__isnull=self.value() == "no")
        return queryset


class InPlanFilter(admin.SimpleListFilter):
    title = _("in the plan")
    parameter_name = "in_plan"

    def lookups(self, request, model_admin):
        return [("yes", _("Named")), ("no", _("Removed"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(removed_on__isnull=self.value() == "yes")
        return queryset


class SubProjectInline(ZoneInline):
    model = SubProject
    fields = ("code", "name_ko", "name_en", "start_year", "end_year", "budget_krw")
    verbose_name_plural = _("sub-projects (open one for its operators)")


class PlanOperatorInline(ZoneInline):
    model = PlanOperator
    form = PlanOperatorAdminForm
    formset = SubProjectOperatorFormSet
    fields = ("organization_name", "is_company", "company", "role", "named_on", "removed_on")
    autocomplete_fields = ("company",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company")


@admin.register(ProjectArea)
class ProjectAreaAdmin(ForAdminListMixin, DomainAdmin):
    zone_path = "zone"
    list_display = ("code", "name_ko", "zone", "area_m2", "location", "sub_project_count", "sub_project_budget")
    list_select_related = ("zone",)
    list_filter = (("zone", RelatedOnlyFieldListFilter),)
    search_fields = ("code", "name_ko", "name_en", "location", "zone__name_ko")
    autocomplete_fields = ("zone",)
    fields = ("zone", "code", "name_ko", "name_en", "area_m2", "location", *TIMESTAMPS)
    readonly_fields = TIMESTAMPS
    inlines = (SubProjectInline,)

    @admin.display(description=_("sub-projects"), ordering="sub_project_count")
    def sub_project_count(self, obj: ProjectArea) -> int:
        return obj.sub_project_count

    @admin.display(description=_("sub-project budgets"), ordering="sub_project_budget_krw")
    def sub_project_budget(self, obj: ProjectArea) -> str:
        return format_krw(obj.sub_project_budget_krw)


@admin.register(SubProject)
class SubProjectAdmin(ForAdminListMixin, DomainAdmin):
    zone_path = "project_area__zone"
    list_display = ("code", "name_ko", "project_area", "zone", "years", "budget", "operator_count")
    list_select_related = ("project_area__zone",)
    list_filter = (("project_area__zone", RelatedOnlyFieldListFilter), ("project_area", RelatedOnlyFieldListFilter))
    search_fields = ("code", "name_ko", "name_en", "project_area__code", "project_area__name_ko")
    autocomplete_fields = ("project_area",)
    fields = ("project_area", "code", "name_ko", "name_en", "start_year", "end_year", "budget_krw", *TIMESTAMPS)
    readonly_fields = TIMESTAMPS
    inlines = (PlanOperatorInline,)

    @admin.display(description=_("zone"), ordering="project_area__zone__name_ko")
    def zone(self, obj: SubProject) -> Zone:
        return obj.project_area.zone

    @admin.display(description=_("years"), ordering="start_year")
    def years(self, obj: SubProject) -> str:
        return f"{obj.start_year}–{obj.end_year}"

    @admin.display(description=_("budget"), ordering="budget_krw")
    def budget(self, obj: SubProject) -> str:
        return format_krw(obj.budget_krw)

    @admin.display(description=_("operators"), ordering="operator_count")
    def operator_count(self, obj: SubProject) -> int:
        return obj.operator_count


@admin.register(PlanOperator)
class PlanOperatorAdmin(DomainAdmin):
    zone_path = "zone"
    form = PlanOperatorAdminForm
    list_display = (
        "organization_name",
        "role",
        "zone",
        "sub_project",
        "is_registered_company",
        "company_brn",
        "named_on",
        "removed_on",
    )
    list_select_related = ("zone", "sub_project", "company")
    list_filter = ("role", InPlanFilter, RegisteredCompanyFilter, ("zone", RelatedOnlyFieldListFilter))
    search_fields = (
        "organization_name",
        "company__name_ko",
        "company__name_en",
        "company__brn",
        "sub_project__name_ko",
    )
    number_search_paths = ("company__brn",)
    autocomplete_fields = ("zone", "sub_project", "company")
    fields = (
        "zone",
        "sub_project",
        "organization_name",
        "role",
        "is_company",
        "company",
        "named_on",
        "removed_on",
        *TIMESTAMPS,
    )
    readonly_fields = TIMESTAMPS

    @admin.display(description=_("registered company"), boolean=True, ordering="company")
    def is_registered_company(self, obj: PlanOperator) -> bool:
        return obj.company_id is not None

    @admin.display(description=_("business registration number"), ordering="company__brn")
    def company_brn(self, obj: PlanOperator) -> str:
        return company_brn(obj.company)


@admin.register(PlanChange)
class PlanChangeAdmin(DomainAdmin):
    zone_path = "zone"
    list_display = ("approved_on", "zone", "kind", "approved_by", "short_summary", "reference")
    list_select_related = ("zone",)
    list_filter = ("kind", ("zone", RelatedOnlyFieldListFilter))
    search_fields = ("summary", "approved_by", "reference", "zone__name_ko")
    date_hierarchy = "approved_on"
    autocomplete_fields = ("zone",)
    fields = ("zone", "kind", "approved_on", "approved_by", "reference", "summary", *TIMESTAMPS)
    readonly_fields = TIMESTAMPS

    @admin.display(description=_("summary"))
    def short_summary(self, obj: PlanChange) -> str:
        return obj.summary if len(obj.summary) <= 80 else f"{obj.summary[:79]}…"
