"""Shared admin behaviour for every domain app.

Zone scoping of rows, choices, history pages and the zone filter; change history; archive instead of
delete; business numbers searched as typed; no full-table counts; the fieldsets every record shows.
"""

import datetime as dt
import re

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField, Expression, F, Max, Min, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.exceptions import ApplicationError
from core.services import record_archive, record_restore
from core.validators import normalize_digits, registration_number_digits, registration_number_q
from zones.models import Zone
from zones.selectors import EqualsAnyOf, filter_by_zone_path, scope_to_user_zones, zone_ids_for_user

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


# --- counting ----------------------------------------------------------------

# The query string of a list that asks for its exact count (`?count=all`): its count otherwise stops, see
# BoundedCountPaginator.
COUNT_VAR = "count"


class BoundedCountPaginator(Paginator):
    """Counts the rows exactly up to `count_limit` past the current page, never a whole large table.

    Past the limit the count is approximate and says so (`count_label`): "more than N" for a filtered or searched
    list, PostgreSQL's own estimate of the table's rows (pg_class.reltuples) for an unfiltered one. Either way one
    query, whatever the table's size. Pages go on past the limit: each page counts up to the limit beyond itself.

    The counting query reads the ids of the rows it counts, in the list's order. When it counted them all, the
    page is its rows by id; otherwise the page is taken by position. A narrow filter's page is then never filled
    by a walk down the ordering's index, which may read most of a large table to find 50 rows; a wide one's rows
    are dense along that walk.

    A list of one zone whose model has an index on (zone, the list's order) is walked in that order instead
    (`walk`): its first rows in order, up to `walk_count_limit` past the page, in one query, and the page is its
    rows by id. The rows it reads depend on the page and on how many rows match, never on the zone's size.
    """

    count_limit = 1000
    walk_count_limit = 50

    def __init__(
        self,
        object_list,
        per_page,
        orphans=0,
        allow_empty_first_page=True,
        *,
        page_number: int = 1,
        walk: bool = False,
        count_all: bool = False,
    ):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.page_number = max(page_number, 1)
        self.count_all = count_all
        # The list's query string asking for the exact count, for the "count them all" link.
        self.count_all_query = ""
        # A DISTINCT list may repeat a row along its order: it is counted the usual way.
        self.walk = walk and not count_all and not object_list.query.distinct
        self.approximate = False
        self.count_label = ""
        self._ids: list = []
        # Whether `_ids` are in the list's order (not for DISTINCT lists: paged by position, as past the limit).
        self._ids_ordered = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if self.count_all:  # asked for by the user: every row, paged by position
            return queryset.count()
        if self.walk:
            return self._walked_count(queryset)
        bound = self.page_number * self.per_page + self.count_limit
        self._ids_ordered = not queryset.query.distinct
        self._ids, estimate = self._ids_up_to(queryset, bound + 1, ordered=self._ids_ordered)
        counted = len(self._ids)
        if counted <= bound:
            return counted
        self.approximate = True
        if estimate is not None and estimate > bound:
            self.count_label = gettext("about %(count)s (estimated)") % {"count": f"{estimate:,}"}
            return estimate
        self.count_label = gettext("more than %(count)s (not counted further)") % {"count": f"{bound:,}"}
        return counted

    def _walked_count(self, queryset: QuerySet) -> int:
        bound = self.page_number * self.per_page + self.walk_count_limit
        self._ids_ordered = True
        self._ids = list(dict.fromkeys(queryset.values_list("pk", flat=True)[: bound + 1]))
        counted = len(self._ids)
        if counted > bound:
            self.approximate = True
            self.count_label = gettext("more than %(count)s (not counted further)") % {"count": f"{bound:,}"}
        return counted

    @staticmethod
    def _ids_up_to(queryset: QuerySet, limit: int, *, ordered: bool = True) -> tuple[list, int | None]:
        """(the ids of up to `limit` rows of the list, in the list's order unless not `ordered`; the planner's row
        estimate of an unfiltered PostgreSQL table).

        The rows are found in no order, up to the limit (by the plan that suits finding all of them), then those
        rows alone are put in order: with no limit left to stop at, PostgreSQL sorts them rather than walking the
        ordering's index in the hope of meeting them early. On PostgreSQL they are put in order only when fewer
        than `limit` were found, in the same statement: a list past its count's limit is paged by position, and
        its ids' order would not be read.
        """
        connection = connections[queryset.db]
        found = queryset.order_by().values_list("pk", flat=True)[:limit]
        if connection.vendor != "postgresql":
            if ordered:
                found = _without_conditions(queryset).filter(pk__in=list(found)).values_list("pk", flat=True)
            return list(dict.fromkeys(found)), None
        found_sql, found_params = found.query.sql_with_params()
        if ordered:
            ids = _without_conditions(queryset).filter(_AmongFound("pk")).values_list("pk", flat=True)
            ordered_sql, ordered_params = ids.query.sql_with_params()
            ids_sql = f"CASE WHEN cardinality(found.ids) < %s THEN ARRAY({ordered_sql}) ELSE found.ids END"
            ids_params = (limit, *ordered_params)
        else:
            ids_sql, ids_params = "found.ids", ()
        estimate_sql, estimate_params = "NULL", ()
        if not queryset.query.where and not queryset.query.distinct:
            # Joins to a required foreign key do not change the count: the table's estimate is the list's.
            estimate_sql = "(SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass)"
            estimate_params = (connection.ops.quote_name(queryset.model._meta.db_table),)
        # Django's own compiled SQL. The found ids are materialised once; the ordered ids' statement reads them as
        # `found.ids` (inlined, each mention would find them again).
        sql = (
            f"WITH found AS MATERIALIZED (SELECT ARRAY({found_sql}) AS ids) "  # noqa: S608
            f"SELECT {ids_sql}, {estimate_sql} FROM found"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*found_params, *ids_params, *estimate_params))
            ids, estimate = cursor.fetchone()
        # An ordering through a to-many relation may repeat a row: each is counted and shown once.
        return list(dict.fromkeys(ids)), estimate

    def page(self, number):
        page = super().page(number)
        bottom = (page.number - 1) * self.per_page
        if not self.walk and (self.approximate or not self._ids_ordered):
            # The count stopped one row past the limit: the page still shows a full page of rows, by position.
            page.object_list = self.object_list[bottom : bottom + self.per_page]
        else:
            # Every row was counted, in order: the page is its rows by id.
            ids = self._ids[bottom : bottom + self.per_page]
            page.object_list = _without_conditions(self.object_list).filter(pk__in=ids)
        return page


