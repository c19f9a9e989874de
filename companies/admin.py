"""Admin for the company registry, tenancies and MOUs, and for what companies file from the portal.

Companies, their AI fields and members are a national registry every officer can look up; tenancies,
MOUs and their commitments belong to a zone and are scoped to the officer's zones. Every changelist takes
its joins and aggregates from the model's `for_admin_list()`, so its query count does not grow with rows.
Claims, invitations and self-reports are written by the portal: here the office reads them and decides
through actions that call the services.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin

from companies import services
from companies.forms import CompanyForm, MouCommitmentForm, MouForm, TenancyForm
from companies.models import (
    AIField,
    Company,
    CompanyClaim,
    CompanyInvitation,
    CompanyMember,
    Mou,
    MouCommitment,
    SelfReport,
    Tenancy,
)
from companies.resources import CompanyResource, MouResource
from companies.selectors import mou_list, tenancy_list
from core.admin import (
    ARCHIVED_RECORD_FIELDSET,
    RECORD_FIELDSET,
    TIMESTAMPS,
    ArchivableAdmin,
    DomainAdmin,
    DomainInline,
    ForAdminListMixin,
    ZoneListFilter,
    year_filter,
)
from core.admin_workflow import TransitionLogInline, WorkflowAdminMixin
from core.exceptions import ApplicationError
from core.formatting import format_krw


def _commitment_value(kind: str, value: int | None) -> str | None:
    if value is None:
        return None
    return format_krw(value) if kind == MouCommitment.Kind.INVESTMENT else f"{value:,}"


# --- MOU figures, shared by the MOU list and the company's MOU inline ----------------


@admin.display(description=_("party"), ordering="company__name_ko")
def mou_party(mou: Mou) -> str:
    return mou.party_name


@admin.display(description=_("jobs promised / delivered"), ordering="jobs_promised")
def mou_jobs(mou: Mou) -> str:
    return f"{mou.jobs_promised:,} / {mou.jobs_actual:,}"


@admin.display(description=_("investment promised / delivered"), ordering="investment_promised_krw")
def mou_investment(mou: Mou) -> str:
    return f"{format_krw(mou.investment_promised_krw)} / {format_krw(mou.investment_actual_krw)}"


@admin.display(description=_("office opened"), boolean=True)
def mou_office_opened(mou: Mou) -> bool | None:
    """Yes or no when an office was promised; unknown when none was."""
    if not mou.offices_promised:
        return None
    return mou.offices_opened > 0


def _commitment_total(aggregate, condition: Q) -> Coalesce:
    rows = MouCommitment.objects.filter(condition, mou=OuterRef("pk")).order_by().values("mou")
    return Coalesce(Subquery(rows.annotate(total=aggregate).values("total")), Value(0))


_JOBS = Q(kind=MouCommitment.Kind.JOBS)
_INVESTMENT = Q(kind=MouCommitment.Kind.INVESTMENT)
_OFFICE = Q(kind=MouCommitment.Kind.OFFICE_OPENING)
# Mou.objects.with_delivery()'s figures, one correlated subquery each: computed for the page's rows only, where
# the model's join and GROUP BY aggregate every MOU of the list before the page is cut.
MOU_DELIVERY_PER_ROW = {
    "jobs_promised": _commitment_total(Sum("promised_value"), _JOBS),
    "jobs_actual": _commitment_total(Sum("actual_value"), _JOBS),
    "investment_promised_krw": _commitment_total(Sum("promised_value"), _INVESTMENT),
    "investment_actual_krw": _commitment_total(Sum("actual_value"), _INVESTMENT),
    "offices_promised": _commitment_total(Count("pk"), _OFFICE),
    "offices_opened": _commitment_total(Count("pk"), _OFFICE & Q(actual_value__gte=1)),
}


class SidoListFilter(admin.SimpleListFilter):
    """The 17 provinces and metropolitan cities, without reading every company for the values in use."""

    title = _("province / city (시도)")
    parameter_name = "sido"
    SIDO = (
        "서울특별시",
        "부산광역시",
        "대구광역시",
        "인천광역시",
        "광주광역시",
        "대전광역시",
        "울산광역시",
        "세종특별자치시",
        "경기도",
        "강원특별자치도",
        "충청북도",
        "충청남도",
        "전북특별자치도",
        "전라남도",
        "경상북도",
        "경상남도",
        "제주특별자치도",
    )

    def lookups(self, request, model_admin):
        return [(sido, sido) for sido in self.SIDO]

    def queryset(self, request, queryset):
        return queryset.filter(sido=self.value()) if self.value() else queryset


# --- AI fields -------------------------------------------------------------------


@admin.register(AIField)
class AIFieldAdmin(DomainAdmin):
    list_display = ("name_ko", "name_en", "code", "company_count")
    search_fields = ("code", "name_ko", "name_en")
    prepopulated_fields = {"code": ("name_en",)}
    fields = ("code", "name_ko", "name_en")

    def get_queryset(self, request):
        return super().get_queryset(request).with_company_count()

    @admin.display(description=_("companies"), ordering="company_count")
    def company_count(self, obj: AIField) -> int:
        return obj.company_count


# --- companies -------------------------------------------------------------------


class CompanyMemberInline(DomainInline):
    """The people who act for the company; added from the member admin, role and activity changed here."""

    model = CompanyMember
    fk_name = "company"
    fields = ("user", "role", "is_active", "invited_by", "created_at")
    readonly_fields = ("user", "invited_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "invited_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CompanyTenancyInline(DomainInline):
    """The company's tenancies in the officer's own zones, read-only: each opens in the tenancy admin."""

    model = Tenancy
    fields = readonly_fields = ("zone", "status", "building", "space", "moved_in_on", "ended_on")
    verbose_name_plural = _("tenancies in your zones")

    def get_queryset(self, request):
        if not self.has_view_or_change_permission(request):
            return Tenancy.objects.none()
        return tenancy_list(user=request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CompanyMouInline(DomainInline):
    """The company's MOUs in the officer's own zones with promised against delivered, read-only."""

    model = Mou
    fields = readonly_fields = ("title", "zone", "signed_on", "status", mou_jobs, mou_investment, mou_office_opened)
    verbose_name_plural = _("MOUs in your zones")

    def get_queryset(self, request):
        if not self.has_view_or_change_permission(request):
            return Mou.objects.none()
        return mou_list(user=request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Company)
class CompanyAdmin(ImportExportMixin, ForAdminListMixin, ArchivableAdmin):
    resource_classes = (CompanyResource,)
    form = CompanyForm
    list_display = ("name_ko", "name_en", "brn_column", "size", "fields_column", "headcount", "founded_on")
    list_filter = ("size", "ai_fields", SidoListFilter, year_filter("founded_on", _("year founded")))
    search_fields = ("name_ko", "name_en")
    number_search_paths = ("brn", "corporate_number")
    autocomplete_fields = ("ai_fields",)
    readonly_fields = TIMESTAMPS
    inlines = (CompanyMemberInline, CompanyTenancyInline, CompanyMouInline)
    fieldsets = (
        (_("Identity"), {"fields": ("name_ko", "name_en", "brn", "corporate_number", "size", "ai_fields")}),
        (_("Company"), {"fields": ("founded_on", "headcount", "representative")}),
        (
            _("Road-name address"),
            {"fields": ("sido", "sigungu", "road_name", "building_no", "address_detail", "postcode")},
        ),
        (_("Contact"), {"fields": ("phone", "email", "website")}),
        ARCHIVED_RECORD_FIELDSET,
    )

    @admin.display(description=_("business registration number"), ordering="brn")
    def brn_column(self, obj: Company) -> str:
        return obj.brn_display

    @admin.display(description=_("AI fields"))
    def fields_column(self, obj: Company) -> str | None:
        # Reads the prefetched rows: ai_fields.all(), never filter() or order_by() here.
        return ", ".join(field.name_ko for field in obj.ai_fields.all()) or None


@admin.register(CompanyMember)
class CompanyMemberAdmin(ForAdminListMixin, DomainAdmin):
    list_display = ("user", "company", "role", "is_active", "invited_by", "created_at")
    list_filter = ("role", "is_active")
    search_fields = (
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
        "company__name_ko",
        "company__name_en",
    )
    number_search_paths = ("company__brn",)
    autocomplete_fields = ("company", "user", "invited_by")
    fields = ("company", "user", "role", "is_active", "invited_by", *TIMESTAMPS)
    readonly_fields = TIMESTAMPS


# --- tenancies -------------------------------------------------------------------


@admin.register(Tenancy)
class TenancyAdmin(WorkflowAdminMixin, ForAdminListMixin, ArchivableAdmin):
    """Status changes are the workflow's buttons; each step records its date (today), editable afterwards."""

    zone_path = "zone"
    form = TenancyForm
    list_display = ("company", "zone", "status", "space_column", "moved_in_on")
    list_filter = ("status", ZoneListFilter)
    search_fields = ("company__name_ko", "company__name_en", "building", "space")
    number_search_paths = ("company__brn",)
    date_hierarchy = "moved_in_on"
    autocomplete_fields = ("company", "zone")
    # The application that produced the tenancy, picked by id (the lookup opens the scoped application list).
    raw_id_fields = ("application",)
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("company", "zone", "status", "application")}),
        (_("Space"), {"fields": ("building", "space", "area_m2")}),
        (_("Dates"), {"fields": ("moved_in_on", "graduated_on", "ended_on")}),
        ARCHIVED_RECORD_FIELDSET,
    )
    inlines = (TransitionLogInline,)

    def get_inlines(self, request, obj):
        return super().get_inlines(request, obj) if obj is not None else ()  # a new tenancy has no steps yet

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "status") if obj is not None else readonly

    def perform_transition(self, request, obj, to: str, comment: str, expected_from: str):
        return services.tenancy_transition(
            tenancy=obj, to=to, acting_user=request.user, comment=comment, expected_from=expected_from
        )

    @admin.display(description=_("building / space"), ordering="building")
    def space_column(self, obj: Tenancy) -> str | None:
        return " · ".join(part for part in (obj.building, obj.space) if part) or None


