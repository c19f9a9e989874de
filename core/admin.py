"""Shared admin behaviour: zone scoping, change history, archive instead of delete, no full-table counts."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.exceptions import ApplicationError
from core.services import record_archive, record_restore
from zones.selectors import scope_to_user_zones, zone_ids_for_user

admin.site.site_header = _("AI special zone administration")
admin.site.site_title = _("AI special zones")
admin.site.index_title = _("Zone office")


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


class ZoneScopedAdminMixin:
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


class DomainAdmin(ZoneScopedAdminMixin, SimpleHistoryAdmin):
    """Every domain model's admin: history, zone scope, no hard delete, no COUNT(*) of the whole table."""

    list_per_page = 50
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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


class DomainInline(admin.TabularInline):
    """Inline rows are kept like the records they belong to: no delete box."""

    extra = 0
    can_delete = False
    show_change_link = True
