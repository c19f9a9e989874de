"""The audit trail in the admin: the personal data access log and the workflow steps of every record.

Both read-only (nothing added, changed or deleted), searchable and filterable, for superusers and zone
administrators. A zone administrator reads the rows of the zones they administer: access rows whose records
belonged to one of those zones, workflow steps of records whose admin places them in those zones (its
`zone_path`); rows that no single zone can be derived for (a superuser's export of several zones, a
workflow of a shared registry such as a company claim) are for superusers only.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import related_zone_path
from core.models import PersonalDataAccess, TransitionLog
from zones.models import Zone, ZoneStaff


def administered_zone_ids(user) -> list[int] | None:
    """The zones a user administers; None for superusers (every zone)."""
    if not user.is_active or not user.is_staff:
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, "_administered_zone_ids", None)
    if cached is None:
        cached = list(
            ZoneStaff.objects.filter(user=user, is_active=True, role=ZoneStaff.Role.ADMINISTRATOR).values_list(
                "zone_id", flat=True
            )
        )
        user._administered_zone_ids = cached
    return cached


class AuditZoneFilter(admin.SimpleListFilter):
    title = _("zone")
    parameter_name = "zone"

    def lookups(self, request, model_admin):
        zones = Zone.objects.order_by("name_ko").only("pk", "name_ko")
        zone_ids = administered_zone_ids(request.user)
        if zone_ids is not None:
            zones = zones.filter(pk__in=zone_ids)
        return [(str(zone.pk), str(zone)) for zone in zones]

    def queryset(self, request, queryset):
        return queryset.filter(zone=self.value()) if self.value() else queryset


class RecordTypeFilter(admin.SimpleListFilter):
    """The record types that occur in the log (one small query), not every model of the project."""

    title = _("record type")
    parameter_name = "record_type"

    def lookups(self, request, model_admin):
        used = model_admin.model.objects.order_by().values_list("content_type", flat=True).distinct()
        types = ContentType.objects.filter(pk__in=used)
        return sorted(
            ((str(ct.pk), str(ct.model_class()._meta.verbose_name)) for ct in types if ct.model_class()),
            key=lambda choice: choice[1],
        )

    def queryset(self, request, queryset):
        return queryset.filter(content_type=self.value()) if self.value() else queryset


class AuditAdmin(admin.ModelAdmin):
    """Read-only for superusers and zone administrators; the rows a zone administrator may read come from
    `scope_for_zone_administrator`."""

    list_per_page = 100
    show_full_result_count = False
    date_hierarchy = "at"
    actions = None

    def _allowed(self, request) -> bool:
        zone_ids = administered_zone_ids(request.user)
        return zone_ids is None or bool(zone_ids)

    def has_module_permission(self, request) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request).select_related("actor", "content_type")
        zone_ids = administered_zone_ids(request.user)
        if zone_ids is None:
            return queryset
        if not zone_ids:
            return queryset.none()
        return self.scope_for_zone_administrator(queryset, zone_ids)

    def scope_for_zone_administrator(self, queryset: QuerySet, zone_ids: list[int]) -> QuerySet:
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        """Text fields as usual; a number also finds the record with that id."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term.isdigit() and len(term) < 19:
            found = found | queryset.filter(object_id=int(term))
        return found, may_have_duplicates

    @admin.display(description=_("record"))
    def record_link(self, obj):
        if obj.object_id is None:
            return "-"
        label = f"{obj.content_type.name} #{obj.object_id}"
        try:
            url = reverse(f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change", args=[obj.object_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(AuditAdmin):
    """개인정보 처리 기록: who saw personal data whole, exported it or anonymised it."""

    list_display = ("at", "actor", "action", "content_type", "record_link", "record_count", "zone", "ip_address")
    list_filter = ("action", RecordTypeFilter, AuditZoneFilter)
    search_fields = ("actor__username", "actor__email", "actor__last_name", "actor__first_name", "ip_address", "path")
    search_help_text = _("User name or email, IP address, page path, or a record id.")
    fields = ("at", "actor", "action", "content_type", "object_id", "record_count", "zone", "ip_address", "path")
    readonly_fields = fields

    def scope_for_zone_administrator(self, queryset, zone_ids):
        return queryset.filter(zone__in=zone_ids)


@admin.register(TransitionLog)
class TransitionLogAdmin(AuditAdmin):
    """Every workflow decision (tenancy, MOU, exemption grant, enrolment, self-report, ...): who, when, from, to, why."""

    list_display = ("at", "actor", "content_type", "record_link", "from_status", "to_status", "short_comment")
    list_filter = (RecordTypeFilter, "to_status")
    search_fields = ("actor__username", "actor__email", "actor__last_name", "from_status", "to_status", "comment")
    search_help_text = _("User name or email, status, comment, or a record id.")
    fields = ("at", "actor", "content_type", "object_id", "from_status", "to_status", "comment")
    readonly_fields = fields

    def scope_for_zone_administrator(self, queryset, zone_ids):
        """Steps of records in the user's zones, per record type through its admin's `zone_path`."""
        visible = Q(pk__in=[])
        used = TransitionLog.objects.order_by().values_list("content_type", flat=True).distinct()
        for content_type in ContentType.objects.filter(pk__in=used):
            model = content_type.model_class()
            zone_path = related_zone_path(self.admin_site, model) if model is not None else None
            if not zone_path:
                continue
            in_zones = model._default_manager.filter(**{f"{zone_path}__in": zone_ids}).values("pk")
            visible |= Q(content_type=content_type, object_id__in=in_zones)
        return queryset.filter(visible)

    @admin.display(description=_("comment"))
    def short_comment(self, obj) -> str:
        return obj.comment if len(obj.comment) <= 80 else obj.comment[:79] + "…"