# --- MOUs ------------------------------------------------------------------------


# An MOU that reached the end of its workflow keeps its commitments as they were judged.
MOU_CLOSED_STATUSES = (Mou.Status.FULFILLED, Mou.Status.LAPSED, Mou.Status.TERMINATED)
MOU_ACTUAL_FIELDS = ("actual_value", "actual_on", "evidence")


class MouCommitmentInline(DomainInline):
    model = MouCommitment
    form = MouCommitmentForm
    fields = ("kind", "description", "promised_value", "due_on", "actual_value", "actual_on", "evidence")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status in MOU_CLOSED_STATUSES:
            return self.fields
        return super().get_readonly_fields(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.status not in MOU_CLOSED_STATUSES) and super().has_add_permission(request, obj)


@admin.register(Mou)
class MouAdmin(ImportExportMixin, WorkflowAdminMixin, ArchivableAdmin):
    resource_classes = (MouResource,)
    """Status changes are the workflow's buttons; "fulfilled" and "partly fulfilled" read the saved commitments."""

    zone_path = "zone"
    walk_one_zone = True
    form = MouForm
    list_display = (
        mou_party,
        "title",
        "zone",
        "signed_on",
        "status",
        mou_jobs,
        mou_investment,
        mou_office_opened,
    )
    list_display_links = (mou_party, "title")
    list_select_related = ()  # declared by get_queryset
    list_filter = ("status", ZoneListFilter, year_filter("signed_on", _("year signed")))
    search_fields = ("title", "counterparty_name", "company__name_ko", "company__name_en")
    # Each MOU row is checked in the zone's rows: a broad term's matches in every zone are never collected.
    search_per_row = True
    number_search_paths = ("company__brn",)
    autocomplete_fields = ("company", "zone")
    readonly_fields = ("delivery", *TIMESTAMPS)
    inlines = (MouCommitmentInline, TransitionLogInline)

    def get_inlines(self, request, obj):
        return super().get_inlines(request, obj) if obj is not None else (MouCommitmentInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "zone").annotate(**MOU_DELIVERY_PER_ROW)

    fieldsets = (
        (None, {"fields": ("zone", "company", "counterparty_name", "title")}),
        (_("Term"), {"fields": ("signed_on", "ends_on", "status")}),
        (_("Promised and delivered"), {"fields": ("delivery",)}),
        (_("Note"), {"fields": ("note",)}),
        ARCHIVED_RECORD_FIELDSET,
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "status") if obj is not None else readonly

    def perform_transition(self, request, obj, to: str, comment: str, expected_from: str):
        return services.mou_transition(
            mou=obj, to=to, acting_user=request.user, comment=comment, expected_from=expected_from
        )

    @admin.display(description=_("promised / delivered"))
    def delivery(self, obj: Mou) -> str:
        # The change page's object comes from for_admin_list(), annotated; a new MOU has nothing yet.
        if getattr(obj, "jobs_promised", None) is None:
            return "-"
        office = mou_office_opened(obj)
        office_text = {None: _("none promised"), True: _("opened"), False: _("not opened")}[office]
        return _("Jobs %(jobs)s · investment %(investment)s · office %(office)s") % {
            "jobs": mou_jobs(obj),
            "investment": mou_investment(obj),
            "office": office_text,
        }


class DeliveryListFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Not reported yet")),
            ("overdue", _("Overdue")),
            ("full", _("Delivered in full")),
            ("short", _("Delivered short")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "pending":
            return queryset.filter(actual_value__isnull=True)
        if value == "overdue":
            return queryset.filter(actual_value__isnull=True, due_on__lt=timezone.localdate())
        if value == "full":
            return queryset.filter(actual_value__gte=F("promised_value"))
        if value == "short":
            return queryset.filter(actual_value__lt=F("promised_value"))
        return queryset


@admin.register(MouCommitment)
class MouCommitmentAdmin(ForAdminListMixin, DomainAdmin):
    zone_path = "mou__zone"
    form = MouCommitmentForm
    list_display = ("mou", "kind", "promised", "actual", "due_on", "actual_on", "delivered")
    list_filter = ("kind", DeliveryListFilter, ZoneListFilter)
    search_fields = (
        "mou__title",
        "mou__counterparty_name",
        "mou__company__name_ko",
        "mou__company__name_en",
        "description",
    )
    number_search_paths = ("mou__company__brn",)
    date_hierarchy = "due_on"
    autocomplete_fields = ("mou",)
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("mou", "kind", "description")}),
        (_("Promised"), {"fields": ("promised_value", "due_on")}),
        (_("Delivered"), {"fields": ("actual_value", "actual_on", "evidence")}),
        RECORD_FIELDSET,
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.mou.status in MOU_CLOSED_STATUSES:
            return (*readonly, "mou", "kind", "description", "promised_value", "due_on", *MOU_ACTUAL_FIELDS)
        return readonly

    @admin.display(description=_("promised"), ordering="promised_value")
    def promised(self, obj: MouCommitment) -> str | None:
        return _commitment_value(obj.kind, obj.promised_value)

    @admin.display(description=_("actual"), ordering="actual_value")
    def actual(self, obj: MouCommitment) -> str | None:
        return _commitment_value(obj.kind, obj.actual_value)

    @admin.display(description=_("delivered"), boolean=True)
    def delivered(self, obj: MouCommitment) -> bool:
        return obj.is_delivered


