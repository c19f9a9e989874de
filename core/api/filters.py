"""The API's django-filter backend: a filter over the row's own columns never adds SELECT DISTINCT, and a request
naming none of the filters builds no filter set."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.db.models.constants import LOOKUP_SEP
from django_filters.rest_framework import DjangoFilterBackend


def repeats_rows(model: type[Model], path: str) -> bool:
    """Whether filtering on `path` may return a row more than once: it crosses a to-many relation (or is not a
    field at all, in which case we cannot tell)."""
    for name in path.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return True
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


class ScopedFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend, except that a filter asking for DISTINCT (every MultipleChoiceFilter does) gets it only
    where its path crosses a to-many relation: `?status=a&status=b` cannot repeat a row, and SELECT DISTINCT over a
    page's columns sorts every matching row before the LIMIT (seconds on a table of 500,000 applications)."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            model = filterset.queryset.model
            for filter_ in filterset.filters.values():  # the instance's own copies
                if filter_.distinct and not repeats_rows(model, filter_.field_name):
                    filter_.distinct = False
        return filterset

    def filter_queryset(self, request, queryset, view):
        # Without a parameter of the filter set (a filter's name, or its name with a suffix such as `_after`), every
        # filter is empty and leaves the rows as they are: the filter set and its form are not built for nothing.
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not names_a_filter(request.query_params, filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


def names_a_filter(params, filter_names) -> bool:
    """Whether a query parameter belongs to one of the filters: django-filter's widgets read the filter's name,
    or the name followed by a suffix (`_min`, `_max`, `_after`, `_before`)."""
    return any(key.startswith(name) for key in params for name in filter_names)
