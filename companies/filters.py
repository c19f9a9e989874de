"""Filter sets for companies, tenancies, MOUs, commitments and self-reports, and a search that knows
registration numbers. Ids are bounded integers, years bounded too, so a wild value is a 400, never a 500."""

from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import SearchFilter

from companies.models import Company, Mou, MouCommitment, SelfReport, Tenancy
from core.validators import registration_number_digits, registration_number_q

MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """A related record's id: a whole number, 1 or more."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2100})
class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class ArchivedFilterSet(filters.FilterSet):
    is_archived = filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("archived")
    )


class NumberAwareSearchFilter(SearchFilter):
    """The view's `search_fields`, plus: a term typed as a registration number ("220-81-62517", "22081")
    finds the rows whose number at the view's `number_search_paths` starts with its digits."""

    def filter_queryset(self, request, queryset, view):
        paths = getattr(view, "number_search_paths", ())
        term = request.query_params.get(self.search_param, "")
        digits = registration_number_digits(term) if paths else None
        if digits is None:
            return super().filter_queryset(request, queryset, view)
        # A term like "220-81" may still be part of a name or title: keep the ordinary matches too.
        by_text = super().filter_queryset(request, queryset.model._default_manager.all(), view)
        return queryset.filter(registration_number_q(digits, paths) | Q(pk__in=by_text.values("pk")))


class CompanyFilterSet(ArchivedFilterSet):
    size = filters.MultipleChoiceFilter(choices=Company.Size.choices)
    ai_field = IdFilter(method="filter_ai_field", label=_("AI field (id)"))
    ai_field_code = filters.CharFilter(field_name="ai_fields__code", label=_("AI field (code)"))
    sido = filters.CharFilter()
    sigungu = filters.CharFilter()
    founded_year_min = YearFilter(field_name="founded_on", lookup_expr="year__gte", label=_("founded in or after"))
    founded_year_max = YearFilter(field_name="founded_on", lookup_expr="year__lte", label=_("founded in or before"))

    class Meta:
        model = Company
        fields = ["size", "sido", "sigungu"]

    def filter_ai_field(self, queryset, name, value):
        through = Company.ai_fields.through.objects.filter(aifield_id=value)
        return queryset.filter(pk__in=through.values("company_id"))


class TenancyFilterSet(ArchivedFilterSet):
    zone = IdFilter(field_name="zone_id")
    company = IdFilter(field_name="company_id")
    status = filters.MultipleChoiceFilter(choices=Tenancy.Status.choices)
    moved_in_on = filters.DateFromToRangeFilter()
    building = filters.CharFilter(lookup_expr="icontains")
    space = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Tenancy
        fields = ["zone", "company", "status", "moved_in_on", "building", "space"]


class MouFilterSet(ArchivedFilterSet):
    zone = IdFilter(field_name="zone_id")
    company = IdFilter(field_name="company_id")
    status = filters.MultipleChoiceFilter(choices=Mou.Status.choices)
    signed_on = filters.DateFromToRangeFilter()
    has_office_opened = filters.BooleanFilter(
        method="filter_has_office_opened", label=_("an office-opening commitment was delivered")
    )

    class Meta:
        model = Mou
        fields = ["zone", "company", "status", "signed_on"]

    def filter_has_office_opened(self, queryset, name, value):
        opened = MouCommitment.objects.filter(kind=MouCommitment.Kind.OFFICE_OPENING, actual_value__gte=1)
        condition = Q(pk__in=opened.values("mou_id"))
        return queryset.filter(condition) if value else queryset.exclude(condition)


class MouCommitmentFilterSet(filters.FilterSet):
    mou = IdFilter(field_name="mou_id")
    zone = IdFilter(field_name="mou__zone_id")
    company = IdFilter(field_name="mou__company_id")
    kind = filters.MultipleChoiceFilter(choices=MouCommitment.Kind.choices)
    due_on = filters.DateFromToRangeFilter()
    is_delivered = filters.BooleanFilter(method="filter_is_delivered", label=_("delivered in full"))
    is_reported = filters.BooleanFilter(
        field_name="actual_value", lookup_expr="isnull", exclude=True, label=_("actual value recorded")
    )

    class Meta:
        model = MouCommitment
        fields = ["mou", "kind", "due_on"]

    def filter_is_delivered(self, queryset, name, value):
        delivered = Q(actual_value__isnull=False, actual_value__gte=F("promised_value"))
        return queryset.filter(delivered) if value else queryset.exclude(delivered)


class SelfReportFilterSet(filters.FilterSet):
    zone = IdFilter(field_name="zone_id")
    company = IdFilter(field_name="company_id")
    year = YearFilter()
    quarter = filters.TypedChoiceFilter(choices=[(q, str(q)) for q in range(1, 5)], coerce=int)
    status = filters.MultipleChoiceFilter(choices=SelfReport.Status.choices)

    class Meta:
        model = SelfReport
        fields = ["zone", "company", "year", "quarter", "status"]