# --- what companies file from the portal ---------------------------------------------


class ReadOnlyRecordMixin:
    """Records the portal writes: the office looks at them and acts through the list's actions only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Without an object this is the list, whose actions need the change permission.
        return obj is None and super().has_change_permission(request)


@admin.register(CompanyClaim)
class CompanyClaimAdmin(DomainAdmin):
    """Users claiming a registered company that has no owner yet; the office approves or refuses."""

    list_display = ("company", "brn_column", "user", "user_email", "position", "status", "created_at", "decided_by")
    list_filter = ("status",)
    list_select_related = ("company", "user", "decided_by")
    search_fields = ("company__name_ko", "company__name_en", "user__email", "position")
    number_search_paths = ("company__brn",)
    date_hierarchy = "created_at"
    actions = ["approve_claims", "refuse_claims"]
    fields = (
        "company",
        "user",
        "position",
        "message",
        "status",
        "decision_note",
        "decided_by",
        "decided_at",
        *TIMESTAMPS,
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        # The office may write its note before deciding; the decision itself is an action.
        readonly = [name for name in self.fields if name != "decision_note"]
        if obj is not None and obj.status != CompanyClaim.Status.PENDING:
            readonly.append("decision_note")
        return readonly

    @admin.display(description=_("business registration number"), ordering="company__brn")
    def brn_column(self, obj: CompanyClaim) -> str:
        return obj.company.brn_display

    @admin.display(description=_("email"), ordering="user__email")
    def user_email(self, obj: CompanyClaim) -> str:
        return obj.user.email

    @admin.action(description=_("Approve claim: make the user the company's owner"), permissions=["change"])
    def approve_claims(self, request, queryset) -> None:
        done = 0
        for claim in queryset:
            try:
                services.company_claim_approve(claim=claim, acting_user=request.user, note=claim.decision_note)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, ngettext("%(n)d claim approved.", "%(n)d claims approved.", done) % {"n": done})

    @admin.action(description=_("Refuse claim"), permissions=["change"])
    def refuse_claims(self, request, queryset) -> None:
        done = 0
        for claim in queryset:
            try:
                services.company_claim_refuse(claim=claim, acting_user=request.user, note=claim.decision_note)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, ngettext("%(n)d claim refused.", "%(n)d claims refused.", done) % {"n": done})


@admin.register(CompanyInvitation)
class CompanyInvitationAdmin(ReadOnlyRecordMixin, DomainAdmin):
    """Invitations owners sent from the portal, to look up when someone says the link does not work."""

    list_display = ("email", "company", "role", "invited_by", "created_at", "expires_at", "state")
    list_filter = ("role",)
    list_select_related = ("company", "invited_by")
    search_fields = ("email", "company__name_ko", "company__name_en")
    number_search_paths = ("company__brn",)
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "company",
        "email",
        "role",
        "invited_by",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
        *TIMESTAMPS,
    )

    @admin.display(description=_("state"))
    def state(self, obj: CompanyInvitation) -> str:
        if obj.accepted_at:
            return _("Accepted")
        if obj.revoked_at:
            return _("Withdrawn")
        if obj.expires_at <= timezone.now():
            return _("Expired")
        return _("Waiting for an answer")


@admin.register(SelfReport)
class SelfReportAdmin(ReadOnlyRecordMixin, DomainAdmin):
    """The quarterly figures companies file. The office accepts (and locks) a report or returns it with a comment."""

    zone_path = "zone"
    list_display = (
        "company",
        "zone",
        "period",
        "status",
        "headcount",
        "revenue",
        "investment_raised",
        "patents",
        "jobs_created",
        "submitted_at",
    )
    list_filter = (ZoneListFilter, "status", "year", "quarter")
    list_select_related = ("company", "zone")
    search_fields = ("company__name_ko", "company__name_en")
    number_search_paths = ("company__brn",)
    actions = ["accept_and_lock", "return_for_changes"]
    fieldsets = (
        (None, {"fields": ("company", "zone", "year", "quarter", "status")}),
        (_("Figures"), {"fields": ("headcount", "revenue", "investment_raised", "patents", "jobs_created", "note")}),
        (
            _("Filing and review"),
            {"fields": ("submitted_at", "submitted_by", "office_comment", "locked_at", "locked_by")},
        ),
        RECORD_FIELDSET,
    )
    readonly_fields = (
        "company",
        "zone",
        "year",
        "quarter",
        "status",
        "headcount",
        "revenue",
        "investment_raised",
        "patents",
        "jobs_created",
        "note",
        "submitted_at",
        "submitted_by",
        "office_comment",
        "locked_at",
        "locked_by",
        *TIMESTAMPS,
    )

    @admin.display(description=_("period"), ordering="year")
    def period(self, obj: SelfReport) -> str:
        return obj.period_label

    @admin.display(description=_("revenue"), ordering="revenue_krw")
    def revenue(self, obj: SelfReport) -> str:
        return format_krw(obj.revenue_krw)

    @admin.display(description=_("investment raised"), ordering="investment_raised_krw")
    def investment_raised(self, obj: SelfReport) -> str:
        return format_krw(obj.investment_raised_krw)

    @admin.action(description=_("Accept and lock"), permissions=["change"])
    def accept_and_lock(self, request, queryset) -> None:
        done = 0
        for report in queryset:
            try:
                services.selfreport_lock(report=report, acting_user=request.user)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(n)d report accepted and locked.", "%(n)d reports accepted and locked.", done) % {"n": done},
            )

    @admin.action(description=_("Return for changes"), permissions=["change"])
    def return_for_changes(self, request, queryset):
        """Ask for the comment first (one for the selected reports), then return each report with it."""
        comment = (request.POST.get("comment") or "").strip()
        error = None
        if "apply" in request.POST:
            if comment:
                done = 0
                for report in queryset:
                    try:
                        services.selfreport_return(
                            report=report,
                            acting_user=request.user,
                            comment=comment,
                            base_url=request.build_absolute_uri("/"),
                        )
                    except ApplicationError as refusal:
                        self.message_user(request, refusal.message, messages.WARNING)
                    else:
                        done += 1
                if done:
                    self.message_user(
                        request,
                        ngettext("%(n)d report returned for changes.", "%(n)d reports returned for changes.", done)
                        % {"n": done},
                    )
                return None
            error = _("Say what the company should correct.")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Return self-reports for changes"),
            "opts": self.model._meta,
            "reports": queryset.select_related("company", "zone"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "comment": comment,
            "error": error,
        }
        return TemplateResponse(request, "companies/admin/selfreport_return.html", context)
