"""Filter sets of the zones app: zones, special cases, exemption grants, targets, KPI snapshots and the open data.

Related records are filtered by id (`NumberFilter`), which costs no query and says nothing about rows the user
may not see; years are bounded so a date built from them is always valid."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from zones.models import ExemptionGrant, KpiSnapshot, KpiSnapshotRun, SpecialCase, Zone, ZoneTarget

MIN_YEAR, MAX_YEAR = 2000, 2100


def _year_filter(field_name: str, label) -> filters.NumberFilter:
    return filters.NumberFilter(field_name=field_name, label=label, min_value=MIN_YEAR, max_value=MAX_YEAR)


def _in_force_on(queryset, prefix: str, day):
    """Rows whose validity (`<prefix>valid_from` .. `<prefix>valid_until`, open ends allowed) covers `day`."""
    return queryset.filter(
        Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day}),
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day}),
    )


class ZoneFilter(filters.FilterSet):
    designated_on = filters.DateFromToRangeFilter(label=_("designated on (range)"))
    archived = filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("archived"))

    class Meta:
        model = Zone
        fields = ["kind", "region"]


class SpecialCaseFilter(filters.FilterSet):
    zone = filters.NumberFilter(field_name="zone", label=_("zone"))
    in_force_on = filters.DateFilter(method="filter_in_force_on", label=_("in force on (date)"))
    in_force = filters.BooleanFilter(method="filter_in_force", label=_("in force today"))
    valid_until = filters.DateFromToRangeFilter(label=_("valid until (range)"))
    archived = filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("archived"))

    class Meta:
        model = SpecialCase
        fields = ["kind"]

    def filter_in_force_on(self, queryset, name, value):
        return _in_force_on(queryset.filter(archived_at__isnull=True), "", value)

    def filter_in_force(self, queryset, name, value):
        in_force = _in_force_on(queryset.filter(archived_at__isnull=True), "", timezone.localdate())
        return in_force if value else queryset.exclude(pk__in=in_force.values("pk"))


class ExemptionGrantFilter(filters.FilterSet):
    zone = filters.NumberFilter(field_name="special_case__zone", label=_("zone"))
    special_case = filters.NumberFilter(field_name="special_case", label=_("special case"))
    company = filters.NumberFilter(field_name="company", label=_("company"))
    status = filters.MultipleChoiceFilter(choices=ExemptionGrant.Status.choices, label=_("status"))
    starts_on = filters.DateFromToRangeFilter(label=_("starts on (range)"))
    ends_on = filters.DateFromToRangeFilter(label=_("ends on (range)"))
    archived = filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("archived"))

    class Meta:
        model = ExemptionGrant
        fields: list[str] = []


class ZoneTargetFilter(filters.FilterSet):
    zone = filters.NumberFilter(field_name="zone", label=_("zone"))
    year = _year_filter("year", _("year"))

    class Meta:
        model = ZoneTarget
        fields = ["measure"]


class KpiSnapshotFilter(filters.FilterSet):
    zone = filters.NumberFilter(field_name="zone", label=_("zone"))
    code = filters.CharFilter(max_length=60, label=_("measure code"))
    period_start = filters.DateFromToRangeFilter(label=_("period start (range)"))
    year = _year_filter("period_start__year", _("year of the period start"))

    class Meta:
        model = KpiSnapshot
        fields = ["period_kind"]


class OpenKpiFilter(filters.FilterSet):
    """The open KPI data: zones by slug, never by id."""

    zone = filters.CharFilter(field_name="zone__slug", max_length=50, label=_("zone (slug)"))
    code = filters.CharFilter(max_length=60, label=_("measure code"))
    period_start = filters.DateFromToRangeFilter(label=_("period start (range)"))
    year = _year_filter("period_start__year", _("year of the period start"))

    class Meta:
        model = KpiSnapshot
        fields = ["period_kind"]


class OpenZoneFilter(filters.FilterSet):
    designated_on = filters.DateFromToRangeFilter(label=_("designated on (range)"))

    class Meta:
        model = Zone
        fields = ["kind", "region"]


class KpiSnapshotRunFilter(filters.FilterSet):
    class Meta:
        model = KpiSnapshotRun
        fields = ["status", "period_kind"]
