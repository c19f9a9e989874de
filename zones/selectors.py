import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import BooleanField, Count, Expression, F, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone

from zones.models import PlanOperator, Zone, ZoneStaff


def zone_ids_for_user(user) -> list[int] | None:
    """The zones a user works for; None means every zone (superusers)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, "_zone_ids_cache", None)
    if cached is None:
        cached = list(ZoneStaff.objects.filter(user=user, is_active=True).values_list("zone_id", flat=True))
        user._zone_ids_cache = cached
    return cached


class EqualsAnyOf(Expression):
    """`column = ANY(ARRAY(subquery))` (PostgreSQL): the subquery runs once, first, as an init plan, and its ids
    are an index condition on `column`. The planner sees a short list of ids where "IN (subquery)" leaves it a
    semi-join whose few rows it cannot foresee, so it reads the whole table instead."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, subquery: QuerySet):
        super().__init__()
        self.column, self.array = F(column) if isinstance(column, str) else column, ArraySubquery(subquery)

    def get_source_expressions(self):
        return [self.column, self.array]

    def set_source_expressions(self, exprs):
        self.column, self.array = exprs

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        array_sql, array_params = compiler.compile(self.array)
        return f"{column_sql} = ANY({array_sql})", (*column_params, *array_params)


def filter_by_zone_path(queryset: QuerySet, zone_path: str, zone_ids: Iterable[int | str]) -> QuerySet:
    """The rows whose zone, reached through `zone_path` ("zone", "call__program__zone", ...), is in `zone_ids`.

    Each forward foreign key of the path is matched against the ids of the related rows of those zones, nested
    hop by hop, instead of joining the chain: on PostgreSQL `call_id = ANY(ARRAY(SELECT id FROM call WHERE
    program_id = ANY(ARRAY(SELECT id FROM program WHERE zone_id IN (...)))))`, so the zone's few calls are found
    first and the list's rows are read through its foreign key index, whatever else the query filters on (a
    joined chain or an "IN (subquery)" leaves the zone to the far end of the plan). Same rows as the joined
    lookup `call__program__zone__in`. A hop through a to-many relation keeps the joined lookup (and its rows).
    """
    zone_ids = list(zone_ids)
    name, _, rest = zone_path.partition(LOOKUP_SEP)
    if rest:
        field = queryset.model._meta.get_field(name)
        if field.many_to_one or (field.one_to_one and field.concrete):
            related = filter_by_zone_path(field.related_model._base_manager.order_by(), rest, zone_ids)
            ids = related.values(field.target_field.attname)
            if connections[queryset.db].vendor == "postgresql":
                return queryset.filter(EqualsAnyOf(field.attname, ids))
            return queryset.filter(**{f"{name}__in": ids})
    return queryset.filter(**{f"{zone_path}__in": zone_ids})


def scope_to_user_zones(queryset: QuerySet, user, zone_path: str) -> QuerySet:
    """Restrict a queryset to the user's zones through `zone_path` (e.g. "call__program__zone")."""
    zone_ids = zone_ids_for_user(user)
    if zone_ids is None:
        return queryset
    return filter_by_zone_path(queryset, zone_path, zone_ids)


def zone_list_public() -> QuerySet[Zone]:
    """Zones shown on the public home page, with their headline counts computed in the database."""
    now = timezone.now()
    return (
        Zone.objects.active()
        .annotate(
            resident_count=Count(
                "tenancies",
                filter=Q(tenancies__status="resident", tenancies__archived_at__isnull=True),
                distinct=True,
            ),
            open_call_count=Count(
                "programs__calls",
                filter=Q(
                    programs__calls__is_published=True,
                    programs__calls__opens_at__lte=now,
                    programs__calls__closes_at__gt=now,
                    programs__calls__archived_at__isnull=True,
                ),
                distinct=True,
            ),
        )
        .order_by("designated_on", "name_ko")
    )


def plan_operators_in_force(zone: Zone | int, *, on: dt.date | None = None) -> QuerySet[PlanOperator]:
    """The operators a zone's plan names on a day (today by default): named by then, not yet removed."""
    on = on or timezone.localdate()
    return PlanOperator.objects.filter(zone=zone).filter(
        Q(named_on__isnull=True) | Q(named_on__lte=on),
        Q(removed_on__isnull=True) | Q(removed_on__gt=on),
    )


def company_is_plan_operator(company, zone: Zone | int, *, on: dt.date | None = None) -> bool:
    """Only businesses named in the zone plan may use its special cases; a firm merely located there may not."""
    if company is None or zone is None:
        return False
    return plan_operators_in_force(zone, on=on).filter(company=company).exists()


