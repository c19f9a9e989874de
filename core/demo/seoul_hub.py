"""The Seoul AI Hub in Yangjae (100 resident, 110 graduated, 163 membership companies), the 500 billion KRW
Seoul AI fund, the campus-town and youth-academy training, and agreements with institutions (seed 003)."""

import datetime as dt
from decimal import Decimal

from companies.models import Company, Mou, Tenancy
from core.demo.common import (
    BRN_SEOUL_HUB,
    COMPANY_NAMES,
    NAMES_SEOUL,
    Context,
    at,
    demo_brn,
    demo_corporate_number,
    demo_random,
    ensure_company_fields,
    ensure_many,
    person_name,
    spread_date,
    upsert,
)
from core.demo.seoul_plan import ANCHOR, DESIGNATED_ON, ENDS_ON, EOK, SPECIALIZED
from core.demo.training import CohortPlan, build_cohort
from programs.models import Application, Call, Fund, FundCommitment, Investment, Program, TrainingProgram
from zones.models import Zone

FUND_SIZE_KRW = 500_000_000_000
HUB_RESIDENTS = 100
HUB_GRADUATED = 110
HUB_MEMBERSHIP = 163
HUB_ANCHOR_TENANTS = 80

SEOUL_ADDRESSES = [
    ("서울특별시", "강남구", "테헤란로", "06"),
    ("서울특별시", "성동구", "왕십리로", "04"),
    ("서울특별시", "마포구", "월드컵북로", "03"),
    ("서울특별시", "금천구", "가산디지털1로", "08"),
    ("서울특별시", "서초구", "강남대로", "06"),
]
SEOCHO_ROADS = ["태봉로", "매헌로", "바우뫼로", "강남대로", "양재대로"]
HUB_OTHER_BUILDINGS = ["한국교총회관", "하이브랜드", "희경빌딩"]


def build_hub(ctx: Context, zone: Zone, operators: dict[str, Company]) -> dict[str, list[Company]]:
    """The Seoul AI Hub: 100 resident, 110 graduated and 163 membership companies in Yangjae."""
    field_codes = list(ctx.fields)
    generated = HUB_RESIDENTS - len(SPECIALIZED)
    plan = (
        [Tenancy.Status.RESIDENT] * generated
        + [Tenancy.Status.GRADUATED] * HUB_GRADUATED
        + [Tenancy.Status.MEMBERSHIP] * HUB_MEMBERSHIP
    )
    rng = demo_random("seoul-hub")
    companies = []
    details = []
    for k, status in enumerate(plan):
        name_ko, name_en = COMPANY_NAMES[NAMES_SEOUL + k]
        size = Company.Size.SME if k % 7 == 0 else Company.Size.STARTUP
        if status == Tenancy.Status.GRADUATED and k == generated:
            # The graduate listed on KOSDAQ (seed 003).
            name_ko, name_en, size = "크라우드웍스", "Crowdworks", Company.Size.MIDSIZE
        elif status == Tenancy.Status.GRADUATED and k % 4 == 0:
            size = Company.Size.SME
        if status == Tenancy.Status.RESIDENT:
            moved_in = spread_date(dt.date(2023, 1, 2), dt.date(2025, 6, 2), k, generated)
        elif status == Tenancy.Status.GRADUATED:
            moved_in = spread_date(dt.date(2017, 3, 2), dt.date(2022, 6, 1), k - generated, HUB_GRADUATED)
        else:
            moved_in = spread_date(
                dt.date(2019, 1, 7), dt.date(2025, 8, 4), k - generated - HUB_GRADUATED, HUB_MEMBERSHIP
            )
        if status == Tenancy.Status.RESIDENT:
            sido, sigungu, road, prefix = "서울특별시", "서초구", SEOCHO_ROADS[k % len(SEOCHO_ROADS)], "06"
        else:
            sido, sigungu, road, prefix = SEOUL_ADDRESSES[k % len(SEOUL_ADDRESSES)]
        index = BRN_SEOUL_HUB + k
        companies.append(
            Company(
                brn=demo_brn(index),
                name_ko=name_ko,
                name_en=name_en,
                corporate_number=demo_corporate_number(index),
                size=size,
                founded_on=dt.date(moved_in.year - 1 - k % 4, 1 + k % 12, 1 + k % 28),
                headcount=3 + rng.randrange(45) + (120 if size == Company.Size.MIDSIZE else 0),
                representative=person_name(k, salt=1),
                sido=sido,
                sigungu=sigungu,
                road_name=road,
                building_no=str(10 + (k * 13) % 290),
                postcode=f"{prefix}{100 + (k * 37) % 900:03d}",
                email=f"contact{index:04d}@example.com",
            )
        )
        details.append((status, moved_in))
    stored = ensure_many(Company, companies, ("brn",), brn__in=[c.brn for c in companies])
    hub_companies = list(stored.values())
    ensure_company_fields(
        {
            company.pk: [ctx.fields[field_codes[k % 8]]]
            + ([ctx.fields[field_codes[(k * 5 + 3) % 8]]] if k % 3 == 0 and (k * 5 + 3) % 8 != k % 8 else [])
            for k, company in enumerate(hub_companies)
        }
    )

    residents = [operators[key] for key, *_ in SPECIALIZED] + hub_companies[:generated]
    tenancies = []
    for n, company in enumerate(residents):
        moved_in = DESIGNATED_ON if n < len(SPECIALIZED) else details[n - len(SPECIALIZED)][1]
        if n < HUB_ANCHOR_TENANTS:
            floor = 2 + n % 6
            building, space = ANCHOR, f"{floor}층 {floor * 100 + 1 + n // 6}호"
        else:
            building, space = HUB_OTHER_BUILDINGS[n % 3], f"{3 + n % 4}층 {10 + n}호"
        tenancies.append(
            Tenancy(
                company=company,
                zone=zone,
                status=Tenancy.Status.RESIDENT,
                building=building,
                space=space,
                area_m2=Decimal(24 + (n * 17) % 96),
                moved_in_on=moved_in,
            )
        )
    for k in range(generated, len(plan)):
        company, (status, moved_in) = hub_companies[k], details[k]
        if status == Tenancy.Status.GRADUATED:
            graduated_on = moved_in + dt.timedelta(days=730 + (k % 5) * 90)
            tenancies.append(
                Tenancy(
                    company=company,
                    zone=zone,
                    status=status,
                    building=HUB_OTHER_BUILDINGS[k % 3],
                    moved_in_on=moved_in,
                    graduated_on=graduated_on,
                    ended_on=graduated_on,
                )
            )
        else:
            tenancies.append(Tenancy(company=company, zone=zone, status=status, moved_in_on=moved_in))
    ensure_many(Tenancy, tenancies, ("company_id", "zone_id", "status"), zone=zone)
    return {
        "residents": residents,
        "graduated": [c for c, (s, _) in zip(hub_companies, details, strict=True) if s == Tenancy.Status.GRADUATED],
        "members": [c for c, (s, _) in zip(hub_companies, details, strict=True) if s == Tenancy.Status.MEMBERSHIP],
    }


