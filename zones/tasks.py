"""Zone tasks run by Celery beat (schedules editable in the admin: `manage.py setup_schedules`)."""

from celery import shared_task

from zones.models import KpiSnapshot, Zone
from zones.services_kpi import kpi_snapshot_take, last_finished_quarter


@shared_task(acks_late=True)
def take_last_quarter_kpi_snapshots() -> int:
    """Freeze every active zone's KPIs for the last finished quarter.

    Safe to run any day and any number of times: a snapshot once taken is returned unchanged, so only
    the first run after a quarter ends writes anything (and a run cut short is completed by the next).
    """
    start = last_finished_quarter()
    zones = Zone.objects.active().order_by("pk")
    for zone in zones:
        kpi_snapshot_take(zone=zone, period_kind=KpiSnapshot.PeriodKind.QUARTER, period_start=start)
    return zones.count()
