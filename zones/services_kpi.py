"""Taking KPI snapshots: one frozen row per (zone, measure, period); a superuser may retake them."""

import calendar
import datetime as dt
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.formatting import format_krw
from core.notifications import notify_users
from zones import kpi
from zones.models import KpiSnapshot, Zone

PeriodKind = KpiSnapshot.PeriodKind

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>\d{1,2})))?$", re.IGNORECASE)


def period_end(period_kind: str, period_start: dt.date) -> dt.date:
    """The last day of the period that starts on `period_start`; refuses a start that is not a period's first day."""
    year, month = period_start.year, period_start.month
    if period_kind == PeriodKind.MONTH and period_start.day == 1:
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if period_kind == PeriodKind.QUARTER and period_start.day == 1 and month in (1, 4, 7, 10):
        last = month + 2
        return dt.date(year, last, calendar.monthrange(year, last)[1])
    if period_kind == PeriodKind.YEAR and (month, period_start.day) == (1, 1):
        return dt.date(year, 12, 31)
    raise ApplicationError(_("%(start)s does not start a %(kind)s.") % {"start": period_start, "kind": period_kind})


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """ "2025-Q4", "2025-11" or "2025" -> (kind, first day, last day)."""
    match = _PERIOD.match((text or "").strip())
    if not match:
        raise ApplicationError(_('Unknown period "%(text)s": use 2025, 2025-Q4 or 2025-11.') % {"text": text})
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise ApplicationError(_('Unknown period "%(text)s": years run 2000-2100.') % {"text": text})
    if match["quarter"]:
        kind, start = PeriodKind.QUARTER, dt.date(year, 3 * int(match["quarter"]) - 2, 1)
    elif match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ApplicationError(_('Unknown period "%(text)s": months run 01-12.') % {"text": text})
        kind, start = PeriodKind.MONTH, dt.date(year, month, 1)
    else:
        kind, start = PeriodKind.YEAR, dt.date(year, 1, 1)
    return kind, start, period_end(kind, start)


def previous_period_start(period_kind: str, period_start: dt.date) -> dt.date:
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[period_kind]
    index = period_start.year * 12 + period_start.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def last_finished_quarter(today: dt.date | None = None) -> dt.date:
    """The first day of the last quarter that has ended (Asia/Seoul calendar)."""
    today = today or timezone.localdate()
    this_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return previous_period_start(PeriodKind.QUARTER, this_quarter)


def _as_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.0001"))


def _write(*, zone: Zone, period_kind: str, period_start: dt.date, acting_user, replace: bool) -> list[KpiSnapshot]:
    end = period_end(period_kind, period_start)
    existing = {
        row.code: row
        for row in KpiSnapshot.objects.select_for_update().filter(
            zone=zone, period_kind=period_kind, period_start=period_start
        )
    }
    now = timezone.now()
    frame = kpi.Frame(zone, period_start, end)
    rows = []
    for definition in kpi.KPIS:
        row = existing.get(definition.code)
        if row is not None and not replace:
            rows.append(row)  # frozen: once taken, a snapshot does not follow later edits
            continue
        row = row or KpiSnapshot(zone=zone, code=definition.code, period_kind=period_kind, period_start=period_start)
        row.period_end = end
        row.value = _as_decimal(definition.compute(frame))
        row.computed_at = now
        row.computed_by = acting_user
        row.full_clean(validate_unique=False, validate_constraints=False)
        row._history_user = acting_user
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def kpi_snapshot_take(*, zone: Zone, period_kind: str, period_start: dt.date, acting_user=None) -> list[KpiSnapshot]:
    """Compute and store every measure for the period; measures already taken are returned unchanged."""
    Zone.objects.select_for_update().get(pk=zone.pk)  # two takes of one zone do not race to insert
    return _write(zone=zone, period_kind=period_kind, period_start=period_start, acting_user=acting_user, replace=False)


