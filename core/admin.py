"""Shared admin behaviour for every domain app.

Zone scoping of rows, choices, history pages and the zone filter; change history; archive instead of
delete; business numbers searched as typed; no full-table counts; the fieldsets every record shows.
"""

import re

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.exceptions import ApplicationError
from core.services import record_archive, record_restore
from core.validators import normalize_digits, registration_number_digits, registration_number_q
from zones.models import Zone
from zones.selectors import scope_to_user_zones, zone_ids_for_user

admin.site.site_header = _("AI special zone administration")
admin.site.site_title = _("AI special zones")
admin.site.index_title = _("Zone office")
# Wide changelists need the room more than a second navigation does; the index lists every model.
admin.site.enable_nav_sidebar = False

TIMESTAMPS = ("created_at", "updated_at")
RECORD_FIELDSET = (_("Record"), {"fields": TIMESTAMPS, "classes": ("collapse",)})
ARCHIVED_RECORD_FIELDSET = (
    _("Record"),
    {"fields": (*TIMESTAMPS, "archived_at", "archived_by"), "classes": ("collapse",)},
)

# A business registration number as people paste it; it is stored as digits.
_BRN_TYPED = re.compile(r"\d{3}-\d{2}-\d{5}")


def related_zone_path(admin_site, model) -> str | None:
    """The path from `model` to its zone, as its admin declares it; None for shared registries."""
    try:
        return getattr(admin_site.get_model_admin(model), "zone_path", None)
    except NotRegistered:
        return None


# --- filters -----------------------------------------------------------------


class ArchivedListFilter(admin.SimpleListFilter):
    """Active records by default; archived ones one click away."""

    title = _("archive state")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("Active")), ("yes", _("Archived")), ("all", _("All"))]

    def choices(self, changelist):
        current = self.value() or "no"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or "no"
        if value == "no":
            return queryset.filter(archived_at__isnull=True)
        if value == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


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


# --- zone scope --------------------------------------------------------------


class ScopedChoicesMixin:
    """A foreign key to a zone's record offers, and accepts, only the rows of the user's zones.

    The scope is the related model's own admin `zone_path`, so it needs no list of its own; related
    models without one (companies, users, trainees) are not narrowed. Works for admins and inlines alike.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        zone_path = related_zone_path(self.admin_site, db_field.related_model)
        if zone_path and "queryset" not in kwargs:
            kwargs["queryset"] = scope_to_user_zones(
                db_field.related_model._default_manager.all(), request.user, zone_path
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ZoneScopedAdminMixin(ScopedChoicesMixin):
    """Restricts rows to the zones the user works for.

    `zone_path` is the lookup from the model to its zone ("zone", "call__program__zone", ...);
    None means the model is not a zone's record (shared registries such as companies).
    Foreign keys to zones (and to zone-scoped models) only offer the user's own rows.
    """

    zone_path: str | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if self.zone_path is None:
            return queryset
        return scope_to_user_zones(queryset, request.user, self.zone_path)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model._meta.label == "zones.Zone":
            zone_ids = zone_ids_for_user(request.user)
            if zone_ids is not None:
                kwargs["queryset"] = db_field.related_model.objects.filter(pk__in=zone_ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ForAdminListMixin:
    """Rows come from the model's QuerySet.for_admin_list(), which declares the joins and aggregates."""

    # Declared by for_admin_list(); Django's default would select_related() every non-null FK instead.
    list_select_related = ()

    def get_queryset(self, request):
        return super().get_queryset(request).for_admin_list()


# --- bases -------------------------------------------------------------------


class DomainAdmin(ZoneScopedAdminMixin, SimpleHistoryAdmin):
    """Every domain model's admin: history, zone scope, no hard delete, no COUNT(*) of the whole table.

    - history pages of records outside the user's zones are refused: simple_history would otherwise
      fall back to the historical rows when the live row is out of the queryset;
    - business numbers are found as typed, 123-45-67890; a term of digits and dashes alone ("220-81")
      also finds the rows whose number at `number_search_paths` starts with it.
    """

    list_per_page = 50
    show_full_result_count = False
    number_search_paths: tuple[str, ...] = ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        search_term = _BRN_TYPED.sub(lambda match: normalize_digits(match.group()), search_term)
        digits = registration_number_digits(search_term)
        if digits is None or not self.number_search_paths:
            return super().get_search_results(request, queryset, search_term)
        # A term like "220-81" may still be part of a name or title: keep the ordinary matches too.
        by_text = super().get_search_results(request, self.model._default_manager.all(), search_term)[0]
        number_match = registration_number_q(digits, self.number_search_paths)
        return queryset.filter(number_match | Q(pk__in=by_text.values("pk"))), False

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


class ArchivableAdmin(DomainAdmin):
    """Records a report may have counted are archived and restored, never deleted."""

    actions = ["archive_selected", "restore_selected"]

    def get_list_filter(self, request):
        return (ArchivedListFilter, *super().get_list_filter(request))

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "archived_at", "archived_by")

    def _apply(self, request, queryset, service) -> int:
        done = 0
        for obj in queryset:
            try:
                service(obj=obj, acting_user=request.user)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.WARNING)
            else:
                done += 1
        return done

    @admin.action(description=_("Archive selected records"), permissions=["change"])
    def archive_selected(self, request, queryset) -> None:
        done = self._apply(request, queryset, record_archive)
        if done:
            self.message_user(
                request, ngettext("%(n)d record archived.", "%(n)d records archived.", done) % {"n": done}
            )

    @admin.action(description=_("Restore selected records from the archive"), permissions=["change"])
    def restore_selected(self, request, queryset) -> None:
        done = self._apply(request, queryset, record_restore)
        if done:
            self.message_user(
                request, ngettext("%(n)d record restored.", "%(n)d records restored.", done) % {"n": done}
            )


class DomainInline(ZoneScopedAdminMixin, admin.TabularInline):
    """Inline rows are kept like the records they belong to: no delete box.

    An inline that declares a `zone_path` shows only the rows of the user's zones; its foreign keys
    are narrowed like a form's.
    """

    extra = 0
    can_delete = False
    show_change_link = True
