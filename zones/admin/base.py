"""What the zones admins add to core's bases: short text boxes, inline rows without N+1, the BRN column."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.forms.models import BaseInlineFormSet

from core.admin import DomainInline, related_zone_path
from core.validators import format_brn

SHORT_TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 48})}}


class RowAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels a row's current choice from the object the row already holds.

    Django's widget asks the database for the selected option's label: in an inline that is one
    query per row. `InlineRowsFormSet` hands each row's widget its (select_related) object instead.
    Used only for models outside the zone scope (users, companies), so it shows nothing Django's would not.
    """

    loaded = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.loaded is None or selected != {str(self.loaded.pk)}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(self.loaded)
        options.append(self.create_option(name, self.loaded.pk, label, selected, len(options)))
        return [(None, options, 0)]


class InlineRowsFormSet(BaseInlineFormSet):
    """Inline rows that cost no query each.

    Django sets only the parent's id on each row, so a row whose `__str__` names its parent (shown
    above every tabular row) loads the parent again; here every row holds the parent object itself.
    Autocompletes take their label from the row's loaded object (`RowAutocompleteSelect`).
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.instance.pk is not None:
            setattr(form.instance, self.fk.name, self.instance)
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
            if isinstance(widget, RowAutocompleteSelect) and form.instance._meta.get_field(name).is_cached(
                form.instance
            ):
                widget.loaded = getattr(form.instance, name)
        return form


class ZoneInline(DomainInline):
    """core's DomainInline (no delete box, scoped choices) with no per-row queries.

    An inline with autocomplete fields select_relates them in `get_queryset`.
    """

    formset = InlineRowsFormSet

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        unscoped = related_zone_path(self.admin_site, db_field.related_model) is None
        if unscoped and db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = RowAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def company_brn(company) -> str:
    return format_brn(company.brn) if company else "-"