@transaction.atomic
def kpi_snapshot_retake(*, zone: Zone, period_kind: str, period_start: dt.date, acting_user) -> list[KpiSnapshot]:
    """Superusers only: recompute and replace the period's snapshots; the history keeps the old values and who."""
    if acting_user is None or not acting_user.is_superuser:
        raise ApplicationError(_("Only a superuser may retake KPI snapshots."))
    Zone.objects.select_for_update().get(pk=zone.pk)
    return _write(zone=zone, period_kind=period_kind, period_start=period_start, acting_user=acting_user, replace=True)


def kpi_snapshot_verify(*, zone: Zone, period_kind: str, period_start: dt.date) -> list[dict]:
    """Recompute the period's frozen snapshots "as of" the moment each was taken, from the change history.

    A frozen figure that the history does not give back was not computed from the records as they stood (a
    record edited without its history, or a bulk write that bypassed it): one row per snapshot, with
    `matches`, so an auditor sees which figure to question. A few queries per measure, on the history tables.
    """
    end = period_end(period_kind, period_start)
    snapshots = list(KpiSnapshot.objects.filter(zone=zone, period_kind=period_kind, period_start=period_start))
    recomputed: dict[dt.datetime, dict[str, kpi.Number]] = {}
    for taken_at in {row.computed_at for row in snapshots}:
        recomputed[taken_at] = kpi.compute_all(zone, period_start, end, as_of=taken_at)
    order = {code: index for index, code in enumerate(kpi.KPI_BY_CODE)}
    rows = []
    for row in sorted(snapshots, key=lambda snapshot: (order.get(snapshot.code, len(order)), snapshot.code)):
        definition = kpi.KPI_BY_CODE.get(row.code)
        as_of_value = _as_decimal(recomputed[row.computed_at].get(row.code)) if definition else None
        rows.append(
            {
                "code": row.code,
                "name_ko": definition.name_ko if definition else row.code,
                "name_en": definition.name_en if definition else row.code,
                "unit": definition.unit if definition else "",
                "computed_at": row.computed_at,
                "frozen": row.value,
                "as_of": as_of_value,
                "matches": definition is not None and as_of_value == row.value,
            }
        )
    return rows


def _display(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "KRW":
        return format_krw(int(value))
    if unit == "percent":
        return f"{value:.1f}%"
    return f"{value.normalize():,f}" if isinstance(value, Decimal) else str(value)


def kpi_report_distribute(*, zone: Zone, period_kind: str, period_start: dt.date) -> int:
    """E-mail the period's KPI report to the zone's active subscribers (after commit); returns how many.

    Korean first, English second. The message key makes a redelivered or repeated distribution send once.
    """
    from zones.models import KpiSubscriber
    from zones.selectors import kpi_report

    emails = list(KpiSubscriber.objects.filter(zone=zone, is_active=True).values_list("email", flat=True))
    if not emails:
        return 0
    rows = kpi_report(zone, period_kind, period_start)
    label = f"{period_start:%Y}-Q{(period_start.month - 1) // 3 + 1}" if period_kind == "quarter" else str(period_start)
    with translation.override("ko"):
        lines_ko = [f"{row['name_ko']}: {_display(row['value'], row['unit'])}" for row in rows]
    with translation.override("en"):
        lines_en = [f"{row['name_en']}: {_display(row['value'], row['unit'])}" for row in rows]
    body = "\n".join(
        [
            f"{zone.name_ko} KPI 보고 ({label})",
            "",
            *lines_ko,
            "",
            f"{zone.name_en or zone.name_ko} KPI report ({label})",
            "",
            *lines_en,
        ]
    )
    notify_users(
        emails,
        subject=f"{zone.name_ko} KPI 보고 {label} / KPI report {label}",
        body=body,
        key=f"kpi-report-{zone.pk}-{period_kind}-{period_start:%Y%m%d}",
    )
    return len(emails)
