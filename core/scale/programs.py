"""Programs, their calls and rubrics, applications through the workflow, reviews and review scores."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from companies.models import Company
from core.scale.common import (
    AS_OF_DAY,
    CALLS_PER_PROGRAM,
    CRITERIA_PER_CALL,
    CallRef,
    Context,
    ScaleDataError,
    company_name,
    day_number,
    moment,
    office_hours,
    picker,
)
from programs.models import Application, Call, Program, Review, ReviewScore, RubricCriterion

PROGRAMS = [
    (Program.Kind.TENANCY, "입주기업 모집", "Tenant recruitment"),
    (Program.Kind.COMPUTE, "GPU 컴퓨팅 지원", "GPU compute support"),
    (Program.Kind.RND_GRANT, "AI 연구개발 지원", "AI R&D grant"),
    (Program.Kind.TRAINING, "AI 인재 양성", "AI talent training"),
    (Program.Kind.EXEMPTION, "규제특례 활용 지원", "Special case use"),
]
CRITERIA = [("기술성", "Technology", 40), ("사업성", "Business case", 40), ("지역 기여도", "Regional impact", 20)]
# The n-th call of every program opens this many days after EPOCH (about every 8 months, 2019-2025).
CALL_SPACING_DAYS = 245
CALL_WINDOW_DAYS = 30

PROGRAM_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "zone_id",
    "code",
    "name_ko",
    "name_en",
    "kind",
    "description",
    "budget_krw",
)


def program_rows(ctx: Context):
    index = 0
    for zone in ctx.zones:
        created = moment(day_number(zone.designated_on) + 20)
        for kind, name_ko, name_en in PROGRAMS:
            yield (
                ctx.id_of(Program, index),
                created,
                created,
                zone.id,
                f"scale-{kind}",
                name_ko,
                name_en,
                kind,
                "",
                10_000_000_000,
            )
            index += 1


CALL_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "program_id",
    "code",
    "title_ko",
    "title_en",
    "opens_at",
    "closes_at",
    "is_published",
    "form_version",
    "eligibility_ko",
    "eligibility_en",
    "documents_required",
    "awards_planned",
    "budget_krw",
    "gpu_hours_available",
    "pass_score",
)


def call_rows(ctx: Context):
    """Ten calls per program; their windows (and rubric ids) are kept in `ctx.calls` for the applications."""
    index = 0
    for p, (zone, (kind, name_ko, name_en)) in enumerate((z, k) for z in ctx.zones for k in PROGRAMS):
        for n in range(CALLS_PER_PROGRAM):
            opens = 60 + n * CALL_SPACING_DAYS + zone.index % 30
            opens_at, closes_at = moment(opens), moment(opens + CALL_WINDOW_DAYS, 64_800)
            call_id = ctx.id_of(Call, index)
            ctx.calls.append(
                CallRef(
                    id=call_id,
                    zone_index=zone.index,
                    program_kind=kind,
                    opens_at=opens_at,
                    closes_at=closes_at,
                    criterion_ids=tuple(
                        ctx.id_of(RubricCriterion, index * CRITERIA_PER_CALL + m) for m in range(CRITERIA_PER_CALL)
                    ),
                    special_case_ids=tuple(ctx.special_case_ids[zone.index]) if kind == Program.Kind.EXEMPTION else (),
                )
            )
            created = moment(opens - 14)
            yield (
                call_id,
                created,
                created,
                ctx.id_of(Program, p),
                f"{opens_at.year}-{n + 1:02d}",
                f"{name_ko} {opens_at.year}년 {n + 1}차 공모",
                f"{name_en} {opens_at.year} call {n + 1}",
                opens_at,
                closes_at,
                True,
                1,
                "특구 입주 또는 입주 예정 기업",
                "Companies in or moving to the zone",
                "사업계획서, 사업자등록증",
                20,
                1_000_000_000,
                100_000 if kind == Program.Kind.COMPUTE else 0,
                Decimal("70.00"),
            )
            index += 1


CRITERION_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "call_id",
    "order",
    "name_ko",
    "name_en",
    "weight",
    "max_score",
    "pass_score",
)


def criterion_rows(ctx: Context):
    for call in ctx.calls:
        created = call.opens_at - dt.timedelta(days=14)
        for m, criterion_id in enumerate(call.criterion_ids):
            name_ko, name_en, weight = CRITERIA[m % len(CRITERIA)]
            yield (criterion_id, created, created, call.id, m + 1, name_ko, name_en, weight, 100, 60)


A = Application.Status
APPLICATION_STATUS = picker(
    [
        (A.DRAFT, 8),
        (A.SUBMITTED, 5),
        (A.SCREENING, 5),
        (A.INFO_REQUESTED, 3),
        (A.UNDER_REVIEW, 12),
        (A.APPROVED, 8),
        (A.REJECTED, 25),
        (A.AGREEMENT_SIGNED, 6),
        (A.ACTIVE, 10),
        (A.CLOSED, 12),
        (A.WITHDRAWN, 6),
    ]
)
DECIDED = {A.APPROVED, A.REJECTED, A.AGREEMENT_SIGNED, A.ACTIVE, A.CLOSED}
APPLICATION_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "call_id",
    "company_id",
    "status",
    "title",
    "summary",
    "requested_amount_krw",
    "requested_gpu_hours",
    "special_case_id",
    "submitted_at",
    "decided_at",
    "answers",
    "form_version",
    "current_step",
    "zone_id",
)


@dataclass(frozen=True, slots=True)
class ApplicationFacts:
    """What an application's reviews follow from."""

    id: int
    index: int
    call: CallRef
    status: str
    reviewed: bool
    decided_at: dt.datetime | None


