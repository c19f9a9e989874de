"""Reading programs data: the permission scope of records that have no zone of their own, and what the
company portal shows (public calls; a company's own applications, always filtered by the company)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Rank
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
    Review,
    ReviewScore,
    RubricCriterion,
    Trainee,
)
from zones.models import ZoneStaff
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


# --- review and ranking ------------------------------------------------------------

# Applications that take part in a call's ranking: under review, or decided after review.
RANKED_STATUSES = (Application.Status.UNDER_REVIEW, Application.Status.REJECTED, *Application.AWARDED_STATUSES)


def user_is_reviewer_only(user) -> bool:
    """A user whose only zone role is reviewer (not a superuser): they see only the reviews assigned to them."""
    if not user.is_authenticated or user.is_superuser:
        return False
    cached = getattr(user, "_reviewer_only_cache", None)
    if cached is None:
        roles = set(ZoneStaff.objects.filter(user=user, is_active=True).values_list("role", flat=True))
        cached = roles == {ZoneStaff.Role.REVIEWER}
        user._reviewer_only_cache = cached
    return cached


def reviews_visible_to(user, queryset: QuerySet[Review] | None = None) -> QuerySet[Review]:
    """Reviewers see the reviews assigned to them; everyone else the queryset as given (zone scope applies)."""
    queryset = Review.objects.all() if queryset is None else queryset
    if user_is_reviewer_only(user):
        return queryset.filter(reviewer=user)
    return queryset


def applications_visible_to_reviewer(user, queryset: QuerySet[Application]) -> QuerySet[Application]:
    """For a reviewer-only user, the applications they are assigned to review; others unchanged."""
    if user_is_reviewer_only(user):
        return queryset.filter(pk__in=Subquery(Review.objects.filter(reviewer=user).values("application_id")))
    return queryset


def zone_reviewers(zone_id: int) -> QuerySet:
    """The active users with an active reviewer role in the zone."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            zone_roles__zone_id=zone_id,
            zone_roles__is_active=True,
            zone_roles__role=ZoneStaff.Role.REVIEWER,
        )
        .order_by("username")
    )


def criterion_average_key(criterion: RubricCriterion) -> str:
    return f"criterion_{criterion.pk}_average"


def criterion_passed_key(criterion: RubricCriterion) -> str:
    return f"criterion_{criterion.pk}_passed"


def _at_least(value, threshold) -> Case:
    """True / False, NULL while there is nothing to compare."""
    return Case(
        When(**{f"{value}__isnull": True}, then=Value(None)),
        When(**{f"{value}__gte": threshold}, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def call_ranking(call: Call, criteria: list[RubricCriterion] | None = None) -> QuerySet[Application]:
    """The call's applications under review or decided, ranked by their weighted average, in one query.

    Only submitted reviews without a conflict of interest count. Per row:
    - `average_score` (0-100) and `review_count` (Application.with_review_score);
    - `spread`: highest minus lowest reviewer's weighted total;
    - `criterion_<id>_average` and `criterion_<id>_passed` (average score vs the criterion's pass score;
      NULL when the criterion has none or nothing is scored);
    - `passes_overall`: average vs the call's pass score (NULL when the call has none);
    - `passed`: passes overall (when set) and fails no criterion; NULL before any counted review;
    - `rank`: RANK() by average, ties share a rank; rows without an average come last.
    `criteria` (the call's rubric, in order) saves a query when the caller already has it.
    """
    criteria = list(call.criteria.order_by("order", "pk")) if criteria is None else criteria
    counted_scores = ReviewScore.objects.counted().filter(review__application=OuterRef("pk"))
    per_review = (
        Review.objects.counted()
        .filter(application=OuterRef("pk"))
        .with_score()
        .order_by()
        .values("application")
        .annotate(spread=Max("weighted_score") - Min("weighted_score"))
        .values("spread")
    )
    ranked_rejected = Q(status=Application.Status.REJECTED) & Exists(Review.objects.filter(application=OuterRef("pk")))
    queryset = (
        Application.objects.active()
        .filter(call=call)
        .filter(Q(status__in=[s for s in RANKED_STATUSES if s != Application.Status.REJECTED]) | ranked_rejected)
        .select_related("company", "screening")
        .with_review_score()
        .annotate(spread=Subquery(per_review, output_field=FloatField()))
    )
    criterion_failed = []
    for criterion in criteria:
        average = (
            counted_scores.filter(criterion=criterion)
            .order_by()
            .values("criterion")
            .annotate(average=Avg("score"))
            .values("average")
        )
        queryset = queryset.annotate(**{criterion_average_key(criterion): Subquery(average, output_field=FloatField())})
        if criterion.pass_score is not None:
            queryset = queryset.annotate(
                **{criterion_passed_key(criterion): _at_least(criterion_average_key(criterion), criterion.pass_score)}
            )
            criterion_failed.append(Q(**{criterion_passed_key(criterion): False}))
        else:
            queryset = queryset.annotate(**{criterion_passed_key(criterion): Value(None, output_field=BooleanField())})
    if call.pass_score is not None:
        queryset = queryset.annotate(passes_overall=_at_least("average_score", call.pass_score))
    else:
        queryset = queryset.annotate(passes_overall=Value(None, output_field=BooleanField()))
    any_failed = Q()
    for failed in criterion_failed:
        any_failed |= failed
    queryset = queryset.annotate(
        passed=Case(
            When(average_score__isnull=True, then=Value(None)),
            When(passes_overall=False, then=Value(False)),
            *([When(any_failed, then=Value(False))] if criterion_failed else []),
            default=Value(True),
            output_field=BooleanField(),
        ),
        rank=Window(Rank(), order_by=F("average_score").desc(nulls_last=True)),
    )
    return queryset.order_by(F("average_score").desc(nulls_last=True), "pk")
