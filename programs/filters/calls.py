"""Filters of programs, calls, applications and reviews.

Related records are filtered by id (`IdFilter`): an id the user cannot see simply matches nothing, so a
filter never tells whether a foreign record exists.
"""

from django import forms
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import RangeField

from core.filters import IsoDateTimeFromToRangeFilter
from programs.models import Application, Call, Program, Review

# The largest id PostgreSQL's bigint holds: anything above is refused as invalid input, not sent to the database.
MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """A whole, positive id (a NumberFilter takes decimals)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IntegerRangeField(RangeField):
    """A from/to pair of whole numbers within bigint, so no input reaches the database out of range."""

    def __init__(self, fields=None, *args, **kwargs):
        if fields is None:
            fields = (
                forms.IntegerField(min_value=-MAX_ID, max_value=MAX_ID),
                forms.IntegerField(min_value=-MAX_ID, max_value=MAX_ID),
            )
        super().__init__(fields, *args, **kwargs)


class AmountRangeFilter(filters.RangeFilter):
    field_class = IntegerRangeField


class ProgramFilter(filters.FilterSet):
    zone = IdFilter(field_name="zone", label=_("zone"))
    kind = filters.ChoiceFilter(choices=Program.Kind.choices, label=_("kind"))
    archived = filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("archived"))

    class Meta:
        model = Program
        fields = ["zone", "kind", "archived"]


class CallFilter(filters.FilterSet):
    zone = IdFilter(field_name="program__zone", label=_("zone"))
    program = IdFilter(field_name="program", label=_("program"))
    kind = filters.ChoiceFilter(field_name="program__kind", choices=Program.Kind.choices, label=_("kind"))
    open = filters.BooleanFilter(method="filter_open", label=_("open now"))
    closes_at = IsoDateTimeFromToRangeFilter(label=_("closes at"))
    archived = filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("archived"))

    class Meta:
        model = Call
        fields = ["zone", "program", "kind", "open", "closes_at", "archived"]

    def filter_open(self, queryset, name, value):
        """Taking applications now: published, opens_at <= now < closes_at (as `Call.is_open`)."""
        if value is None:
            return queryset
        now = timezone.now()
        is_open = Q(is_published=True, opens_at__lte=now, closes_at__gt=now)
        return queryset.filter(is_open) if value else queryset.exclude(is_open)


class ApplicationFilter(filters.FilterSet):
    zone = IdFilter(field_name="call__program__zone", label=_("zone"))
    program = IdFilter(field_name="call__program", label=_("program"))
    call = IdFilter(field_name="call", label=_("call"))
    company = IdFilter(field_name="company", label=_("company"))
    status = filters.MultipleChoiceFilter(choices=Application.Status.choices, label=_("status"))
    submitted_at = IsoDateTimeFromToRangeFilter(label=_("submitted at"))
    decided_at = IsoDateTimeFromToRangeFilter(label=_("decided at"))
    requested_amount_krw = AmountRangeFilter(label=_("requested amount (KRW)"))

    class Meta:
        model = Application
        fields = ["zone", "program", "call", "company", "status", "submitted_at", "decided_at", "requested_amount_krw"]


class ReviewFilter(filters.FilterSet):
    class State(models.TextChoices):
        PENDING = "pending", _("Not submitted yet")
        SUBMITTED = "submitted", _("Submitted")
        CONFLICT = "conflict", _("Conflict of interest declared")

    application = IdFilter(field_name="application", label=_("application"))
    call = IdFilter(field_name="application__call", label=_("call"))
    reviewer = IdFilter(field_name="reviewer", label=_("reviewer"))
    submitted = filters.BooleanFilter(
        field_name="submitted_at", lookup_expr="isnull", exclude=True, label=_("submitted")
    )
    status = filters.ChoiceFilter(choices=State.choices, method="filter_status", label=_("status"))

    class Meta:
        model = Review
        fields = ["application", "call", "reviewer", "submitted", "status"]

    def filter_status(self, queryset, name, value):
        if value == self.State.PENDING:
            return queryset.filter(submitted_at__isnull=True, conflict_of_interest=False)
        if value == self.State.SUBMITTED:
            return queryset.filter(submitted_at__isnull=False, conflict_of_interest=False)
        if value == self.State.CONFLICT:
            return queryset.filter(conflict_of_interest=True)
        return queryset
