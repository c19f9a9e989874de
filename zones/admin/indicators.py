"""AI-readiness indicators per zone and year (Brookings pillars) and the people who receive KPI reports."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import RECORD_FIELDSET, DomainAdmin, ZoneListFilter
from zones.models import KpiSubscriber, ZoneIndicator


@admin.register(ZoneIndicator)
class ZoneIndicatorAdmin(DomainAdmin):
    zone_path = "zone"
    list_display = ("zone", "year", "indicator", "pillar_column", "value", "source")
    list_select_related = ("zone",)
    list_filter = (ZoneListFilter, "year", "indicator")
    search_fields = ("zone__name_ko", "zone__name_en", "source")
    autocomplete_fields = ("zone",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = ((None, {"fields": ("zone", "year", "indicator", "value", "source")}), RECORD_FIELDSET)

    @admin.display(description=_("pillar"))
    def pillar_column(self, obj: ZoneIndicator) -> str:
        return {"talent": _("Talent"), "innovation": _("Innovation"), "adoption": _("Adoption")}[obj.pillar]


@admin.register(KpiSubscriber)
class KpiSubscriberAdmin(DomainAdmin):
    zone_path = "zone"
    list_display = ("name", "organization", "email", "zone", "is_active")
    list_select_related = ("zone",)
    list_filter = (ZoneListFilter, "is_active")
    search_fields = ("name", "organization", "email")
    autocomplete_fields = ("zone",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = ((None, {"fields": ("zone", "name", "organization", "email", "is_active")}), RECORD_FIELDSET)