def build_fund(ctx: Context, zone: Zone, hub: dict[str, list[Company]]) -> None:
    """The 500 billion KRW Seoul AI fund: commitments, a closed 2025 call and investments."""
    fund = upsert(
        Fund,
        {"zone": zone, "name_ko": "서울 AI 펀드"},
        name_en="Seoul AI Fund",
        manager="서울 AI 펀드 운용위원회 (데모)",
        size_krw=FUND_SIZE_KRW,
        vintage_year=2025,
        status=Fund.Status.INVESTING,
        purpose=(
            "AI 기업의 GPU 등 컴퓨팅 자원 확보, 융자 및 공동연구 지원 (2026년까지). "
            "GPU compute, loans and joint research for AI companies (to 2026)."
        ),
    )
    ensure_many(
        FundCommitment,
        [
            FundCommitment(
                fund=fund, investor_name="서울특별시", amount_krw=100_000_000_000, committed_on=dt.date(2025, 1, 15)
            ),
            FundCommitment(
                fund=fund,
                investor_name="한국벤처투자 (모태펀드)",
                amount_krw=150_000_000_000,
                committed_on=dt.date(2025, 2, 20),
            ),
            FundCommitment(
                fund=fund,
                investor_name="민간 금융기관 컨소시엄",
                amount_krw=250_000_000_000,
                committed_on=dt.date(2025, 4, 30),
            ),
        ],
        ("investor_name",),
        fund=fund,
    )
    program = upsert(
        Program,
        {"zone": zone, "code": "seoul-ai-fund"},
        name_ko="서울 AI 펀드 투자",
        name_en="Seoul AI Fund investment",
        kind=Program.Kind.FUND,
        budget_krw=FUND_SIZE_KRW,
        description="양재 AI 특구 기업 대상 융자, 공동연구, 지분투자, 컴퓨팅 크레딧.",
    )
    call = upsert(
        Call,
        {"program": program, "code": "2025-1"},
        title_ko="2025년 서울 AI 펀드 1차 투자기업 모집",
        title_en="Seoul AI Fund 2025, first call",
        opens_at=at(dt.date(2025, 3, 3)),
        closes_at=at(dt.date(2025, 3, 31), 18),
        is_published=True,
        eligibility_ko="양재 AI 특구 입주 또는 멤버십 기업",
        eligibility_en="Companies resident in or members of the Yangjae AI special zone",
        documents_required="사업계획서, 재무제표, 투자 활용 계획",
        awards_planned=8,
        budget_krw=20_000_000_000,
    )
    applicants = hub["residents"][5::3][:16] + hub["members"][::20][:8]
    instruments = [
        (Investment.Instrument.LOAN, "융자"),
        (Investment.Instrument.JOINT_RESEARCH, "공동연구"),
        (Investment.Instrument.EQUITY, "지분투자"),
        (Investment.Instrument.COMPUTE_CREDIT, "GPU 컴퓨팅 크레딧"),
    ]
    applications = []
    for i, company in enumerate(applicants):
        if i < 8:
            status = Application.Status.ACTIVE if i < 5 else Application.Status.AGREEMENT_SIGNED
        elif i < 22:
            status = Application.Status.REJECTED
        else:
            status = Application.Status.WITHDRAWN
        applications.append(
            Application(
                call=call,
                company=company,
                status=status,
                title=f"{company.name_ko} {instruments[i % 4][1]} 신청",
                summary="AI 모델 학습용 GPU 확보 및 서비스 고도화",
                requested_amount_krw=(3 + (i * 7) % 28) * EOK,
                submitted_at=at(dt.date(2025, 3, 10) + dt.timedelta(days=i % 20), 14),
                decided_at=None if status == Application.Status.WITHDRAWN else at(dt.date(2025, 4, 25), 17),
            )
        )
    stored = ensure_many(Application, applications, ("company_id",), call=call)
    investments = []
    for i, application in enumerate(list(stored.values())[:8]):
        investments.append(
            Investment(
                fund=fund,
                company_id=application.company_id,
                application=application,
                instrument=instruments[i % 4][0],
                amount_krw=application.requested_amount_krw,
                invested_on=dt.date(2025, 5, 15) + dt.timedelta(days=7 * i),
                note="2025년 1차 공모 선정",
            )
        )
    direct = [("robotics", Investment.Instrument.EQUITY, 30), ("visionlab", Investment.Instrument.CONVERTIBLE, 15)]
    for n, (key, instrument, eok) in enumerate(direct):
        company = hub["residents"][[k for k, *_ in SPECIALIZED].index(key)]
        investments.append(
            Investment(
                fund=fund,
                company=company,
                instrument=instrument,
                amount_krw=eok * EOK,
                invested_on=dt.date(2025, 7, 1) + dt.timedelta(days=30 * n),
                note="특화사업자 후속 투자 (공모 외)",
            )
        )
    ensure_many(Investment, investments, ("company_id", "invested_on"), fund=fund)


