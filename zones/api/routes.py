def register(router) -> None:
    """Zones, special cases, exemption grants, KPI definitions, targets and snapshots; the open data."""
