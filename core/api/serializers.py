"""Reading a page of records quickly: each field's way to its value is planned once per serializer, not per row."""

from operator import attrgetter

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject


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
            return None if field.is_relation else ".".join(source_attrs)
        if not (field.many_to_one or field.one_to_one):
            return None
        model = field.related_model
    return None


def _fast_reader(model, field: serializers.Field):
    """(getter, is_pk) for a field read straight from the instance, or None for DRF's general reading."""
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        if field.pk_field is not None or len(field.source_attrs) != 1 or model is None:
            return None
        try:
            relation = model._meta.get_field(field.source_attrs[0])
        except FieldDoesNotExist:
            return None
        if relation.concrete and (relation.many_to_one or relation.one_to_one):
            return attrgetter(relation.attname), True
        return None
    if isinstance(field, serializers.BaseSerializer | serializers.RelatedField | serializers.ManyRelatedField):
        return None
    if isinstance(field, serializers.SerializerMethodField | serializers.HiddenField):
        return None
    path = _column_path(model, field.source_attrs)
    return (attrgetter(path), False) if path else None


class PlannedReadMixin:
    """A ModelSerializer whose `to_representation` reads a column (or a column across forward foreign keys, or a
    foreign key's id) with one attribute lookup, planned once per serializer instance (once per page for a list),
    instead of DRF's general per-row reading. The output is the same: the field's own `to_representation` turns
    the value into JSON, None stays None, and anything else (methods, properties, nested serializers, a missing
    related row on the way) is read by DRF as before."""

    def _read_plan(self) -> list:
        plan = self.__dict__.get("_planned_reads")
        if plan is None:
            model = getattr(getattr(self, "Meta", None), "model", None)
            plan = [(field.field_name, field, _fast_reader(model, field)) for field in self._readable_fields]
            self._planned_reads = plan
        return plan

    def to_representation(self, instance):
        ret = {}
        for name, field, reader in self._read_plan():
            if reader is not None:
                getter, is_pk = reader
                try:
                    value = getter(instance)
                except (AttributeError, ObjectDoesNotExist):
                    pass  # a related row missing on the way: DRF's reading decides (null or left out)
                else:
                    ret[name] = value if value is None or is_pk else field.to_representation(value)
                    continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret
