"""The columns of related rows a list page shows, read without building a related instance per row.

A page of enrolments shows its cohort's name and its training program's name: with `select_related` each of
its 50 rows becomes four model instances. A column reached through required foreign keys only is instead
selected into the row itself under its lookup's name (`cohort__training_program__name_ko`), where the
serializers of `core.api.serializers` read it; a column behind a nullable foreign key or a reverse one-to-one
is joined with `select_related` and `only`, so that a missing related row reads as DRF reads it.
"""

from operator import attrgetter

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import F, QuerySet
from django.db.models.constants import LOOKUP_SEP


def through_required_keys(model, path: str) -> bool:
    """Whether `path` ("cohort__training_program__name_ko", "call__program_id") is a plain column (or a foreign
    key's id) reached through forward foreign keys that are never null: its value exists for every row."""
    *hops, last = path.split(LOOKUP_SEP)
    if not hops:
        return False
    for name in hops:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if not (field.many_to_one or (field.one_to_one and field.concrete)) or field.null:
            return False
        model = field.related_model
    try:
        field = model._meta.get_field(last)
    except FieldDoesNotExist:
        return False
    return field.concrete and (not field.is_relation or last == field.attname != field.name)


def with_page_columns(queryset: QuerySet, *, inline: tuple[str, ...] = (), joined: tuple[str, ...] = ()) -> QuerySet:
    """The list's rows with their own columns and only the related columns named, replacing the queryset's
    `select_related`: each of `inline` (through required foreign keys only) becomes a column of the row, named by
    its path; each of `joined` is read through its related instance, joined with only that column (for nested
    serializers, nullable foreign keys, reverse one-to-ones)."""
    model = queryset.model
    for path in inline:
        if not through_required_keys(model, path):
            raise ImproperlyConfigured(f"{model.__name__}: {path} is not a column behind required foreign keys")
    own = [field.name for field in model._meta.concrete_fields]
    chains = {path.rpartition(LOOKUP_SEP)[0] for path in joined}
    rows = queryset.select_related(None)
    if chains:
        rows = rows.select_related(*sorted(chains))
    return rows.only(*own, *joined).annotate(**{path: F(path) for path in inline})


def column_reader(path: str):
    """A function giving one row's value of the related column `path` ("call__program__zone_id"): the value
    `with_page_columns` selected into the row, else read through its related instances."""
    through = attrgetter(path.replace(LOOKUP_SEP, "."))

    def read(instance):
        values = instance.__dict__
        return values[path] if path in values else through(instance)

    return read


def column(instance, path: str):
    """One row's value of the related column `path` (see `column_reader`)."""
    return column_reader(path)(instance)
