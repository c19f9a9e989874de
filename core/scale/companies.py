"""Companies, their tenancy in the zones, MOUs and the MOUs' commitments (promised and delivered)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from companies.models import Company, Mou, MouCommitment, Tenancy
from core.scale.common import (
    AS_OF_DAY,
    EPOCH,
    Context,
    brn,
    company_name,
    corporate_number,
    day,
    full_name,
    moment,
    office_hours,
    picker,
)
from core.scale.zones import REGIONS

COMPANY_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "name_ko",
    "name_en",
    "brn",
    "corporate_number",
    "size",
    "founded_on",
    "headcount",
    "representative",
    "sido",
    "sigungu",
    "road_name",
    "building_no",
    "address_detail",
    "postcode",
    "phone",
    "email",
    "website",
)
SIZE = picker(
    [
        (Company.Size.STARTUP, 55),
        (Company.Size.SME, 30),
        (Company.Size.MIDSIZE, 8),
        (Company.Size.LARGE, 3),
        (Company.Size.INSTITUTION, 4),
    ]
)
HEADCOUNT = {
    Company.Size.STARTUP: (3, 50),
    Company.Size.SME: (20, 300),
    Company.Size.MIDSIZE: (300, 1_000),
    Company.Size.LARGE: (1_000, 20_000),
    Company.Size.INSTITUTION: (30, 500),
}
ROADS = ["테헤란로", "강남대로", "첨단과기로", "양재대로", "중앙로", "센텀중앙로", "판교역로", "대학로"]


def _founded_on(created_day: int, r: float) -> dt.date:
    """Up to about 25 years before the company joined the registry."""
    return EPOCH + dt.timedelta(days=created_day - 30 - int(r * 9_000))


def company_rows(ctx: Context):
    rng = ctx.random("company")
    r = rng.random
    for i in range(ctx.sizes.companies):
        name_ko, name_en = company_name(i)
        size = SIZE(r())
        low, high = HEADCOUNT[size]
        sido = REGIONS[i % len(REGIONS)][0]
        created_day = int(r() * AS_OF_DAY)
        created = moment(created_day, office_hours(rng))
        slug = f"c{i + 1:07d}"
        yield (
            ctx.id_of(Company, i),
            created,
            created,
            name_ko,
            name_en,
            brn(i),
            corporate_number(i) if size != Company.Size.STARTUP or r() < 0.5 else "",
            size,
            _founded_on(created_day, r()),
            low + int(r() * (high - low)),
            full_name(i, salt=3),
            sido,
            f"{(i // len(REGIONS)) % 25 + 1}구",
            ROADS[i % len(ROADS)],
            str(1 + i % 400),
            f"{1 + i % 20}층",
            f"{10_000 + i % 89_999:05d}",
            f"02-{1_000 + i % 9_000}-{i % 10_000:04d}",
            f"contact@{slug}.scale.invalid",
            f"https://{slug}.scale.invalid",
        )


TENANCY_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "company_id",
    "zone_id",
    "status",
    "building",
    "space",
    "area_m2",
    "moved_in_on",
    "graduated_on",
    "ended_on",
)
T = Tenancy.Status
TENANCY_STATUS = picker([(T.APPLICANT, 10), (T.RESIDENT, 45), (T.GRADUATED, 20), (T.MEMBERSHIP, 10), (T.EXITED, 15)])


MOVE_IN_DAYS = (30, 120)


def _later(start: int, low: int, high: int, r: float) -> int:
    """A day `low` to `high` days after `start`, and not after the "as of" date (which `start + low` is not)."""
    return start + low + int(r * max(0, min(high, AS_OF_DAY - start) - low))


def tenancy_rows(ctx: Context):
    """One tenancy per company, companies dealt round the zones (so one active tenancy per company and zone)."""
    rng = ctx.random("tenancy")
    r = rng.random
    zones = ctx.zones
    for i in range(ctx.sizes.companies):
        status = TENANCY_STATUS(r())
        via_space = status in (T.RESIDENT, T.GRADUATED, T.EXITED) or (status == T.MEMBERSHIP and r() < 0.5)
        graduates = via_space and status in (T.GRADUATED, T.MEMBERSHIP)
        # Applied over the whole period, early enough for the steps its status implies to fit before "as of".
        room = 0 if not via_space else MOVE_IN_DAYS[1] + (365 if graduates else 90 if status == T.EXITED else 0)
        applied = int(r() * (AS_OF_DAY - room)) if status != T.APPLICANT else AS_OF_DAY - 1 - int(r() * 365)
        moved_in = graduated = ended = None
        last = applied
        if via_space:
            last = applied + MOVE_IN_DAYS[0] + int(r() * (MOVE_IN_DAYS[1] - MOVE_IN_DAYS[0]))
            moved_in = day(last)
            if graduates:
                last = _later(last, 365, 1_460, r())
                graduated = day(last)
        if status == T.EXITED:
            last = _later(last, 90, 990, r())
            ended = day(last)
        created = moment(applied, office_hours(rng))
        updated = moment(last, 54_000) if last > applied else created
        yield (
            ctx.id_of(Tenancy, i),
            created,
            updated,
            ctx.id_of(Company, i),
            zones[i % len(zones)].id,
            status,
            f"AI 허브 {1 + i % 6}동" if moved_in else "",
            f"{2 + i % 12}{i % 30 + 1:02d}호" if moved_in else "",
            Decimal(20 + int(r() * 300)) if moved_in else None,
            moved_in,
            graduated,
            ended,
        )


@dataclass(frozen=True, slots=True)
class MouFacts:
    """What the commitments of an MOU follow from."""

    id: int
    status: str
    signed: int
    created: dt.datetime


M = Mou.Status
MOU_STATUS_OLD = picker(
    [
        (M.IN_PROGRESS, 30),
        (M.FULFILLED, 25),
        (M.PARTLY_FULFILLED, 20),
        (M.LAPSED, 15),
        (M.TERMINATED, 10),
    ]
)
MOU_STATUS_RECENT = picker([(M.SIGNED, 50), (M.IN_PROGRESS, 45), (M.TERMINATED, 5)])
MOU_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "zone_id",
    "company_id",
    "counterparty_name",
    "title",
    "signed_on",
    "status",
    "ends_on",
    "note",
)
MOU_TOPICS = ["AI 기업 유치", "연구소 설립", "데이터센터 구축", "AI 인재 양성", "실증 협력", "공동 연구"]


def _mous(ctx: Context):
    """(row, facts) per MOU, the same for the same seed: the MOU table and its commitments both read it."""
    rng = ctx.random("mou")
    r = rng.random
    zones, companies = ctx.zones, ctx.sizes.companies
    for i in range(ctx.sizes.mous):
        signed = int(r() * AS_OF_DAY)
        status = MOU_STATUS_OLD(r()) if signed < AS_OF_DAY - 540 else MOU_STATUS_RECENT(r())
        with_company = r() < 0.9
        created = moment(signed, office_hours(rng))
        mou_id = ctx.id_of(Mou, i)
        ends = signed + 730 + int(r() * 730) if r() < 0.8 else None
        row = (
            mou_id,
            created,
            created,
            zones[int(r() * len(zones))].id,
            ctx.id_of(Company, int(r() * companies)) if with_company else None,
            "" if with_company else f"규모시험 협력기관 {i + 1:07d}",
            f"{MOU_TOPICS[i % len(MOU_TOPICS)]} 업무협약",
            day(signed),
            status,
            day(ends) if ends is not None else None,
            "",
        )
        yield row, MouFacts(mou_id, status, signed, created)


def mou_rows(ctx: Context):
    for row, _ in _mous(ctx):
        yield row


COMMITMENT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "mou_id",
    "kind",
    "description",
    "promised_value",
    "due_on",
    "actual_value",
    "actual_on",
    "evidence",
)
K = MouCommitment.Kind


def commitment_rows(ctx: Context):
    """Jobs and investment for every MOU, an office opening for most; what was delivered follows the status."""
    rng = ctx.random("mou-commitment")
    r = rng.random
    index = 0
    for _, mou in _mous(ctx):
        promises = [(K.JOBS, 5 + int(r() * 95), "신규 고용"), (K.INVESTMENT, int(1e8 + r() * 5e9), "지역 투자")]
        if r() < 0.6:
            promises.append((K.OFFICE_OPENING, 1, "특구 내 사무소 개소"))
        for n, (kind, promised, description) in enumerate(promises):
            due = mou.signed + 365 + int(r() * 365)
            if mou.status == M.FULFILLED:
                delivered = promised + (int(r() * promised * 0.2) if kind != K.OFFICE_OPENING else 0)
            elif mou.status == M.PARTLY_FULFILLED and n == 0:
                delivered = max(0, int(promised * (0.3 + r() * 0.5))) if kind != K.OFFICE_OPENING else 1
            elif mou.status == M.IN_PROGRESS and r() < 0.3:
                delivered = int(promised * (0.2 + r() * 0.8)) if kind != K.OFFICE_OPENING else 1
            else:
                delivered = None
            actual_day = min(mou.signed + 60 + int(r() * 600), AS_OF_DAY) if delivered is not None else None
            yield (
                ctx.id_of(MouCommitment, index),
                mou.created,
                moment(actual_day, 54_000) if actual_day is not None else mou.created,
                mou.id,
                kind,
                description,
                promised,
                day(due),
                delivered,
                day(actual_day) if actual_day is not None else None,
                "증빙 서류 제출" if delivered is not None else "",
            )
            index += 1


def write_companies(ctx: Context) -> None:
    ctx.write(Company, COMPANY_COLUMNS, company_rows(ctx))
    ctx.write(Tenancy, TENANCY_COLUMNS, tenancy_rows(ctx))


def write_mous(ctx: Context) -> None:
    ctx.write(Mou, MOU_COLUMNS, mou_rows(ctx))
    ctx.write(MouCommitment, COMMITMENT_COLUMNS, commitment_rows(ctx))
