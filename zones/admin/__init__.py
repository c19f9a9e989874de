"""The zone office's admin: zones and their plans, regulatory special cases and the grants to use them.

Every list is scoped to the zones the officer works for (`zone_path`), shows its figures from one query
(the QuerySet's `for_admin_list()` or `list_select_related`), and filters only on indexed columns.
Nothing is deleted; zones, special cases and grants are archived.
"""

from zones.admin import annual, exemptions, indicators, kpi, kpi_runs, plan, zones

__all__ = ["annual", "exemptions", "indicators", "kpi", "kpi_runs", "plan", "zones"]
