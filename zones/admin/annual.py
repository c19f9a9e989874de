"""A zone's annual performance report (성과보고서) in the admin: page and downloads (mixed into ZoneAdmin)."""


class ZoneAnnualReportMixin:
    """Adds the annual report page and its downloads to ZoneAdmin."""