def kpi_report(zone: Zone, period_kind: str, period_start: dt.date) -> list[dict]:
    """One row per KPI: value from the period's snapshot (or computed live, flagged), target, previous period.

    Reads snapshots of the period and the one before in one query and the year's targets in another; a measure
    without a snapshot is computed live (its own aggregate query).
    """
    from zones import kpi
    from zones.models import KpiSnapshot, ZoneTarget
    from zones.services_kpi import period_end, previous_period_start

    end = period_end(period_kind, period_start)
    previous_start = previous_period_start(period_kind, period_start)
    previous_end = period_end(period_kind, previous_start)
    snapshots = {
        (row.period_start, row.code): row.value
        for row in KpiSnapshot.objects.filter(
            zone=zone, period_kind=period_kind, period_start__in=[period_start, previous_start]
        )
    }
    targets = dict(ZoneTarget.objects.filter(zone=zone, year=period_start.year).values_list("measure", "value"))
    rows = []
    for definition in kpi.KPIS:
        live = (period_start, definition.code) not in snapshots
        if live:
            value = definition.compute(kpi.Frame(zone, period_start, end))
        else:
            value = snapshots[(period_start, definition.code)]
        if (previous_start, definition.code) in snapshots:
            previous = snapshots[(previous_start, definition.code)]
        else:
            previous = definition.compute(kpi.Frame(zone, previous_start, previous_end))
        value = None if value is None else Decimal(str(value))
        previous = None if previous is None else Decimal(str(previous))
        target_measure, target_basis = kpi.TARGET_MEASURES.get(definition.code, (None, None))
        target = targets.get(target_measure) if target_measure else None
        rows.append(
            {
                "code": definition.code,
                "name_ko": definition.name_ko,
                "name_en": definition.name_en,
                "unit": definition.unit,
                "pillar": definition.pillar,
                "value": value,
                "live": live,
                "target": target,
                "target_basis": target_basis if target is not None else None,
                "percent_of_target": (round(value * 100 / target, 1) if value is not None and target else None),
                "previous": previous,
                "change": value - previous if value is not None and previous is not None else None,
            }
        )
    return rows


def zones_for_user(user) -> QuerySet[Zone]:
    """The active zones a user works for (every active zone for superusers), in designation order."""
    zone_ids = zone_ids_for_user(user)
    zones = Zone.objects.active().order_by("designated_on", "name_ko")
    return zones if zone_ids is None else zones.filter(pk__in=zone_ids)


# The dashboard's headline measures, in the order a card shows them.
HEADLINE_CODES: tuple[str, ...] = (
    "companies_residents",
    "mous_conversion_rate",
    "mou_jobs_promised",
    "mou_jobs_created",
    "fund_invested_krw",
    "training_employed",
)


def kpi_headline(zone: Zone, period_kind: str, period_start: dt.date) -> dict[str, dict]:
    """The headline rows of `kpi_report`, by code."""
    rows = {row["code"]: row for row in kpi_report(zone, period_kind, period_start)}
    return {code: rows[code] for code in HEADLINE_CODES}


def kpi_comparison(zones: list[Zone], period_kind: str, period_start: dt.date) -> dict:
    """Zones side by side for a period: one row per KPI (a cell per zone), then the period year's AI-readiness
    indicators grouped by pillar. `kpi_report` per zone, and one query for every zone's indicators."""
    from zones.models import ZoneIndicator

    reports_by_zone = [kpi_report(zone, period_kind, period_start) for zone in zones]
    kpi_rows = []
    for index, first in enumerate(reports_by_zone[0] if reports_by_zone else []):
        kpi_rows.append({**first, "cells": [rows[index] for rows in reports_by_zone]})
    values = {
        (zone_id, indicator): value
        for zone_id, indicator, value in ZoneIndicator.objects.filter(
            zone__in=[zone.pk for zone in zones], year=period_start.year
        ).values_list("zone_id", "indicator", "value")
    }
    pillars: dict[str, list[dict]] = {}
    for indicator in ZoneIndicator.Indicator:
        pillars.setdefault(ZoneIndicator.PILLARS[indicator], []).append(
            {
                "indicator": indicator,
                "label": indicator.label,
                "values": [values.get((zone.pk, indicator.value)) for zone in zones],
            }
        )
    return {"kpi_rows": kpi_rows, "pillars": pillars}
