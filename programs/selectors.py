"""Reading programs data: the permission scope of records that have no zone of their own, and what the
company portal shows (public calls; a company's own applications, always filtered by the company)."""

import datetime as dt

from django.db.models import Case, CharField, IntegerField, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import CompanyMember
from core.formatting import format_krw
from programs.models import (
    Application,
    ApplicationDocument,
    ApplicationMessage,
    ApplicationRevision,
    ApplicationTransition,
    Call,
    Enrolment,
    Trainee,
)
from zones.selectors import zone_ids_for_user


def trainee_list(*, user, queryset: QuerySet[Trainee] | None = None) -> QuerySet[Trainee]:
    """The trainees a user may see: every one for superusers; for zone staff, those with an enrolment
    (archived or not) in a cohort of one of their zones.

    `pk IN (subquery)` rather than a join, so a trainee enrolled twice is listed once without a DISTINCT.
    """
    queryset = Trainee.objects.all() if queryset is None else queryset
    zone_ids = zone_ids_for_user(user)
    if zone_ids is None:
        return queryset
    enrolled = Enrolment.objects.filter(cohort__training_program__zone__in=zone_ids).values("trainee_id")
    return queryset.filter(pk__in=Subquery(enrolled))


# --- the company portal ------------------------------------------------------------

# Closed calls stay listed (as closed) this long: last year's round tells an applicant what to expect.
RECENTLY_CLOSED_DAYS = 730
UPCOMING_DAYS = 90


def _public_calls() -> QuerySet[Call]:
    """Published calls of live programs in live zones, with their program and zone in the same query."""
    return (
        Call.objects.active()
        .filter(is_published=True, program__archived_at__isnull=True, program__zone__archived_at__isnull=True)
        .select_related("program__zone")
    )


def open_calls(*, at: dt.datetime | None = None) -> QuerySet[Call]:
    """Calls taking applications now, the soonest to close first."""
    at = at or timezone.now()
    return _public_calls().filter(opens_at__lte=at, closes_at__gt=at).order_by("closes_at", "pk")


