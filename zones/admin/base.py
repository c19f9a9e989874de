"""What every zones admin adds to core's bases: scoped choices and history, BRN search, inline rows without N+1."""

import re

from django import forms
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.admin import DomainInline
from core.validators import format_brn, normalize_digits
from zones.selectors import scope_to_user_zones, zone_ids_for_user

TIMESTAMPS = ("created_at", "updated_at")

ARCHIVED_RECORD_FIELDSET = (
    _("Record"),
    {"fields": (*TIMESTAMPS, "archived_at", "archived_by"), "classes": ("collapse",)},
)

SHORT_TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 48})}}

_BRN_TYPED = re.compile(r"\d{3}-\d{2}-\d{5}")


def related_zone_path(admin_site, model) -> str | None:
    """The path from `model` to its zone, as its admin declares it; None for shared registries."""
    try:
        return getattr(admin_site.get_model_admin(model), "zone_path", None)
    except NotRegistered:
        return None


class ScopedChoicesMixin:
    """A foreign key to a zone's record offers, and accepts, only the rows of the user's zones.

    The scope is the related model's own admin `zone_path`; models without one (users, companies) are
    not narrowed. Works for admins and inlines alike.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        zone_path = related_zone_path(self.admin_site, db_field.related_model)
        if zone_path and "queryset" not in kwargs:
            kwargs["queryset"] = scope_to_user_zones(
                db_field.related_model._default_manager.all(), request.user, zone_path
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ZoneRecordsMixin(ScopedChoicesMixin):
    """What every zones admin adds to core's bases: scoped choices, scoped history, BRN search with dashes."""

    def get_search_results(self, request, queryset, search_term):
        # Business numbers are stored as digits; people paste them as 123-45-67890.
        search_term = _BRN_TYPED.sub(lambda match: normalize_digits(match.group()), search_term)
        return super().get_search_results(request, queryset, search_term)

    def _ensure_in_scope(self, request, object_id) -> None:
        # simple_history falls back to the historical rows when the live row is out of the queryset;
        # an officer must not read another zone's record that way.
        if zone_ids_for_user(request.user) is None:
            return
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("No such record in your zones."))

    def history_view(self, request, object_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


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


class ZoneInline(ScopedChoicesMixin, DomainInline):
    """core's DomainInline (no delete box) with scoped choices and no per-row queries.

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
