"""KPI snapshot runs: snapshots of one period for some zones, asked for in the admin and taken by a Celery task.

`kpi_snapshot_run_start` checks and records the run and queues the task after commit;
`kpi_snapshot_run_execute` (the task's body) takes each zone in its own transaction and publishes how far
it has got as it goes, so the admin's progress page can follow it. Running it again is safe: a finished
run is left alone and an interrupted one resumes (zones already taken are no-ops).
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from zones.models import KpiSnapshotRun, Zone
from zones.selectors import zone_ids_for_user
from zones.services_kpi import kpi_snapshot_take, period_end

logger = logging.getLogger(__name__)

Status = KpiSnapshotRun.Status
ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)


@transaction.atomic
def kpi_snapshot_run_start(
    *, zones: Iterable[Zone], period_kind: str, period_start: dt.date, acting_user
) -> KpiSnapshotRun:
    """Record a run of the period's snapshots for `zones` and queue it (after commit).

    Refused: no zone, a zone outside the user's zones, a day that does not start a period, a period that
    has not ended yet (its figures would be frozen unfinished), or a run of the same period still queued or
    running for any of the same zones.
    """
    zone_ids = sorted({zone.pk for zone in zones})
    if not zone_ids:
        raise ApplicationError(_("Choose at least one zone."), field="zones")
    allowed = zone_ids_for_user(acting_user) if acting_user is not None else None
    if allowed is not None and not set(zone_ids) <= set(allowed):
        raise ApplicationError(_("You may only take snapshots of the zones you work for."), field="zones")
    try:
        end = period_end(period_kind, period_start)
    except ApplicationError as error:
        raise ApplicationError(error.message, field="period") from error
    today = timezone.localdate()
    if end >= today:
        raise ApplicationError(
            _(
                "The period %(start)s – %(end)s has not ended yet: its snapshot would freeze unfinished figures. "
                "Choose a period that ended before today."
            )
            % {"start": period_start, "end": end},
            field="period",
        )

    # Lock the zones so two requests for overlapping zones cannot both pass the check below.
    list(Zone.objects.select_for_update().filter(pk__in=zone_ids).order_by("pk").values_list("pk", flat=True))
    clash = (
        KpiSnapshotRun.objects.filter(
            period_kind=period_kind, period_start=period_start, status__in=ACTIVE_STATUSES, zones__in=zone_ids
        )
        .order_by("pk")
        .first()
    )
    if clash is not None:
        raise ApplicationError(
            _("A run of this period for some of these zones is already %(status)s (run %(id)d); wait for it to end.")
            % {"status": clash.get_status_display(), "id": clash.pk}
        )

    run = KpiSnapshotRun(
        period_kind=period_kind,
        period_start=period_start,
        status=Status.QUEUED,
        total=len(zone_ids),
        requested_by=acting_user,
    )
    run.full_clean()
    run._history_user = acting_user
    run.save()
    run.zones.set(zone_ids)

    from zones.tasks import run_kpi_snapshot_run

    transaction.on_commit(lambda: run_kpi_snapshot_run.delay(run.pk))
    return run


def _finish(run_id: int, **changes) -> KpiSnapshotRun | None:
    """End a running run under a row lock (with its history row); a run no longer running is left as it is."""
    with transaction.atomic():
        run = KpiSnapshotRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != Status.RUNNING:
            return run
        for name, value in changes.items():
            setattr(run, name, value)
        run.full_clean()
        run.save(update_fields=[*changes, "updated_at"])
        return run


def kpi_snapshot_run_execute(run_id: int) -> KpiSnapshotRun | None:
    """Take the run's snapshots zone by zone (ordered by pk); the body of `zones.tasks.run_kpi_snapshot_run`.

    `done` is raised to the number of zones reached after each zone, outside any long transaction, so the
    progress page sees it; setting it to the index (never adding blindly) keeps a resumed or redelivered run
    honest. An error stops the run as failed with its text; zones taken before it stay taken.
    """
    with transaction.atomic():
        run = KpiSnapshotRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status not in ACTIVE_STATUSES:
            return run  # unknown, done or failed: nothing to do
        run.status = Status.RUNNING
        run.started_at = run.started_at or timezone.now()  # a resumed run keeps its first start
        run.full_clean()
        run.save(update_fields=["status", "started_at", "updated_at"])

    zone = None
    try:
        for index, zone in enumerate(run.zones.order_by("pk"), start=1):
            kpi_snapshot_take(
                zone=zone, period_kind=run.period_kind, period_start=run.period_start, acting_user=run.requested_by
            )
            KpiSnapshotRun.objects.filter(pk=run.pk, done__lt=index).update(done=index)
    except Exception as error:
        logger.exception("KPI snapshot run %s failed at zone %s", run.pk, getattr(zone, "pk", None))
        text = getattr(error, "message", None) or str(error) or type(error).__name__
        return _finish(
            run.pk,
            status=Status.FAILED,
            error=f"{zone}: {text}" if zone is not None else text,
            finished_at=timezone.now(),
        )
    return _finish(run.pk, status=Status.DONE, finished_at=timezone.now())
