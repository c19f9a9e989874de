"""KPI snapshots: read-only in the admin (they are taken by zones.services_kpi), the zone's action to take one,
and the zone's KPI report page with its downloads."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import DomainAdmin
from core.exceptions import ApplicationError
from zones import reports
from zones.models import KpiSnapshot, Zone
from zones.selectors import kpi_comparison, kpi_report
from zones.services_kpi import (
    kpi_snapshot_take,
    kpi_snapshot_verify,
    last_finished_quarter,
    parse_period,
    period_end,
    previous_period_start,
)


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(DomainAdmin):
    zone_path = "zone"
    list_display = ("zone", "code", "period_kind", "period_start", "period_end", "value", "computed_at", "computed_by")
    list_filter = ("zone", "code", "period_kind")
    list_select_related = ("zone", "computed_by")
    date_hierarchy = "period_start"
    readonly_fields = [field.name for field in KpiSnapshot._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.action(description=_("Take the last finished quarter's KPI snapshot"), permissions=["change"])
def take_last_quarter_kpi_snapshot(modeladmin, request, queryset) -> None:
    start = last_finished_quarter()
    for zone in queryset:
        try:
            rows = kpi_snapshot_take(
                zone=zone, period_kind=KpiSnapshot.PeriodKind.QUARTER, period_start=start, acting_user=request.user
            )
        except ApplicationError as error:
            modeladmin.message_user(request, f"{zone}: {error}", messages.WARNING)
            continue
        modeladmin.message_user(
            request,
            _("%(zone)s: %(count)d KPI snapshots for the quarter starting %(start)s.")
            % {"zone": zone, "count": len(rows), "start": start},
            messages.SUCCESS,
        )


# --- a zone's KPI report page (mixed into ZoneAdmin) ---------------------------------------------------------


class ZoneKpiReportMixin:
    """The zone's KPI report (admin:zones_zone_kpi_report) and its downloads (admin:zones_zone_kpi_download);
    the zones side by side (admin:zones_zone_compare).

    All find zones through the admin's scoped queryset: an officer of another zone gets a 404, and the
    comparison shows only the zones the user works for."""

    change_list_template = "zones/admin/zone_change_list.html"

    def get_urls(self):
        report = self.admin_site.admin_view(self.kpi_report_view)
        download = self.admin_site.admin_view(self.kpi_download_view)
        compare = self.admin_site.admin_view(self.kpi_compare_view)
        verify = self.admin_site.admin_view(self.kpi_verify_view)
        return [
            path("compare/", compare, name="zones_zone_compare"),
            path("<path:object_id>/kpi/", report, name="zones_zone_kpi_report"),
            path("<path:object_id>/kpi/verify/", verify, name="zones_zone_kpi_verify"),
            path("<path:object_id>/kpi/download/", download, name="zones_zone_kpi_download"),
            *super().get_urls(),
        ]

    @admin.display(description=_("KPI report"))
    def kpi_report_link(self, obj: Zone | None):
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:zones_zone_kpi_report", args=[obj.pk]), gettext("KPI report")
        )

    def _report_zone(self, request, object_id) -> Zone:
        zone = self.get_object(request, unquote(object_id))
        if zone is None:
            raise Http404(gettext("No such zone in your zones."))
        if not self.has_view_or_change_permission(request, zone):
            raise PermissionDenied
        return zone

    @staticmethod
    def _period(request) -> tuple[str, str, dt.date, str | None]:
        """(label, kind, first day, error): the asked period, or the last finished quarter when none or unreadable."""
        default = reports.period_label(KpiSnapshot.PeriodKind.QUARTER, last_finished_quarter())
        text = (request.GET.get("period") or "").strip() or default
        try:
            kind, start, _end = parse_period(text)
        except ApplicationError as error:
            kind, start, _end = parse_period(default)
            return default, kind, start, error.message
        return reports.period_label(kind, start), kind, start, None

    def kpi_report_view(self, request, object_id):
        zone = self._report_zone(request, object_id)
        label, kind, start, error = self._period(request)
        if error:
            self.message_user(request, error, messages.WARNING)
        last_quarter = reports.quarter_containing(period_end(kind, start))
        choices = [last_finished_quarter()]
        for _index in range(7):
            choices.append(previous_period_start(KpiSnapshot.PeriodKind.QUARTER, choices[-1]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": zone,
            "title": gettext("KPI report: %(zone)s") % {"zone": zone.name_ko},
            "period": label,
            "period_start": start,
            "period_end": period_end(kind, start),
            "period_choices": [reports.period_label(KpiSnapshot.PeriodKind.QUARTER, day) for day in choices],
            "rows": reports.display_rows(kpi_report(zone, kind, start)),
            "charts": [
                reports.render_kpi_chart_svg(zone, codes, 4, last_start=last_quarter)
                for codes in reports.HEADLINE_CHARTS
            ],
            "verify_url": reverse("admin:zones_zone_kpi_verify", args=[zone.pk]) + "?" + urlencode({"period": label}),
            "downloads": [
                (
                    fmt.upper(),
                    reverse("admin:zones_zone_kpi_download", args=[zone.pk])
                    + "?"
                    + urlencode({"period": label, "format": fmt}),
                )
                for fmt in ("csv", "xlsx", "pdf")
            ],
        }
        return TemplateResponse(request, "zones/admin/zone_kpi_report.html", context)

    def kpi_verify_view(self, request, object_id):
        """The period's frozen snapshots beside the same figures recomputed "as of" when they were taken."""
        zone = self._report_zone(request, object_id)
        label, kind, start, error = self._period(request)
        if error:
            self.message_user(request, error, messages.WARNING)
        rows = [
            {**row, "frozen_display": reports.format_value(row["frozen"], row["unit"]),
             "as_of_display": reports.format_value(row["as_of"], row["unit"])}
            for row in kpi_snapshot_verify(zone=zone, period_kind=kind, period_start=start)
        ]  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": zone,
            "title": gettext("KPI snapshot check: %(zone)s, %(period)s") % {"zone": zone.name_ko, "period": label},
            "period": label,
            "rows": rows,
            "mismatches": sum(1 for row in rows if not row["matches"]),
            "report_url": reverse("admin:zones_zone_kpi_report", args=[zone.pk]) + "?" + urlencode({"period": label}),
        }
        return TemplateResponse(request, "zones/admin/zone_kpi_verify.html", context)

    def kpi_download_view(self, request, object_id):
        zone = self._report_zone(request, object_id)
        fmt = request.GET.get("format", "csv")
        if fmt not in reports.FORMATS:
            raise Http404(gettext("Unknown report format."))
        label, kind, start, error = self._period(request)
        if error:
            raise Http404(error)
        content_type, _extension = reports.FORMATS[fmt]
        response = HttpResponse(reports.export_kpi_report(zone, kind, start, fmt), content_type=content_type)
        filename = reports.report_filename(zone, kind, start, fmt)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def kpi_compare_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        label, kind, start, error = self._period(request)
        if error:
            self.message_user(request, error, messages.WARNING)
        zones = list(self.get_queryset(request).filter(archived_at__isnull=True).order_by("designated_on", "name_ko"))
        comparison = kpi_comparison(zones, kind, start)
        pillar_titles = {
            "talent": gettext("Talent"),
            "innovation": gettext("Innovation"),
            "adoption": gettext("Adoption"),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Zones side by side: %(period)s") % {"period": label},
            "period": label,
            "period_start": start,
            "period_end": period_end(kind, start),
            "zones": zones,
            "kpi_rows": [
                {**row, "cells": [reports.format_value(cell["value"], cell["unit"]) for cell in row["cells"]]}
                for row in comparison["kpi_rows"]
            ],
            "indicator_year": start.year,
            "pillars": [(pillar_titles.get(pillar, pillar), rows) for pillar, rows in comparison["pillars"].items()],
        }
        return TemplateResponse(request, "zones/admin/zone_compare.html", context)
