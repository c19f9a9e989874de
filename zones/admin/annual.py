"""A zone's annual performance report (성과보고서) in the admin: page and downloads (mixed into ZoneAdmin)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext

from core.exceptions import ApplicationError
from zones.annual_report import (
    ANNUAL_FORMATS,
    FIRST_YEAR,
    annual_report,
    annual_report_filename,
    default_year,
    display_report,
    export_annual_report,
    parse_year,
)
from zones.models import Zone
from zones.reports import FORMATS


class ZoneAnnualReportMixin:
    """The zone's annual report (admin:zones_zone_annual_report) and its downloads
    (admin:zones_zone_annual_download), for the zones the user works for: another zone's id answers 404."""

    def get_urls(self):
        report = self.admin_site.admin_view(self.annual_report_view)
        download = self.admin_site.admin_view(self.annual_download_view)
        return [
            path("<path:object_id>/annual/", report, name="zones_zone_annual_report"),
            path("<path:object_id>/annual/download/", download, name="zones_zone_annual_download"),
            *super().get_urls(),
        ]

    def _annual_zone(self, request, object_id) -> Zone:
        zone = self.get_object(request, unquote(object_id))
        if zone is None:
            raise Http404(gettext("No such zone in your zones."))
        if not self.has_view_or_change_permission(request, zone):
            raise PermissionDenied
        return zone

    def annual_report_view(self, request, object_id):
        zone = self._annual_zone(request, object_id)
        year = default_year()
        if "year" in request.GET:
            try:
                year = parse_year(request.GET["year"])
            except ApplicationError as error:
                self.message_user(request, error.message, messages.WARNING)
        this_year = timezone.localdate().year
        context = {
            **self.admin_site.each_context(request),
            **display_report(annual_report(zone, year)),
            "opts": self.opts,
            "original": zone,
            "title": gettext("Annual performance report: %(zone)s %(year)d") % {"zone": zone.name_ko, "year": year},
            "year_choices": list(range(this_year, max(FIRST_YEAR, this_year - 10) - 1, -1)),
            "kpi_report_url": reverse("admin:zones_zone_kpi_report", args=[zone.pk]) + f"?period={year}",
            "downloads": [
                (
                    fmt.upper(),
                    reverse("admin:zones_zone_annual_download", args=[zone.pk])
                    + "?"
                    + urlencode({"year": year, "format": fmt}),
                )
                for fmt in ANNUAL_FORMATS
            ],
        }
        return TemplateResponse(request, "zones/admin/zone_annual_report.html", context)

    def annual_download_view(self, request, object_id):
        zone = self._annual_zone(request, object_id)
        fmt = request.GET.get("format", "pdf")
        if fmt not in ANNUAL_FORMATS:
            raise Http404(gettext("Unknown report format."))
        try:
            year = parse_year(request.GET.get("year", str(default_year())))
        except ApplicationError as error:
            raise Http404(error.message) from error
        content_type, _extension = FORMATS[fmt]
        response = HttpResponse(export_annual_report(zone, year, fmt), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{annual_report_filename(zone, year, fmt)}"'
        return response
