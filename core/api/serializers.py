"""Reading a page of records quickly: each field's way to its value is planned once per serializer class, not per
request nor per row."""

import copy
import datetime
from operator import attrgetter

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

from core.api.listing import column_reader

# Plan entries: how `to_representation` gets one field's value; tuples, read by position on every row.
# (READ, name, getter, is_pk, is_property, field, unchanged_type, is_datetime): a column, a foreign key's id or a
#   model property read with one attribute lookup, written by the field (see UNCHANGED_TYPES, _is_plain_datetime)
# (METHOD, name, method_name): a SerializerMethodField, the serializer's own get_<name>(instance)
# (PREFETCHED, name, to_attr, ids_only): a to-many field read from the list a Prefetch(to_attr=...) left
# (NESTED, name, getter): a nested serializer (not a list) of a related object read with one attribute lookup,
#   written by this serializer's own copy of it
# (FIELD, name): anything else, DRF's general reading through this serializer's own copy of the field
READ, METHOD, PREFETCHED, NESTED, FIELD = "read", "method", "prefetched", "nested", "field"
# The serializers whose fields never depend on their context: planned once per class.
CONTEXT_FREE_GET_FIELDS = (serializers.ModelSerializer.get_fields, serializers.Serializer.get_fields)


def _column_path(model, source_attrs: list[str]) -> str | None:
    """The attribute path when `source_attrs` follows forward foreign keys to a plain column (its value is never a
    callable nor a manager), else None."""
    if model is None or not source_attrs:
        return None
    for position, name in enumerate(source_attrs):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        last = position == len(source_attrs) - 1
        if not field.concrete or field.many_to_many:
            return None
        if last:
            # A plain column, or a foreign key's own column read by its attname (`program_id`): the id itself.
            plain = not field.is_relation or (name == field.attname != field.name)
            return ".".join(source_attrs) if plain else None
        if not (field.many_to_one or field.one_to_one):
            return None
        model = field.related_model
    return None


def _fast_reader(model, field: serializers.Field):
    """(getter, is_pk, is_property) for a field read straight from the instance, or None for DRF's general reading.
    A property's value is checked as DRF checks it (a callable is called: DRF's reading then)."""
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        if field.pk_field is not None or len(field.source_attrs) != 1 or model is None:
            return None
        try:
            relation = model._meta.get_field(field.source_attrs[0])
        except FieldDoesNotExist:
            return None
        if relation.concrete and (relation.many_to_one or relation.one_to_one):
            return attrgetter(relation.attname), True, False
        return None
    if isinstance(field, serializers.BaseSerializer | serializers.RelatedField | serializers.ManyRelatedField):
        return None
    if isinstance(field, serializers.SerializerMethodField | serializers.HiddenField | serializers.FileField):
        return None  # the parent's method; a file's URL needs the request
    if type(field).to_representation.__module__ != serializers.Field.__module__:
        return None  # a field of our own writing may read the request: DRF's reading with this serializer's copy
    if model is None:  # a plain Serializer: the attribute path, DRF's reading where it is not a plain value
        return (attrgetter(".".join(field.source_attrs)), False, True) if field.source_attrs else None
    path = _column_path(model, field.source_attrs)
    if path:
        # Across foreign keys: the value a list selected into the row (core.api.listing), else through the relations.
        reader = column_reader(path.replace(".", LOOKUP_SEP)) if "." in path else attrgetter(path)
        return reader, False, False
    if len(field.source_attrs) == 1:
        name = field.source_attrs[0]
        if isinstance(getattr(model, name, None), property):
            return attrgetter(name), False, True
    return None


# DRF fields whose `to_representation` returns a value of this type unchanged (str(s) is s, int(i) is i, ...):
# a value already of that exact type is written as it is, anything else goes through the field.
UNCHANGED_TYPES = (
    (serializers.CharField, str),
    (serializers.IntegerField, int),
    (serializers.FloatField, float),
    (serializers.BooleanField, bool),
)


def _unchanged_type(field: serializers.Field) -> type | None:
    for field_class, value_type in UNCHANGED_TYPES:
        if isinstance(field, field_class) and type(field).to_representation is field_class.to_representation:
            return value_type
    return None


def _is_plain_datetime(field: serializers.Field) -> bool:
    """DRF's DateTimeField with the project's format and the current time zone (no `format` or `timezone` of its
    own): written as DRF does, with the current time zone looked up once per row instead of once per value."""
    cls = type(field)
    return (
        isinstance(field, serializers.DateTimeField)
        and cls.to_representation is serializers.DateTimeField.to_representation
        and cls.enforce_timezone is serializers.DateTimeField.enforce_timezone
        and cls.default_timezone is serializers.DateTimeField.default_timezone
        and "format" not in field.__dict__
        and "timezone" not in field.__dict__
    )


def _iso_datetime(value: datetime.datetime, zone) -> str | None:
    """DateTimeField.to_representation of an aware value with ISO 8601 output, in `zone`; None where DRF would
    refuse it (out of range in that zone), for DRF to say so."""
    try:
        text = value.astimezone(zone).isoformat()
    except OverflowError:
        return None
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _iso_output() -> bool:
    """DRF writes date-times as ISO 8601 in the current time zone (USE_TZ): the only way `_iso_datetime` knows."""
    if not settings.USE_TZ:
        return False
    output_format = api_settings.DATETIME_FORMAT
    return output_format is not None and output_format.lower() == ISO_8601


def _is_list_of_related(field: serializers.Field) -> bool:
    return isinstance(field, serializers.ManyRelatedField | serializers.ListSerializer)


