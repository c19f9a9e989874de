"""Funds with their commitments and investments; compute allocations."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ARCHIVED_RECORD_FIELDSET,
    RECORD_FIELDSET,
    TIMESTAMPS,
    ArchivableAdmin,
    DomainAdmin,
    DomainInline,
    ForAdminListMixin,
    ZoneListFilter,
)
from core.formatting import format_krw
from programs.models import ComputeAllocation, Fund, FundCommitment, Investment


class FundCommitmentInline(DomainInline):
    model = FundCommitment
    zone_path = "fund__zone"
    fields = ("investor_name", "amount_krw", "committed_on")


class InvestmentInline(DomainInline):
    model = Investment
    zone_path = "fund__zone"
    fields = ("company", "instrument", "amount_krw", "invested_on", "application", "note", "archived_at")
    readonly_fields = ("archived_at",)
    autocomplete_fields = ("company", "application")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "application")


@admin.register(Fund)
class FundAdmin(ForAdminListMixin, ArchivableAdmin):
    zone_path = "zone"
    list_display = (
        "name_ko",
        "zone",
        "manager",
        "vintage_year",
        "status",
        "size",
        "committed",
        "invested",
        "remaining",
        "investee_count",
    )
    list_filter = (ZoneListFilter, "status")
    search_fields = ("name_ko", "name_en", "manager")
    autocomplete_fields = ("zone",)
    readonly_fields = ("committed", "invested", "remaining", "investee_count", *TIMESTAMPS)
    fieldsets = (
        (None, {"fields": ("zone", "name_ko", "name_en", "manager", "vintage_year", "status", "purpose")}),
        (_("Money"), {"fields": ("size_krw", "committed", "invested", "remaining", "investee_count")}),
        ARCHIVED_RECORD_FIELDSET,
    )
    inlines = (FundCommitmentInline, InvestmentInline)

    # The totals come from with_totals(); an unsaved fund (the add page) has none yet.

    @admin.display(description=_("size"), ordering="size_krw")
    def size(self, obj: Fund) -> str:
        return format_krw(obj.size_krw)

    @admin.display(description=_("committed"), ordering="committed_krw")
    def committed(self, obj: Fund) -> str:
        return format_krw(getattr(obj, "committed_krw", None))

    @admin.display(description=_("invested"), ordering="invested_krw")
    def invested(self, obj: Fund) -> str:
        return format_krw(getattr(obj, "invested_krw", None))

    @admin.display(description=_("remaining"), ordering="remaining_krw")
    def remaining(self, obj: Fund) -> str:
        return format_krw(getattr(obj, "remaining_krw", None))

    @admin.display(description=_("investee companies"), ordering="investee_count")
    def investee_count(self, obj: Fund):
        return getattr(obj, "investee_count", "-")


@admin.register(FundCommitment)
class FundCommitmentAdmin(ForAdminListMixin, DomainAdmin):
    zone_path = "fund__zone"
    list_display = ("investor_name", "fund", "zone", "amount", "committed_on")
    list_filter = (ZoneListFilter,)
    search_fields = ("investor_name", "fund__name_ko", "fund__name_en")
    autocomplete_fields = ("fund",)
    readonly_fields = TIMESTAMPS
    fieldsets = ((None, {"fields": ("fund", "investor_name", "amount_krw", "committed_on")}), RECORD_FIELDSET)

    @admin.display(description=_("zone"), ordering="fund__zone__name_ko")
    def zone(self, obj: FundCommitment):
        return obj.fund.zone

    @admin.display(description=_("amount"), ordering="amount_krw")
    def amount(self, obj: FundCommitment) -> str:
        return format_krw(obj.amount_krw)


@admin.register(Investment)
class InvestmentAdmin(ForAdminListMixin, ArchivableAdmin):
    zone_path = "fund__zone"
    list_display = ("company", "fund", "zone", "instrument", "amount", "invested_on")
    list_filter = (ZoneListFilter, "instrument")
    search_fields = ("company__name_ko", "company__name_en", "=company__brn", "fund__name_ko", "note")
    number_search_paths = ("company__brn",)
    autocomplete_fields = ("fund", "company", "application")
    date_hierarchy = "invested_on"
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("fund", "company", "application")}),
        (_("Investment"), {"fields": ("instrument", "amount_krw", "invested_on", "note")}),
        ARCHIVED_RECORD_FIELDSET,
    )

    @admin.display(description=_("zone"), ordering="fund__zone__name_ko")
    def zone(self, obj: Investment):
        return obj.fund.zone

    @admin.display(description=_("amount"), ordering="amount_krw")
    def amount(self, obj: Investment) -> str:
        return format_krw(obj.amount_krw)


@admin.register(ComputeAllocation)
class ComputeAllocationAdmin(ForAdminListMixin, ArchivableAdmin):
    zone_path = "zone"
    list_display = ("company", "zone", "resource", "status", "gpu_hours", "ai_tasks", "value", "period")
    list_filter = (ZoneListFilter, "status")
    search_fields = ("company__name_ko", "company__name_en", "=company__brn", "resource")
    number_search_paths = ("company__brn",)
    autocomplete_fields = ("zone", "company", "application")
    date_hierarchy = "starts_on"
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("zone", "company", "application", "status")}),
        (_("Compute"), {"fields": ("resource", "gpu_hours", "ai_tasks", "value_krw", "starts_on", "ends_on")}),
        ARCHIVED_RECORD_FIELDSET,
    )

    @admin.display(description=_("value"), ordering="value_krw")
    def value(self, obj: ComputeAllocation) -> str:
        return format_krw(obj.value_krw)

    @admin.display(description=_("period"), ordering="starts_on")
    def period(self, obj: ComputeAllocation) -> str:
        return f"{obj.starts_on:%Y-%m-%d} – {obj.ends_on:%Y-%m-%d}"
