"""Filters shared by every app's FilterSets."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_filters import fields, filters


class SeoulIsoDateTimeField(fields.IsoDateTimeField):
    """An ISO 8601 date-time read in Asia/Seoul: an offset the database cannot store (+20:00) is converted."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or timezone.is_naive(parsed):
            return parsed
        try:
            return timezone.localtime(parsed)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class SeoulIsoDateTimeRangeField(fields.RangeField):
    widget = fields.DateRangeWidget

    def __init__(self, *args, **kwargs):
        super().__init__((SeoulIsoDateTimeField(), SeoulIsoDateTimeField()), *args, **kwargs)


class IsoDateTimeFromToRangeFilter(filters.RangeFilter):
    """`<name>_after` / `<name>_before` as ISO 8601 date-times, in Asia/Seoul."""

    field_class = SeoulIsoDateTimeRangeField
