"""KPIs: the measures (`measures`: how each is computed over a `Frame`) and the catalogue (`catalogue`: codes,
names, units, pillars, and the measures read against the plan's yearly targets)."""

from zones.kpi.catalogue import KPI_BY_CODE, KPIS, TARGET_MEASURES, TargetBasis, compute_all
from zones.kpi.measures import SEOUL, Frame, KpiDefinition, Number, Pillar, Unit

__all__ = [
    "KPIS",
    "KPI_BY_CODE",
    "SEOUL",
    "TARGET_MEASURES",
    "Frame",
    "KpiDefinition",
    "Number",
    "Pillar",
    "TargetBasis",
    "Unit",
    "compute_all",
]
