"""Zone tasks: run by Celery beat (schedules editable in the admin: `manage.py setup_schedules`) or queued by a service."""

from celery import shared_task
from django.db import transaction

from zones.models import KpiSnapshot, Zone
from zones.services_kpi import kpi_report_distribute, kpi_snapshot_take, last_finished_quarter
from zones.services_kpi_runs import kpi_snapshot_run_execute


@shared_task(acks_late=True)
def take_last_quarter_kpi_snapshots() -> int:
    """Freeze every active zone's KPIs for the last finished quarter and send the report to its subscribers.

    Safe to run any day and any number of times: a snapshot once taken is returned unchanged, so only
    the first run after a quarter ends writes (and distributes) anything; a run cut short is completed by
    the next, and the report's message key keeps a redelivered run from mailing twice. Each zone's snapshot
    and its report's e-mail are one transaction, the e-mail queued as it commits, so a worker lost while the
    report is being written leaves no snapshot behind that would keep the redelivered run from mailing it.
    """
    kind = KpiSnapshot.PeriodKind.QUARTER
    start = last_finished_quarter()
    zones = Zone.objects.active().order_by("pk")
    for zone in zones:
        with transaction.atomic():
            Zone.objects.select_for_update().get(pk=zone.pk)  # a concurrent run waits, then finds it taken
            taken_before = set(
                KpiSnapshot.objects.filter(zone=zone, period_kind=kind, period_start=start).values_list(
                    "code", flat=True
                )
            )
            rows = kpi_snapshot_take(zone=zone, period_kind=kind, period_start=start)
            if {row.code for row in rows} - taken_before:
                kpi_report_distribute(zone=zone, period_kind=kind, period_start=start)
    return zones.count()


@shared_task(acks_late=True)
def run_kpi_snapshot_run(run_id: int) -> str | None:
    """Take a KPI snapshot run started from the admin; a redelivered task resumes it or does nothing once it ended."""
    run = kpi_snapshot_run_execute(run_id)
    return None if run is None else run.status
