"""KPI snapshots: read-only in the admin (they are taken by zones.services_kpi), and the zone's action to take one."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import DomainAdmin
from core.exceptions import ApplicationError
from zones.models import KpiSnapshot
from zones.services_kpi import kpi_snapshot_take, last_finished_quarter


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(DomainAdmin):
    zone_path = "zone"
    list_display = ("zone", "code", "period_kind", "period_start", "period_end", "value", "computed_at", "computed_by")
    list_filter = ("zone", "code", "period_kind")
    list_select_related = ("zone", "computed_by")
    date_hierarchy = "period_start"
    readonly_fields = [field.name for field in KpiSnapshot._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.action(description=_("Take the last finished quarter's KPI snapshot"), permissions=["change"])
def take_last_quarter_kpi_snapshot(modeladmin, request, queryset) -> None:
    start = last_finished_quarter()
    for zone in queryset:
        try:
            rows = kpi_snapshot_take(
                zone=zone, period_kind=KpiSnapshot.PeriodKind.QUARTER, period_start=start, acting_user=request.user
            )
        except ApplicationError as error:
            modeladmin.message_user(request, f"{zone}: {error}", messages.WARNING)
            continue
        modeladmin.message_user(
            request,
            _("%(zone)s: %(count)d KPI snapshots for the quarter starting %(start)s.")
            % {"zone": zone, "count": len(rows), "start": start},
            messages.SUCCESS,
        )
