"""What every programs admin adds to core's bases: scoped choices and history, a zone filter, shared display."""

import re

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.admin import DomainInline, ZoneScopedAdminMixin
from core.validators import normalize_digits
from zones.models import Zone
from zones.selectors import scope_to_user_zones, zone_ids_for_user

TIMESTAMPS = ("created_at", "updated_at")
RECORD_FIELDSET = (_("Record"), {"fields": TIMESTAMPS, "classes": ("collapse",)})
ARCHIVED_RECORD_FIELDSET = (
    _("Record"),
    {"fields": (*TIMESTAMPS, "archived_at", "archived_by"), "classes": ("collapse",)},
)
_BRN_TYPED = re.compile(r"\d{3}-\d{2}-\d{5}")


def format_score(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


class ScopedChoicesMixin:
    """A foreign key to a zone's record offers, and accepts, only the rows of the user's zones.

    The scope is the related model's own admin `zone_path`, so it needs no list of its own; related
    models without one (companies, users, trainees) are not narrowed.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            try:
                related_admin = self.admin_site.get_model_admin(db_field.related_model)
            except NotRegistered:
                related_admin = None
            zone_path = getattr(related_admin, "zone_path", None)
            if zone_path:
                kwargs["queryset"] = scope_to_user_zones(
                    db_field.related_model._default_manager.all(), request.user, zone_path
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProgramsAdminMixin(ScopedChoicesMixin):
    """Mixed into core's DomainAdmin / ArchivableAdmin by every programs admin.

    - the QuerySet's `for_admin_list()` declares the joins, so Django's own select_related() is turned off
      (an empty `list_select_related`), which would otherwise replace them with every non-null foreign key;
    - history pages of records outside the user's zones are refused: simple_history would otherwise
      fall back to the historical rows when the live row is out of the queryset;
    - business numbers can be searched as typed, 123-45-67890.
    """

    list_select_related = ()

    def get_search_results(self, request, queryset, search_term):
        search_term = _BRN_TYPED.sub(lambda match: normalize_digits(match.group()), search_term)
        return super().get_search_results(request, queryset, search_term)

    def _ensure_in_scope(self, request, object_id) -> None:
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


class ProgramsInline(ScopedChoicesMixin, ZoneScopedAdminMixin, DomainInline):
    """Inline rows are scoped like lists (`zone_path`), and their foreign keys like forms."""


class ZoneListFilter(admin.SimpleListFilter):
    """Filter by zone through the admin's `zone_path`, offering only the zones the user works for."""

    title = _("zone")
    parameter_name = "zone"

    def __init__(self, request, params, model, model_admin):
        self.zone_path = model_admin.zone_path
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        zones = Zone.objects.order_by("name_ko").only("pk", "name_ko")
        zone_ids = zone_ids_for_user(request.user)
        if zone_ids is not None:
            zones = zones.filter(pk__in=zone_ids)
        return [(str(zone.pk), str(zone)) for zone in zones]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.zone_path: self.value()})
        return queryset