def call_list_public(*, at: dt.datetime | None = None) -> QuerySet[Call]:
    """Open calls, calls opening within UPCOMING_DAYS, and calls closed within RECENTLY_CLOSED_DAYS, ordered by
    zone (for grouping), then open, upcoming, closed. `state` is "open", "upcoming" or "closed"."""
    at = at or timezone.now()
    state = Case(
        When(opens_at__gt=at, then=Value("upcoming")),
        When(closes_at__lte=at, then=Value("closed")),
        default=Value("open"),
        output_field=CharField(),
    )
    state_order = Case(
        When(opens_at__gt=at, then=Value(1)),
        When(closes_at__lte=at, then=Value(2)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        _public_calls()
        .filter(
            opens_at__lte=at + dt.timedelta(days=UPCOMING_DAYS),
            closes_at__gt=at - dt.timedelta(days=RECENTLY_CLOSED_DAYS),
        )
        .annotate(state=state, state_order=state_order)
        .order_by(
            "program__zone__designated_on", "program__zone__name_ko", "program__zone_id", "state_order", "closes_at"
        )
    )


def call_get_public(pk: int) -> Call:
    """A published call of a live program; 404 otherwise (an unpublished call does not exist for the public)."""
    return get_object_or_404(_public_calls(), pk=pk)


def applications_of_company(company) -> QuerySet[Application]:
    """The company's applications (archived ones left out), newest first, with call, program and zone."""
    return (
        Application.objects.active()
        .filter(company=company)
        .select_related("call__program__zone")
        .order_by("-created_at", "-pk")
    )


def application_get_for_company(company, pk: int) -> Application:
    """One of the company's applications; 404 for any other id, whoever's it is."""
    return get_object_or_404(applications_of_company(company).select_related("company"), pk=pk)


def application_of_company_for_call(company, call) -> Application | None:
    """The company's live (not withdrawn) application to the call, if it has one."""
    if company is None:
        return None
    return applications_of_company(company).filter(call=call).exclude(status=Application.Status.WITHDRAWN).first()


def application_documents(application: Application) -> QuerySet[ApplicationDocument]:
    """The documents currently attached to the draft (removed ones are kept for revisions only)."""
    return application.documents.filter(removed_at__isnull=True).order_by("question_key", "created_at")


def application_timeline(application: Application) -> QuerySet[ApplicationTransition]:
    return application.transitions.select_related("actor").order_by("at", "pk")


def application_messages(application: Application) -> QuerySet[ApplicationMessage]:
    return application.messages.select_related("author").order_by("created_at", "pk")


def application_revisions(application: Application) -> QuerySet[ApplicationRevision]:
    return application.revisions.select_related("submitted_by").order_by("-number")


def revision_get_for_company(company, pk: int) -> ApplicationRevision:
    """A submitted revision of one of the company's applications; 404 otherwise."""
    return get_object_or_404(
        ApplicationRevision.objects.filter(application__company=company, application__archived_at__isnull=True)
        .select_related("application__call__program__zone", "submitted_by")
        .prefetch_related("documents"),
        pk=pk,
    )


def revision_previous(revision: ApplicationRevision) -> ApplicationRevision | None:
    return (
        ApplicationRevision.objects.filter(application_id=revision.application_id, number__lt=revision.number)
        .order_by("-number")
        .first()
    )


def document_get_for_user(user, pk: int) -> ApplicationDocument:
    """A document for download: to the active members of the company that uploaded it, and to staff of the
    call's zone (every zone for superusers). 404 for everyone else, so an id reveals nothing."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    documents = ApplicationDocument.objects.select_related("application")
    member_of = CompanyMember.objects.filter(user=user, is_active=True).values("company_id")
    visible = Q(application__company__in=Subquery(member_of))
    zone_ids = zone_ids_for_user(user)
    if zone_ids is None:
        visible = Q()
    elif zone_ids:
        visible |= Q(application__call__program__zone__in=zone_ids)
    return get_object_or_404(documents.filter(visible), pk=pk)


# The fields of the application itself (not the call's questions) a revision freezes.
CORE_FIELDS = ("title", "summary", "requested_amount_krw", "requested_gpu_hours", "special_case", "cohort")


def application_core_fields(application: Application) -> dict:
    """The application's own fields as JSON: related records as {"id", "label"}."""
    values: dict = {}
    for name in CORE_FIELDS:
        field = Application._meta.get_field(name)
        if field.is_relation:
            related = getattr(application, name)
            values[name] = None if related is None else {"id": related.pk, "label": str(related)}
        else:
            values[name] = getattr(application, name)
    return values


def call_sections(call) -> list:
    """The steps of the call's application form, in order."""
    return list(call.form_sections.order_by("order", "id"))


def _core_value(name: str, value) -> str:
    if value in (None, ""):
        return "-"
    if isinstance(value, dict):  # a related record frozen as {"id", "label"}
        return str(value.get("label", value.get("id", "-")))
    if name.endswith("_krw"):
        return format_krw(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def core_fields_display(core_fields: dict, names=None) -> list[tuple[str, str]]:
    """(label, value) of the application's own fields as a revision froze them; `names` narrows and orders."""
    rows = []
    for name in names if names is not None else core_fields.keys():
        if name not in core_fields:
            continue
        label = str(Application._meta.get_field(name).verbose_name)
        rows.append((label[:1].upper() + label[1:], _core_value(name, core_fields[name])))
    return rows


def revision_changes(revision: ApplicationRevision, previous: ApplicationRevision | None) -> list[tuple[str, str, str]]:
    """What changed from the previous revision: (label, before, after), the application's own fields first,
    then the answers as the form the revision answered labels them."""
    from programs.form_builder import answers_diff

    if previous is None:
        return []
    changes = []
    for name, after in revision.core_fields.items():
        before = previous.core_fields.get(name)
        if before != after:
            label = str(Application._meta.get_field(name).verbose_name)
            changes.append((label[:1].upper() + label[1:], _core_value(name, before), _core_value(name, after)))
    changes.extend(answers_diff(previous.answers, revision.answers, revision.form_snapshot))
    before_docs = {(d.question_key, d.sha256) for d in previous.documents.all()}
    for document in revision.documents.all():
        if (document.question_key, document.sha256) not in before_docs:
            changes.append((str(_("New document")), "-", document.original_name))
    return changes
