"""Filters of funds, investments, compute allocations and training (API lists)."""

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from programs.models import (
    Cohort,
    ComputeAllocation,
    Enrolment,
    Fund,
    FundCommitment,
    Investment,
    Trainee,
    TrainingProgram,
)
from zones.models import Zone

# Beyond any real budget: larger figures are typing errors (1,000조 원).
MAX_KRW = 10**15


def _zone(field_name: str) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(field_name=field_name, queryset=Zone.objects.all(), label=_("zone"))


def _company(field_name: str, label=None) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(field_name=field_name, queryset=Company.objects.all(), label=label or _("company"))


def _krw(field_name: str, lookup_expr: str, label) -> filters.NumberFilter:
    return filters.NumberFilter(
        field_name=field_name,
        lookup_expr=lookup_expr,
        label=label,
        min_value=0,
        max_value=MAX_KRW,
        decimal_places=0,
    )


def _archived() -> filters.BooleanFilter:
    """archived=true: archived records only; archived=false: live records only."""
    return filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("archived"))


class FundFilter(filters.FilterSet):
    zone = _zone("zone")
    manager = filters.CharFilter(field_name="manager", lookup_expr="icontains", max_length=200, label=_("manager"))
    archived = _archived()

    class Meta:
        model = Fund
        fields = ("zone", "status", "vintage_year", "manager", "archived")


class FundCommitmentFilter(filters.FilterSet):
    zone = _zone("fund__zone")
    fund = filters.ModelChoiceFilter(queryset=Fund.objects.all(), label=_("fund"))
    committed_on = filters.DateFromToRangeFilter(label=_("committed on"))

    class Meta:
        model = FundCommitment
        fields = ("zone", "fund", "committed_on")


class InvestmentFilter(filters.FilterSet):
    zone = _zone("fund__zone")
    fund = filters.ModelChoiceFilter(queryset=Fund.objects.all(), label=_("fund"))
    company = _company("company")
    invested_on = filters.DateFromToRangeFilter(label=_("invested on"))
    amount_min = _krw("amount_krw", "gte", _("amount at least (KRW)"))
    amount_max = _krw("amount_krw", "lte", _("amount at most (KRW)"))
    archived = _archived()

    class Meta:
        model = Investment
        fields = ("zone", "fund", "company", "instrument", "invested_on", "amount_min", "amount_max", "archived")


class ComputeAllocationFilter(filters.FilterSet):
    zone = _zone("zone")
    company = _company("company")
    starts_on = filters.DateFromToRangeFilter(label=_("starts on"))
    resource = filters.CharFilter(field_name="resource", lookup_expr="icontains", max_length=100, label=_("resource"))
    archived = _archived()

    class Meta:
        model = ComputeAllocation
        fields = ("zone", "company", "status", "starts_on", "resource", "archived")


class TrainingProgramFilter(filters.FilterSet):
    zone = _zone("zone")
    archived = _archived()

    class Meta:
        model = TrainingProgram
        fields = ("zone", "track", "archived")


class CohortFilter(filters.FilterSet):
    zone = _zone("training_program__zone")
    training_program = filters.ModelChoiceFilter(queryset=TrainingProgram.objects.all(), label=_("training program"))
    starts_on = filters.DateFromToRangeFilter(label=_("starts on"))
    ends_on = filters.DateFromToRangeFilter(label=_("ends on"))
    archived = _archived()

    class Meta:
        model = Cohort
        fields = ("zone", "training_program", "starts_on", "ends_on", "archived")


class EnrolmentFilter(filters.FilterSet):
    zone = _zone("cohort__training_program__zone")
    training_program = filters.ModelChoiceFilter(
        field_name="cohort__training_program", queryset=TrainingProgram.objects.all(), label=_("training program")
    )
    cohort = filters.ModelChoiceFilter(queryset=Cohort.objects.all(), label=_("cohort"))
    completed_on = filters.DateFromToRangeFilter(label=_("completed on"))
    employed_on = filters.DateFromToRangeFilter(label=_("employed on"))
    employed_by = _company("employed_by", _("employed by"))
    archived = _archived()

    class Meta:
        model = Enrolment
        fields = (
            "zone",
            "training_program",
            "cohort",
            "status",
            "completed_on",
            "employed_on",
            "employed_by",
            "archived",
        )


class TraineeFilter(filters.FilterSet):
    """No filter on personal fields: a masked list must not be narrowed by what it hides."""

    cohort = filters.ModelChoiceFilter(
        field_name="enrolments__cohort", queryset=Cohort.objects.all(), label=_("cohort")
    )
    retention_expired = filters.BooleanFilter(method="filter_retention_expired", label=_("retention period over"))
    archived = _archived()

    class Meta:
        model = Trainee
        fields = ("cohort", "retention_expired", "archived")

    def filter_retention_expired(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(retention_until__lt=today) if value else queryset.filter(retention_until__gte=today)