class _AmongFound(Expression):
    """`column = ANY(found.ids)`: the ids the counting statement found, in its FROM clause (PostgreSQL)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str):
        super().__init__()
        self.column = F(column)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        column_sql, params = compiler.compile(self.column)
        return f"{column_sql} = ANY(found.ids)", params


def _without_conditions(queryset: QuerySet) -> QuerySet:
    """The list's rows, joins, annotations and order without its conditions: for rows already known by id. Asked
    again on top of the ids, a narrow filter's conditions make PostgreSQL expect a handful of rows and plan for
    them. Kept when the list aggregates over joins (its conditions may then shape the aggregates)."""
    rows = queryset.all()
    if rows.query.group_by is None:
        rows.query.clear_where()
    return rows


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
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(gettext("Unknown zone: %(value)s") % {"value": value})
        return filter_by_zone_path(queryset, self.zone_path, [int(value)])


def year_filter(field_name: str, title) -> type[admin.SimpleListFilter]:
    """A list filter by the year of a date or datetime field, cheap at any size (instead of `date_hierarchy`).

    The years offered span the first and last dates of the whole table (two ends of the field's index), where
    the date hierarchy would read every filtered row twice. Same URL parameter as the date hierarchy's year.
    """

    class YearListFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name}__year"

        def lookups(self, request, model_admin):
            span = model_admin.model._default_manager.aggregate(first=Min(field_name), last=Max(field_name))
            if span["first"] is None:
                return []
            first, last = (
                timezone.localtime(value) if isinstance(value, dt.datetime) and timezone.is_aware(value) else value
                for value in (span["first"], span["last"])
            )
            return [(str(year), str(year)) for year in range(last.year, first.year - 1, -1)]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit():
                return queryset.filter(**{f"{field_name}__year": int(value)})
            return queryset

    YearListFilter.title = title
    YearListFilter.__name__ = f"{field_name.title().replace('_', '')}YearListFilter"
    return YearListFilter


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
    # Search each of `search_fields` on its own and take the union of the matching rows: each part can use its
    # column's index (trigram indexes on PostgreSQL), where one OR across joined tables reads the whole list.
    search_by_field = False
    # Search each of `search_fields` as a condition on the list's own row: its column, or "foreign key IN (the
    # related rows that match)", ORed. For lists whose own indexed filters (a zone column) narrow the rows far
    # more than a broad term does: the matches are never collected across the whole table.
    search_per_row = False
    # The model has an index on (zone, the admin's default ordering) and `zone_path` is "zone": a list of one
    # zone in that order is walked along it (BoundedCountPaginator's `walk`), whatever the zone's size.
    walk_one_zone = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        try:
            page_number = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            page_number = 1
        count_all = getattr(request, "count_all", False)
        walk = self.walk_one_zone and ORDER_VAR not in request.GET and self._lists_one_zone(request)
        paginator = BoundedCountPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            page_number=page_number,
            walk=walk,
            count_all=count_all,
        )
        query = request.GET.copy()
        query[COUNT_VAR] = "all"
        paginator.count_all_query = query.urlencode()
        return paginator

    def changelist_view(self, request, extra_context=None):
        # `count=all` is no filter of the list: it asks its paginator for the exact count.
        if COUNT_VAR in request.GET:
            request.GET = request.GET.copy()
            request.count_all = request.GET.pop(COUNT_VAR) == ["all"]
        return super().changelist_view(request, extra_context)

    def _lists_one_zone(self, request) -> bool:
        """Whether the list shows the rows of one zone: the zone filter's, or the user's only zone."""
        if request.GET.get(ZoneListFilter.parameter_name, "").isdigit():
            return True
        zone_ids = zone_ids_for_user(request.user)
        return zone_ids is not None and len(zone_ids) == 1

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        search_term = _BRN_TYPED.sub(lambda match: normalize_digits(match.group()), search_term)
        digits = registration_number_digits(search_term)
        if digits is None or not self.number_search_paths:
            return self._search_text(request, queryset, search_term)
        # A term like "220-81" may still be part of a name or title: keep the ordinary matches too.
        by_text = self._search_text(request, self.model._default_manager.all(), search_term)[0]
        number_match = registration_number_q(digits, self.number_search_paths)
        return queryset.filter(number_match | Q(pk__in=by_text.values("pk"))), False

    def _search_text(self, request, queryset, search_term):
        search_fields = self.get_search_fields(request)
        if self.search_per_row and search_fields and search_term:
            return self._search_per_row(request, queryset, search_term, search_fields)
        if not (self.search_by_field and search_fields and search_term):
            return super().get_search_results(request, queryset, search_term)
        lookups = [_search_lookup(str(field)) for field in search_fields]
        rows = self.model._default_manager.order_by()
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            parts = [rows.filter(**{lookup: bit}).values("pk") for lookup in lookups]
            matches = parts[0].union(*parts[1:])
            if connections[queryset.db].vendor == "postgresql":
                # Found first, once; then rows by primary key. As "IN (subquery)" the planner, which cannot
                # estimate a substring's matches, often joins the whole list against them instead.
                queryset = queryset.filter(EqualsAnyOf("pk", matches))
            else:
                queryset = queryset.filter(pk__in=matches)
        return queryset, False

    def _search_per_row(self, request, queryset, search_term, search_fields):
        conditions = [_column_condition(self.model, _search_lookup(str(field))) for field in search_fields]
        if None in conditions:
            # A path through a to-many relation: Django's own search keeps its join semantics.
            return super().get_search_results(request, queryset, search_term)
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            queryset = queryset.filter(Q.create([condition(bit) for condition in conditions], connector=Q.OR))
        return queryset, False

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


def _column_condition(model, lookup: str):
    """`lookup` on `model` as a condition on the model's own columns: `bit -> Q`, or None for a to-many path.

    A field of a related table becomes "foreign key IN (the related rows that match)": PostgreSQL finds those
    rows once (by their trigram index) and hashes them, then checks the list's rows one by one, so the list's own
    filters (zone, status) and ordering decide which rows are read. Same rows as the join Django's search makes.
    """
    name, _, rest = lookup.partition(LOOKUP_SEP)
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not field.is_relation:
        return lambda bit: Q(**{lookup: bit})
    if not (field.many_to_one or (field.one_to_one and field.concrete)):
        return None
    related = field.related_model
    inner = _column_condition(related, rest)
    if inner is None:
        return None
    target = field.target_field.attname
    return lambda bit: Q(**{f"{name}__in": related._base_manager.filter(inner(bit)).values(target)})


def _search_lookup(field: str) -> str:
    """The lookup of one of `search_fields`, with the admin's prefixes: ^ starts with, = exact, @ full text."""
    prefixes = {"^": "istartswith", "=": "iexact", "@": "search"}
    if field[:1] in prefixes:
        return f"{field[1:]}__{prefixes[field[0]]}"
    return f"{field}__icontains"


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


# The audit pages (personal data access log, workflow steps) register themselves on the admin site.
from core import admin_audit, admin_outbox  # noqa: E402, F401
