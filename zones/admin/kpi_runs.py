"""On-demand KPI snapshot runs in the admin: start one for some zones and a period, watch its progress."""


class ZoneKpiRunMixin:
    """Adds the page that starts a KPI snapshot run to ZoneAdmin."""
