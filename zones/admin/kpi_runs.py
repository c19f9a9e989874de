"""On-demand KPI snapshot runs in the admin: start one for some zones and a period, watch its progress."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import DomainAdmin
from core.exceptions import ApplicationError
from zones import reports
from zones.models import KpiSnapshot, KpiSnapshotRun, Zone
from zones.selectors import zone_ids_for_user
from zones.services_kpi import last_finished_quarter, parse_period, period_end
from zones.services_kpi_runs import ACTIVE_STATUSES, kpi_snapshot_run_start


def _count_text(done, total, percent) -> str:
    return gettext("%(done)s / %(total)s zones (%(percent)s%%)") % {"done": done, "total": total, "percent": percent}


class KpiSnapshotRunForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("2025-Q3 (quarter), 2025-07 (month) or 2025 (year); it must have ended."),
    )
    zones = forms.ModelMultipleChoiceField(
        label=_("Zones"), queryset=Zone.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].queryset = zones

    def clean_period(self) -> str:
        text = self.cleaned_data["period"].strip()
        try:
            self.period_kind, self.period_start, _end = parse_period(text)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error
        return text


class ZoneKpiRunMixin:
    """Adds the page that starts a KPI snapshot run to ZoneAdmin (admin:zones_zone_kpi_run_new).

    The zones offered are the admin's scoped queryset: an officer starts runs for their own zones only."""

    def get_urls(self):
        new = self.admin_site.admin_view(self.kpi_run_new_view)
        return [path("snapshots/new/", new, name="zones_zone_kpi_run_new"), *super().get_urls()]

    def kpi_run_new_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        zones = self.get_queryset(request).filter(archived_at__isnull=True).order_by("designated_on", "name_ko")
        initial = {
            "period": reports.period_label(KpiSnapshot.PeriodKind.QUARTER, last_finished_quarter()),
            "zones": zones,
        }
        form = KpiSnapshotRunForm(request.POST or None, initial=initial, zones=zones)
        if request.method == "POST" and form.is_valid():
            try:
                run = kpi_snapshot_run_start(
                    zones=form.cleaned_data["zones"],
                    period_kind=form.period_kind,
                    period_start=form.period_start,
                    acting_user=request.user,
                )
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "KPI snapshots of %(period)s queued for %(count)d zone.",
                        "KPI snapshots of %(period)s queued for %(count)d zones.",
                        run.total,
                    )
                    % {"period": reports.period_label(run.period_kind, run.period_start), "count": run.total},
                    messages.SUCCESS,
                )
                if self.admin_site.get_model_admin(KpiSnapshotRun).has_view_permission(request, run):
                    return HttpResponseRedirect(reverse("admin:zones_kpisnapshotrun_change", args=[run.pk]))
                return HttpResponseRedirect(reverse("admin:zones_zone_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Take KPI snapshots"),
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "zones/admin/kpi_run_new.html", context)


@admin.register(KpiSnapshotRun)
class KpiSnapshotRunAdmin(DomainAdmin):
    """Read-only: runs are started from the zone list's "Take KPI snapshots" page and taken by a Celery task.

    A run covers several zones, so it has no single `zone_path`: staff see the runs whose zones are all
    among theirs; superusers see every run. The change page is the run's progress page."""

    list_display = ("period", "status", "progress", "zone_names", "requested_by", "created_at")
    list_filter = ("status",)
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("zones")
        zone_ids = zone_ids_for_user(request.user)
        if zone_ids is None:
            return queryset
        outside = KpiSnapshotRun.zones.through.objects.exclude(zone_id__in=zone_ids)
        return queryset.exclude(pk__in=outside.values("kpisnapshotrun_id"))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, obj: KpiSnapshotRun) -> str:
        return reports.period_label(obj.period_kind, obj.period_start)

    @admin.display(description=_("progress"))
    def progress(self, obj: KpiSnapshotRun) -> str:
        return f"{obj.percent}% ({obj.done} / {obj.total})"

    @admin.display(description=_("zones"))
    def zone_names(self, obj: KpiSnapshotRun) -> str:
        return ", ".join(sorted(zone.name_ko for zone in obj.zones.all()))

    # --- the progress page and its JSON ---

    def get_urls(self):
        progress = self.admin_site.admin_view(self.progress_json_view)
        return [
            path("<path:object_id>/progress.json", progress, name="zones_kpisnapshotrun_progress"),
            *super().get_urls(),
        ]

    def _run(self, request, object_id) -> KpiSnapshotRun:
        run = self.get_object(request, unquote(object_id))
        if run is None:
            raise Http404(gettext("No such KPI snapshot run in your zones."))
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        return run

    @staticmethod
    def _progress(run: KpiSnapshotRun) -> dict:
        return {
            "id": run.pk,
            "status": run.status,
            "status_display": str(run.get_status_display()),
            "done": run.done,
            "total": run.total,
            "percent": run.percent,
            "error": run.error,
            "finished": run.status not in ACTIVE_STATUSES,
        }

    def progress_json_view(self, request, object_id):
        return JsonResponse(self._progress(self._run(request, object_id)))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self._run(request, object_id)
        label = reports.period_label(run.period_kind, run.period_start)
        progress = self._progress(run)
        query = urlencode({"period": label})
        zones = [
            {"index": index, "zone": zone, "url": f"{reverse('admin:zones_zone_kpi_report', args=[zone.pk])}?{query}"}
            for index, zone in enumerate(run.zones.order_by("pk"), start=1)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": run,
            "title": gettext("KPI snapshots: %(period)s") % {"period": label},
            "period": label,
            "period_start": run.period_start,
            "period_end": period_end(run.period_kind, run.period_start),
            "progress": progress,
            "count_text": _count_text(progress["done"], progress["total"], progress["percent"]),
            "count_template": _count_text("__done__", "__total__", "__percent__"),
            "progress_url": reverse("admin:zones_kpisnapshotrun_progress", args=[run.pk]),
            "zones": zones,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "zones/admin/kpi_run_progress.html", context)