def _applications(ctx: Context):
    """(row, facts) per application, the same for the same seed.

    Applications are dealt round the calls; the k-th application of a call comes from company
    (call * 7919 + k) mod companies, so no company applies twice to a call."""
    calls, companies = ctx.calls, ctx.sizes.companies
    if ctx.sizes.applications > len(calls) * companies:
        raise ScaleDataError(
            f"{ctx.sizes.applications:,} applications cannot spread over {len(calls):,} calls and "
            f"{companies:,} companies with one application per company and call: give more companies."
        )
    rng = ctx.random("application")
    r = rng.random
    for j in range(ctx.sizes.applications):
        c, k = j % len(calls), j // len(calls)
        call = calls[c]
        company = (c * 7_919 + k) % companies
        status = APPLICATION_STATUS(r())
        opens = day_number(call.opens_at.date())
        created_day = opens + int(r() * (CALL_WINDOW_DAYS - 3))
        created = moment(created_day, office_hours(rng))
        submitted = None
        if status != A.DRAFT and (status != A.WITHDRAWN or r() < 0.7):
            submitted = created + dt.timedelta(days=int(r() * 3), seconds=600 + int(r() * 3_000))
        decided = None
        if status in DECIDED:
            decided = moment(opens + CALL_WINDOW_DAYS + 20 + int(r() * 40), office_hours(rng))
        # Half the rejections come at screening, before any review.
        reviewed = status in (A.UNDER_REVIEW, A.APPROVED, A.AGREEMENT_SIGNED, A.ACTIVE, A.CLOSED) or (
            status == A.REJECTED and r() < 0.5
        )
        kind = call.program_kind
        app_id = ctx.id_of(Application, j)
        row = (
            app_id,
            created,
            decided or submitted or created,
            call.id,
            ctx.id_of(Company, company),
            status,
            f"{company_name(company)[0]} 지원 신청",
            "",
            int(5e7 + r() * 4.5e8) if kind == Program.Kind.RND_GRANT else 0,
            500 + int(r() * 19_500) if kind == Program.Kind.COMPUTE else 0,
            call.special_case_ids[j % len(call.special_case_ids)] if call.special_case_ids else None,
            submitted,
            decided,
            "{}",
            1 if submitted else None,
            0,
            ctx.zones[call.zone_index].id,
        )
        yield row, ApplicationFacts(app_id, j, call, status, reviewed, decided)


def application_rows(ctx: Context):
    for row, _ in _applications(ctx):
        yield row


REVIEW_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "application_id",
    "reviewer_id",
    "conflict_of_interest",
    "conflict_reason",
    "comment",
    "submitted_at",
)


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    id: int
    criterion_ids: tuple[int, ...]
    scored_at: dt.datetime | None


def _reviews(ctx: Context):
    """(row, facts) per review: two reviewers of the zone's pool for every application that went to review.

    Reviews of decided applications are all submitted before the decision; of those under review, about half."""
    rng = ctx.random("review")
    r = rng.random
    index = 0
    for _, app in _applications(ctx):
        if not app.reviewed:
            continue
        pool = ctx.reviewer_ids[app.call.zone_index]
        first = app.index % len(pool)
        second = (first + 1 + (app.index // len(pool)) % (len(pool) - 1)) % len(pool)
        closes = day_number(app.call.closes_at.date())
        created = moment(closes + 1)
        for reviewer in (pool[first], pool[second]):
            submitted = None
            if app.decided_at is not None or r() < 0.5:
                submitted = moment(min(closes + 5 + int(r() * 10), AS_OF_DAY), office_hours(rng))
            conflict = r() < 0.02
            review_id = ctx.id_of(Review, index)
            row = (
                review_id,
                created,
                submitted or created,
                app.id,
                reviewer,
                conflict,
                "최근 3년 내 지원 기업과 공동 연구" if conflict else "",
                "" if conflict else "계획이 구체적이며 실현 가능성이 높음",
                submitted,
            )
            scored_at = submitted if submitted is not None and not conflict else None
            yield row, ReviewFacts(review_id, app.call.criterion_ids, scored_at)
            index += 1


def review_rows(ctx: Context):
    for row, _ in _reviews(ctx):
        yield row


SCORE_COLUMNS = ("id", "created_at", "updated_at", "review_id", "criterion_id", "score")


def score_rows(ctx: Context):
    """A score on every criterion of the call for every submitted review without a conflict of interest."""
    rng = ctx.random("review-score")
    r = rng.random
    index = 0
    for _, review in _reviews(ctx):
        if review.scored_at is None:
            continue
        for criterion_id in review.criterion_ids:
            yield (
                ctx.id_of(ReviewScore, index),
                review.scored_at,
                review.scored_at,
                review.id,
                criterion_id,
                40 + int(r() * 61),
            )
            index += 1


def write_programs(ctx: Context) -> None:
    ctx.write(Program, PROGRAM_COLUMNS, program_rows(ctx))
    ctx.write(Call, CALL_COLUMNS, call_rows(ctx))
    ctx.write(RubricCriterion, CRITERION_COLUMNS, criterion_rows(ctx))
    ctx.write(Application, APPLICATION_COLUMNS, application_rows(ctx))
    ctx.write(Review, REVIEW_COLUMNS, review_rows(ctx))
    if ctx.review_scores:
        ctx.write(ReviewScore, SCORE_COLUMNS, score_rows(ctx))
