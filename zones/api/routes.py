"""Where the zones endpoints sit under /api/v1/."""

from zones.api import views


def register(router) -> None:
    """Zones, special cases, exemption grants, KPI definitions, targets and snapshots; the open data."""
    router.register("zones", views.ZoneViewSet, basename="zone")
    router.register("special-cases", views.SpecialCaseViewSet, basename="special-case")
    router.register("exemption-grants", views.ExemptionGrantViewSet, basename="exemption-grant")
    router.register("zone-targets", views.ZoneTargetViewSet, basename="zone-target")
    router.register("kpi-definitions", views.KpiDefinitionViewSet, basename="kpi-definition")
    router.register("kpi-snapshots", views.KpiSnapshotViewSet, basename="kpi-snapshot")
    router.register("kpi-snapshot-runs", views.KpiSnapshotRunViewSet, basename="kpi-snapshot-run")
    router.register("open/zones", views.OpenZoneViewSet, basename="open-zone")
    router.register("open/kpi", views.OpenKpiViewSet, basename="open-kpi")