def build_training(zone: Zone, hub: dict[str, list[Company]]) -> None:
    campus = upsert(
        TrainingProgram,
        {"zone": zone, "code": "seoul-campus-town"},
        name_ko="서울 캠퍼스타운 AI 인재양성",
        name_en="Seoul campus-town AI talent program",
        track=TrainingProgram.Track.CAMPUS_TOWN,
        annual_capacity=6_000,
        operator="서울특별시 · 캠퍼스타운 참여 대학",
        description="연간 6,000명 (서울시 AI 인재 1만 명 양성 계획의 일부).",
    )
    academy = upsert(
        TrainingProgram,
        {"zone": zone, "code": "seoul-youth-academy"},
        name_ko="청년취업사관학교 AI 과정",
        name_en="Seoul youth employment academy (AI)",
        track=TrainingProgram.Track.YOUTH_ACADEMY,
        annual_capacity=4_000,
        operator="서울특별시",
        description="연간 4,000명 (서울시 AI 인재 1만 명 양성 계획의 일부).",
    )
    employers = hub["residents"][:40]
    build_cohort(
        campus,
        CohortPlan(
            "2024-fall",
            "2024년 2학기",
            dt.date(2024, 9, 2),
            dt.date(2024, 12, 20),
            60,
            employed=20,
            completed=25,
            dropped=10,
        ),
        employers=employers,
        salt=11,
        outside_employer="서울 소재 IT 기업 (미등록)",
    )
    build_cohort(
        campus,
        CohortPlan(
            "2025-spring",
            "2025년 1학기",
            dt.date(2025, 3, 4),
            dt.date(2025, 6, 20),
            60,
            employed=10,
            completed=30,
            dropped=10,
        ),
        employers=employers[20:],
        salt=12,
    )
    build_cohort(
        academy,
        CohortPlan(
            "2025-1", "2025년 1기", dt.date(2025, 2, 3), dt.date(2025, 6, 27), 50, employed=18, completed=22, dropped=5
        ),
        employers=employers[5:],
        salt=13,
    )
    build_cohort(
        academy,
        CohortPlan("2025-2", "2025년 2기", dt.date(2025, 9, 1), dt.date(2026, 1, 30), 50, enrolled=40, applied=6),
        employers=employers,
        salt=14,
    )


def build_mous(zone: Zone) -> None:
    """Agreements with institutions that are not registered companies (the MOU keeps only their name)."""
    ensure_many(
        Mou,
        [
            Mou(
                zone=zone,
                counterparty_name="KAIST AI대학원",
                title="양재 AI 특구 국가 AI 연구거점 협력",
                signed_on=dt.date(2024, 12, 10),
                status=Mou.Status.IN_PROGRESS,
                ends_on=ENDS_ON,
            ),
            Mou(
                zone=zone,
                counterparty_name="서초구",
                title="양재 AI 특구 공동 운영 협약",
                signed_on=dt.date(2024, 11, 28),
                status=Mou.Status.IN_PROGRESS,
                ends_on=ENDS_ON,
            ),
        ],
        ("counterparty_name", "title"),
        zone=zone,
    )
