"""Gwangju's companies and their 299 MOUs: office, jobs and investment promises, and what was delivered
(seed 002: 150 of the 299 actually opened an office)."""

import datetime as dt

from companies.models import Company, Mou, MouCommitment
from core.demo.common import (
    AS_OF,
    BRN_GWANGJU,
    COMPANY_NAMES,
    NAMES_GWANGJU,
    Context,
    add_years,
    demo_brn,
    demo_corporate_number,
    demo_random,
    ensure_company_fields,
    ensure_many,
    person_name,
    spread_date,
)
from zones.models import Zone

MOU_COUNT = 299
EOK = 100_000_000
# Article-named firms (seed 002) among the MOU companies: both opened an office.
NAMED_FIRMS = {0: ("페르소나AI", "Persona AI"), 2: ("써니팩토리", "Sunny Factory")}
GWANGJU_ROADS = [("북구", "첨단과기로", "61"), ("동구", "금남로", "61"), ("광산구", "하남산단로", "62")]
ELSEWHERE = [
    ("서울특별시", "강남구", "테헤란로", "06"),
    ("경기도", "성남시 분당구", "판교역로", "13"),
    ("서울특별시", "구로구", "디지털로", "08"),
    ("대전광역시", "유성구", "대덕대로", "34"),
]


def office_opened(j: int) -> bool:
    """Every other MOU company opened an office: 150 of 299."""
    return j % 2 == 0


def build_mous(ctx: Context, zone: Zone) -> tuple[list[Company], list[int]]:
    field_codes = list(ctx.fields)
    rng = demo_random("gwangju-companies")
    companies = []
    for j in range(MOU_COUNT):
        name_ko, name_en = NAMED_FIRMS.get(j, COMPANY_NAMES[NAMES_GWANGJU + j])
        if office_opened(j):
            sido, (sigungu, road, prefix) = "광주광역시", GWANGJU_ROADS[j % len(GWANGJU_ROADS)]
        else:
            sido, sigungu, road, prefix = ELSEWHERE[j % len(ELSEWHERE)]
        size = Company.Size.STARTUP
        if j == 0:
            size = Company.Size.MIDSIZE
        elif j % 9 == 4:
            size = Company.Size.SME
        elif j % 31 == 7:
            size = Company.Size.LARGE
        index = BRN_GWANGJU + j
        companies.append(
            Company(
                brn=demo_brn(index, office=410),
                name_ko=name_ko,
                name_en=name_en,
                corporate_number=demo_corporate_number(index, registry="200111"),
                size=size,
                founded_on=dt.date(2012 + j % 12, 1 + j % 12, 1 + (j * 3) % 28),
                headcount={Company.Size.MIDSIZE: 160, Company.Size.LARGE: 900}.get(size, 2 + rng.randrange(9)),
                representative=person_name(j, salt=2),
                sido=sido,
                sigungu=sigungu,
                road_name=road,
                building_no=str(5 + (j * 11) % 250),
                postcode=f"{prefix}{(j * 53) % 1000:03d}",
                email=f"contact{index:04d}@example.com",
            )
        )
    stored = list(ensure_many(Company, companies, ("brn",), brn__in=[c.brn for c in companies]).values())
    ensure_company_fields(
        {company.pk: [ctx.fields[field_codes[(j * 3) % len(field_codes)]]] for j, company in enumerate(stored)}
    )

    mous = []
    for j, company in enumerate(stored):
        signed_on = spread_date(dt.date(2018, 3, 15), dt.date(2025, 6, 30), j, MOU_COUNT)
        mous.append(
            Mou(
                zone=zone,
                company=company,
                title=f"{company.name_ko} 광주 AI 집적단지 입주 및 투자 업무협약",
                signed_on=signed_on,
                status=Mou.Status.SIGNED,  # set below from what was delivered
                ends_on=add_years(signed_on, 5),
            )
        )
    commitments_by_mou, statuses = _commitments(mous)
    for mou, status in zip(mous, statuses, strict=True):
        mou.status = status
    stored_mous = ensure_many(Mou, mous, ("company_id",), zone=zone)
    commitments = []
    for (company_id,), mou in stored_mous.items():
        for row in commitments_by_mou[company_id]:
            row.mou = mou
            commitments.append(row)
    ensure_many(MouCommitment, commitments, ("mou_id", "kind"), mou__zone=zone)
    return stored, [j for j in range(MOU_COUNT) if office_opened(j)]


def _commitments(mous: list[Mou]) -> tuple[dict[int, list[MouCommitment]], list[str]]:
    """Office, jobs and (for two in three) investment promises, what was delivered, and the MOU's status."""
    rng = demo_random("gwangju-mous")
    by_mou: dict[int, list[MouCommitment]] = {}
    statuses = []
    for j, mou in enumerate(mous):
        signed_on = mou.signed_on
        office_due = add_years(signed_on, 1)
        later_due = add_years(signed_on, 3)
        jobs_promised = 30 if j == 0 else 5 + (j * 13) % 46
        invest_promised = (1 + (j * 7) % 50) * EOK if j % 3 != 1 else None
        office = MouCommitment(
            kind=MouCommitment.Kind.OFFICE_OPENING,
            description="광주 사무소 개소",
            promised_value=1,
            due_on=office_due,
        )
        jobs = MouCommitment(
            kind=MouCommitment.Kind.JOBS,
            description="광주 사업장 신규 고용",
            promised_value=jobs_promised,
            due_on=later_due,
        )
        invest = None
        if invest_promised is not None:
            invest = MouCommitment(
                kind=MouCommitment.Kind.INVESTMENT,
                description="광주 사업장 설비·연구개발 투자",
                promised_value=invest_promised,
                due_on=later_due,
            )
        if office_opened(j):
            opened_on = min(signed_on + dt.timedelta(days=60 + (j * 37) % 300), AS_OF)
            office.actual_value, office.actual_on = 1, opened_on
            office.evidence = "지점 사업자등록 및 현장 확인"
            reported_on = min(opened_on + dt.timedelta(days=365), AS_OF)
            delivered_in_full = j == 0 or rng.random() < 0.35
            if delivered_in_full:
                jobs.actual_value = jobs_promised + (5 if j == 0 else rng.randrange(4))
            else:
                jobs.actual_value = int(jobs_promised * rng.uniform(0.2, 0.9))
            jobs.actual_on, jobs.evidence = reported_on, "4대보험 가입자 명부"
            if invest is not None:
                share = 1.0 if delivered_in_full else rng.uniform(0.1, 0.8)
                invest.actual_value = int(invest.promised_value * share) // 10_000_000 * 10_000_000
                invest.actual_on, invest.evidence = reported_on, "투자 집행 증빙 (세금계산서)"
            if delivered_in_full:
                status = Mou.Status.FULFILLED
            elif signed_on < dt.date(2024, 1, 1):
                status = Mou.Status.PARTLY_FULFILLED
            else:
                status = Mou.Status.IN_PROGRESS
        elif office_due < AS_OF:
            status = Mou.Status.TERMINATED if j % 20 == 19 else Mou.Status.LAPSED
        else:
            status = Mou.Status.IN_PROGRESS if j % 4 == 1 else Mou.Status.SIGNED
        by_mou[mou.company_id] = [row for row in (office, jobs, invest) if row is not None]
        statuses.append(status)
    return by_mou, statuses