def _plan(serializer: serializers.ModelSerializer) -> list[tuple]:
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    prefetched = getattr(serializer, "prefetched_lists", {})
    plan = []
    for field in serializer._readable_fields:
        name = field.field_name
        if isinstance(field, serializers.SerializerMethodField):
            plan.append((METHOD, name, field.method_name))
            continue
        to_attr = prefetched.get(field.source)
        if to_attr and _is_list_of_related(field):
            child = getattr(field, "child_relation", None)
            ids_only = isinstance(child, serializers.PrimaryKeyRelatedField) and child.pk_field is None
            plan.append((PREFETCHED, name, to_attr, ids_only))
            continue
        if isinstance(field, serializers.BaseSerializer) and not isinstance(field, serializers.ListSerializer):
            if field.source_attrs:
                plan.append((NESTED, name, attrgetter(".".join(field.source_attrs))))
                continue
        reader = _fast_reader(model, field)
        if reader is None:
            plan.append((FIELD, name))
        else:
            getter, is_pk, is_property = reader
            plan.append(
                (READ, name, getter, is_pk, is_property, field, _unchanged_type(field), _is_plain_datetime(field))
            )
    return plan


# Per serializer class: its plan and the fields of an instance made without context, whose copies the
# instances bind to themselves when DRF reads a field.
_classes: dict[type, tuple[list[tuple], dict[str, serializers.Field]]] = {}


class PlannedRead:
    # No docstring: drf-spectacular describes a serializer without a docstring of its own by its bases' (see
    # PlannedReadMixin).
    #
    # A serializer whose `to_representation` follows a plan made once per serializer class: a column (or a column
    # across forward foreign keys, a foreign key's id, a model property) is read with one attribute lookup, so a
    # list's page neither builds the serializer's fields per request nor reads each value through DRF's general
    # machinery. The output is the same: the field's own `to_representation` turns the value into JSON (the
    # class's field is shared only for DRF's own field classes, which read neither the request nor the parent),
    # None stays None, and anything else (nested serializers, related fields, fields of our own, a related row
    # missing on the way, a callable) is read by DRF through this serializer's own copy of the field, bound to it
    # and so to its context.
    #
    # `prefetched_lists` maps a to-many source to the attribute a `Prefetch(..., to_attr=...)` of the view fills:
    # the field reads that list instead of building a related manager per row, and the manager where the list was
    # not prefetched. A serializer whose fields may depend on its context (one overriding `get_fields`) is planned
    # per instance. A plain Serializer (no model) reads its attribute paths the same way.

    prefetched_lists: dict[str, str] = {}

    def _read_plan(self) -> list[tuple]:
        plan = self.__dict__.get("_planned_reads")
        if plan is None:
            cls = type(self)
            if cls.get_fields not in CONTEXT_FREE_GET_FIELDS:
                plan = _plan(self)
                self._field_source = None  # its own fields
            else:
                if cls not in _classes:
                    prototype = cls()
                    _classes[cls] = (_plan(prototype), dict(prototype.fields))
                plan, self._field_source = _classes[cls]
            self._planned_reads = plan
        return plan

    def _own_field(self, name: str) -> serializers.Field:
        """This serializer's bound field `name`: copied from the class's and bound once per serializer, for the
        fields DRF reads (never all of them, as `self.fields` would)."""
        if self._field_source is None:
            return self.fields[name]
        own = self.__dict__.setdefault("_own_fields", {})
        field = own.get(name)
        if field is None:
            field = own[name] = copy.deepcopy(self._field_source[name])
            field.bind(name, self)
        return field

    def to_representation(self, instance):
        ret = {}
        zone = None  # the current time zone, for the row's date-times
        for entry in self._read_plan():
            kind, name = entry[0], entry[1]
            if kind == READ:
                try:
                    value = entry[2](instance)
                except (AttributeError, ObjectDoesNotExist):
                    pass  # a related row missing on the way: DRF's reading decides (null or left out)
                else:
                    if entry[4] and callable(value):
                        pass  # DRF calls it: its reading
                    elif value is None or entry[3] or type(value) is entry[6]:
                        ret[name] = value
                        continue
                    elif entry[7] and type(value) is datetime.datetime and value.tzinfo is not None and _iso_output():
                        if zone is None:
                            zone = timezone.get_current_timezone()
                        ret[name] = _iso_datetime(value, zone) or entry[5].to_representation(value)
                        continue
                    else:
                        ret[name] = entry[5].to_representation(value)
                        continue
            elif kind == METHOD:
                ret[name] = getattr(self, entry[2])(instance)
                continue
            elif kind == NESTED:
                try:
                    value = entry[2](instance)
                except (AttributeError, ObjectDoesNotExist):
                    pass
                else:
                    if value is None:
                        ret[name] = None
                        continue
                    if not callable(value):
                        ret[name] = self._own_field(name).to_representation(value)
                        continue
            elif kind == PREFETCHED:
                related = instance.__dict__.get(entry[2])
                if related is not None:
                    ids_only = entry[3]
                    ret[name] = (
                        [item.pk for item in related] if ids_only else self._own_field(name).to_representation(related)
                    )
                    continue
            field = self._own_field(name)
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret


class PlannedReadMixin(PlannedRead):
    """A ModelSerializer whose `to_representation` reads a column (or a column across forward foreign keys, or a
    foreign key's id) with one attribute lookup, planned once per serializer instance (once per page for a list),
    instead of DRF's general per-row reading. The output is the same: the field's own `to_representation` turns
    the value into JSON, None stays None, and anything else (methods, properties, nested serializers, a missing
    related row on the way) is read by DRF as before."""

    # The docstring above is, word for word, the OpenAPI description of every serializer using this mixin without
    # a docstring of its own (drf-spectacular takes the first docstring among the bases): kept so the schema does
    # not change. What the class does is PlannedRead's comment; a serializer that should not carry this text
    # in the schema uses PlannedRead.
