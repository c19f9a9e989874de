"""Gwangju's programs: the AI startup camp (70 residents and a call open today), the AI data centre's compute
call at 3:1 with reviews and allocations, and the AI academy whose graduates member firms hired (seed 002)."""

import datetime as dt
from decimal import Decimal

from companies.models import Company, Tenancy
from core.demo.common import Context, at, demo_random, ensure_many, spread_date, upsert
from core.demo.gwangju_mous import MOU_COUNT, NAMED_FIRMS, office_opened
from core.demo.people import REVIEWERS, ensure_owner
from core.demo.training import CohortPlan, build_cohort
from programs.models import (
    Application,
    Call,
    ComputeAllocation,
    Program,
    Review,
    ReviewScore,
    RubricCriterion,
    Screening,
    TrainingProgram,
)
from zones.models import Zone

STARTUP_CAMP_RESIDENTS = 70
COMPUTE_APPLICATIONS = 30
COMPUTE_AWARDS = 10
GPU_HOUR_VALUE_KRW = 43_000
CRITERIA = [
    ("기술성", "Technical merit", 30),
    ("사업성", "Commercial potential", 30),
    ("컴퓨팅 자원 활용 계획", "Compute usage plan", 20),
    ("지역 파급효과", "Regional impact", 20),
]


def build_startup_camp(ctx: Context, zone: Zone, companies: list[Company], opened: list[int]) -> None:
    """70 startups resident in the AI startup camp, and a call for more that is open today."""
    residents = [companies[j] for j in opened[10 : 10 + STARTUP_CAMP_RESIDENTS]]
    ensure_many(
        Tenancy,
        [
            Tenancy(
                company=company,
                zone=zone,
                status=Tenancy.Status.RESIDENT,
                building="AI 창업캠프 (광주첨단3지구)",
                space=f"{2 + n % 3}층 {101 + n:03d}호",
                area_m2=Decimal(18 + (n * 7) % 30),
                moved_in_on=spread_date(dt.date(2023, 3, 2), dt.date(2025, 7, 1), n, STARTUP_CAMP_RESIDENTS),
            )
            for n, company in enumerate(residents)
        ],
        ("company_id", "zone_id", "status"),
        zone=zone,
    )
    program = upsert(
        Program,
        {"zone": zone, "code": "gwangju-startup-camp"},
        name_ko="AI 창업캠프 입주 지원",
        name_en="AI startup camp tenancy",
        kind=Program.Kind.TENANCY,
        description="광주첨단3지구 AI 창업캠프와 지식산업센터 입주 (200여 개 기업 입주 예정).",
    )
    # The one call whose window follows the calendar: open today, whenever the demo is loaded.
    call = upsert(
        Call,
        {"program": program, "code": "rolling"},
        title_ko="AI 창업캠프 입주기업 수시 모집",
        title_en="AI startup camp: rolling call for tenants",
        opens_at=at(ctx.today - dt.timedelta(days=14)),
        closes_at=at(ctx.today + dt.timedelta(days=30), 18),
        is_published=True,
        eligibility_ko="창업 7년 이내 AI 기업, 광주 사업장 개설 예정",
        eligibility_en="AI companies under 7 years old that will open an office in Gwangju",
        documents_required="사업계획서, 사업자등록증",
        awards_planned=20,
    )
    statuses = [
        Application.Status.SUBMITTED,
        Application.Status.SUBMITTED,
        Application.Status.SCREENING,
        Application.Status.SCREENING,
        Application.Status.INFO_REQUESTED,
        Application.Status.DRAFT,
    ]
    applicants = [companies[j] for j in range(MOU_COUNT) if not office_opened(j)][-len(statuses) :]
    ensure_many(
        Application,
        [
            Application(
                call=call,
                company=company,
                status=status,
                title=f"{company.name_ko} AI 창업캠프 입주 신청",
                submitted_at=None if status == Application.Status.DRAFT else call.opens_at + dt.timedelta(days=1 + n),
            )
            for n, (company, status) in enumerate(zip(applicants, statuses, strict=True))
        ],
        ("company_id",),
        call=call,
    )


def build_compute(ctx: Context, zone: Zone, companies: list[Company], opened: list[int]) -> None:
    """The AI data centre's 2025 call: 30 applications, 10 awards (3:1), reviews on a rubric, allocations."""
    program = upsert(
        Program,
        {"zone": zone, "code": "gwangju-ai-datacenter"},
        name_ko="AI데이터센터 컴퓨팅 자원 지원",
        name_en="AI data centre compute allocation",
        kind=Program.Kind.COMPUTE,
        budget_krw=20_000_000_000,
        description="공공형 AI데이터센터: 5년간 1,166개 기업, 2만2천 건 과제, 1,000억 원 상당 지원 (경쟁률 3:1).",
    )
    call = upsert(
        Call,
        {"program": program, "code": "2025-1"},
        title_ko="2025년 AI데이터센터 컴퓨팅 자원 지원 1차 공모",
        title_en="AI data centre compute 2025, first call",
        opens_at=at(dt.date(2025, 2, 3)),
        closes_at=at(dt.date(2025, 2, 28), 18),
        is_published=True,
        eligibility_ko="광주에 사업장을 둔 AI 기업",
        eligibility_en="AI companies with an office in Gwangju",
        documents_required="과제 계획서, GPU 사용 계획",
        awards_planned=COMPUTE_AWARDS,
        budget_krw=2_580_000_000,
        gpu_hours_available=60_000,
        pass_score=Decimal("70.00"),
    )
    criteria = [
        upsert(
            RubricCriterion,
            {"call": call, "name_ko": name_ko},
            order=n,
            name_en=name_en,
            weight=weight,
            max_score=100,
            pass_score=60,
        )
        for n, (name_ko, name_en, weight) in enumerate(CRITERIA, start=1)
    ]

    awarded = (
        [Application.Status.ACTIVE] * 4
        + [Application.Status.CLOSED] * 3
        + [Application.Status.AGREEMENT_SIGNED] * 2
        + [Application.Status.APPROVED]
    )
    statuses = awarded + [Application.Status.REJECTED] * 18 + [Application.Status.UNDER_REVIEW] * 2
    applicants = [companies[opened[i * 4 + 1]] for i in range(COMPUTE_APPLICATIONS)]
    applications = []
    for i, (company, status) in enumerate(zip(applicants, statuses, strict=True)):
        decided = status not in (Application.Status.UNDER_REVIEW,)
        applications.append(
            Application(
                call=call,
                company=company,
                status=status,
                title=f"{company.name_ko} AI 모델 학습 GPU 지원 신청",
                summary="H100 GPU를 이용한 도메인 특화 모델 학습 및 추론 최적화",
                requested_gpu_hours=2_000 + (i * 500) % 6_500,
                submitted_at=at(dt.date(2025, 2, 5) + dt.timedelta(days=i % 22), 11),
                decided_at=at(dt.date(2025, 3, 20), 17) if decided else None,
            )
        )
    stored = list(ensure_many(Application, applications, ("company_id",), call=call).values())

    _build_reviews(ctx, stored, criteria)
    _build_screenings(ctx, stored)

    allocation_status = {
        Application.Status.ACTIVE: ComputeAllocation.Status.IN_USE,
        Application.Status.CLOSED: ComputeAllocation.Status.COMPLETED,
        Application.Status.AGREEMENT_SIGNED: ComputeAllocation.Status.ALLOCATED,
        Application.Status.APPROVED: ComputeAllocation.Status.ALLOCATED,
    }
    allocations = []
    for application in stored:
        if application.status not in Application.AWARDED_STATUSES:
            continue
        hours = application.requested_gpu_hours
        completed = application.status == Application.Status.CLOSED
        allocations.append(
            ComputeAllocation(
                zone=zone,
                company_id=application.company_id,
                application=application,
                status=allocation_status[application.status],
                resource="NVIDIA H100 클러스터 (광주 AI데이터센터)",
                gpu_hours=hours,
                ai_tasks=max(1, hours // 250),
                value_krw=hours * GPU_HOUR_VALUE_KRW,
                starts_on=dt.date(2025, 4, 1),
                ends_on=dt.date(2025, 6, 30) if completed else dt.date(2025, 12, 31),
            )
        )
    ensure_many(ComputeAllocation, allocations, ("application_id",), zone=zone)

    # The owner of the first awarded company acts for it on the portal.
    first = next(c for c in applicants if c.name_ko == NAMED_FIRMS[2][0])
    ensure_owner(
        ctx, "owner.sunnyfactory", first, last_name="윤", first_name="재원", invited_by=ctx.users["officer.gwangju"]
    )


def _build_reviews(ctx: Context, applications: list[Application], criteria: list[RubricCriterion]) -> None:
    """Three reviewers score every application that reached review; one review of each pending one is open."""
    rng = demo_random("gwangju-reviews")
    reviewers = [ctx.users[username] for username in REVIEWERS]
    reviews = []
    planned_scores = {}
    for i, application in enumerate(applications):
        if application.status in Application.AWARDED_STATUSES:
            base = 82
        elif application.status == Application.Status.UNDER_REVIEW:
            base = 72
        elif i < COMPUTE_AWARDS + 10:
            base = 58  # rejected after review; the other rejections were at screening
        else:
            continue
        for r, reviewer in enumerate(reviewers):
            pending = application.status == Application.Status.UNDER_REVIEW and r == len(reviewers) - 1
            reviews.append(
                Review(
                    application=application,
                    reviewer=reviewer,
                    comment="" if pending else ("우수" if base >= 80 else "보통" if base >= 70 else "미흡"),
                    submitted_at=None if pending else at(dt.date(2025, 3, 10 + r), 16, i % 60),
                )
            )
            if not pending:
                planned_scores[(application.pk, reviewer.pk)] = [
                    max(0, min(100, base + rng.randint(-8, 8))) for _ in criteria
                ]
    stored = ensure_many(Review, reviews, ("application_id", "reviewer_id"), application__in=applications)
    scores = [
        ReviewScore(review=stored[key], criterion=criterion, score=score)
        for key, values in planned_scores.items()
        for criterion, score in zip(criteria, values, strict=True)
    ]
    ensure_many(ReviewScore, scores, ("review_id", "criterion_id"), review__in=stored.values())


def _build_screenings(ctx: Context, applications: list[Application]) -> None:
    """Every application was screened: the 20 that reached review were eligible, the last 10 were not."""
    screenings = [
        Screening(
            application=application,
            eligible=i < COMPUTE_AWARDS + 10,
            reason="" if i < COMPUTE_AWARDS + 10 else "광주 소재 사업장 확인 불가 (공모 자격 미충족)",
            screened_by=ctx.users["officer.gwangju"],
            screened_at=at(dt.date(2025, 3, 5), 10, i % 60),
        )
        for i, application in enumerate(applications)
    ]
    ensure_many(Screening, screenings, ("application_id",), application__in=applications)


def build_academy(zone: Zone, companies: list[Company], opened: list[int]) -> None:
    """Gwangju's AI academy: the 2024 cohort's graduates hired by member firms (Persona AI hired 10)."""
    academy = upsert(
        TrainingProgram,
        {"zone": zone, "code": "gwangju-ai-academy"},
        name_ko="광주 AI사관학교",
        name_en="Gwangju AI Academy",
        track=TrainingProgram.Track.AI_ACADEMY,
        annual_capacity=300,
        operator="광주광역시 · 인공지능산업융합사업단",
        description="집적단지 입주·협약 기업 채용 연계 AI 전문 교육과정.",
    )
    persona = companies[0]
    others = [companies[j] for j in opened[1:21]]
    build_cohort(
        academy,
        CohortPlan(
            "2024",
            "5기 (2024)",
            dt.date(2024, 3, 4),
            dt.date(2024, 11, 29),
            60,
            employed=30,
            completed=20,
            dropped=10,
        ),
        employers=[persona] * 10 + others,
        salt=21,
    )
    build_cohort(
        academy,
        CohortPlan(
            "2025", "6기 (2025)", dt.date(2025, 3, 3), dt.date(2025, 11, 28), 60, enrolled=50, dropped=3, applied=5
        ),
        employers=[persona],
        salt=22,
    )
