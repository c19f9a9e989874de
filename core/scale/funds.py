"""Funds with their commitments and investments; compute allocations."""

import datetime as dt
import math

from companies.models import Company
from core.scale.common import (
    AS_OF_DAY,
    COMMITMENTS_PER_FUND,
    Context,
    FundRef,
    day,
    day_number,
    moment,
    office_hours,
    picker,
)
from programs.models import ComputeAllocation, Fund, FundCommitment, Investment

INVESTORS = [("과학기술정보통신부", 0.3), ("광역자치단체", 0.3), ("한국산업은행", 0.2), ("민간 출자자", 0.2)]
INVESTMENT_MIN_KRW, INVESTMENT_SPREAD_KRW = 100_000_000, 2_900_000_000

FUND_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "zone_id",
    "name_ko",
    "name_en",
    "manager",
    "size_krw",
    "vintage_year",
    "status",
    "purpose",
)


def _fund_count(zone_index: int) -> int:
    return 2 if zone_index % 2 == 0 else 1


def fund_rows(ctx: Context):
    """One or two funds per zone, each sized to hold its share of the investments with room to spare."""
    total = sum(_fund_count(zone.index) for zone in ctx.zones)
    expected = ctx.sizes.investments / total * (INVESTMENT_MIN_KRW + INVESTMENT_SPREAD_KRW / 2)
    size = math.ceil(expected * 1.3 / 1e9) * 1_000_000_000
    index = 0
    for zone in ctx.zones:
        for n in range(_fund_count(zone.index)):
            vintage = 2019 + 2 * n
            fund_id = ctx.id_of(Fund, index)
            ctx.funds.append(FundRef(id=fund_id, zone_index=zone.index, vintage_year=vintage, size_krw=size))
            created = moment(day_number(dt.date(vintage, 1, 10)))
            yield (
                fund_id,
                created,
                created,
                zone.id,
                f"규모시험 AI 펀드 {zone.index + 1:03d}-{n + 1}",
                f"Scale-test AI fund {zone.index + 1:03d}-{n + 1}",
                "규모시험 자산운용",
                size,
                vintage,
                Fund.Status.INVESTING,
                "특구 AI 기업 투자",
            )
            index += 1


FUND_COMMITMENT_COLUMNS = ("id", "created_at", "updated_at", "fund_id", "investor_name", "amount_krw", "committed_on")


def fund_commitment_rows(ctx: Context):
    """The fund's size, committed by four investors in its vintage year."""
    index = 0
    for fund in ctx.funds:
        committed_on = dt.date(fund.vintage_year, 1, 15)
        created = moment(day_number(committed_on))
        for investor, share in INVESTORS[:COMMITMENTS_PER_FUND]:
            amount = int(fund.size_krw * share)
            yield (ctx.id_of(FundCommitment, index), created, created, fund.id, investor, amount, committed_on)
            index += 1


INSTRUMENT = picker(
    [
        (Investment.Instrument.EQUITY, 50),
        (Investment.Instrument.CONVERTIBLE, 20),
        (Investment.Instrument.SAFE, 10),
        (Investment.Instrument.LOAN, 10),
        (Investment.Instrument.JOINT_RESEARCH, 5),
        (Investment.Instrument.COMPUTE_CREDIT, 5),
    ]
)
INVESTMENT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "fund_id",
    "company_id",
    "instrument",
    "amount_krw",
    "invested_on",
    "note",
)


def investment_rows(ctx: Context):
    rng = ctx.random("investment")
    r = rng.random
    funds, companies = ctx.funds, ctx.sizes.companies
    for i in range(ctx.sizes.investments):
        fund = funds[int(r() * len(funds))]
        first = day_number(dt.date(fund.vintage_year, 2, 1))
        invested = first + int(r() * (AS_OF_DAY - first))
        created = moment(invested, office_hours(rng))
        yield (
            ctx.id_of(Investment, i),
            created,
            created,
            fund.id,
            ctx.id_of(Company, int(r() * companies)),
            INSTRUMENT(r()),
            INVESTMENT_MIN_KRW + int(r() * INVESTMENT_SPREAD_KRW),
            day(invested),
            "",
        )


ALLOCATION_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "zone_id",
    "company_id",
    "status",
    "resource",
    "gpu_hours",
    "ai_tasks",
    "value_krw",
    "starts_on",
    "ends_on",
)
RESOURCES = ["NVIDIA H100 클러스터", "NVIDIA A100 클러스터", "국산 NPU 서버", "NVIDIA L40S 서버"]
KRW_PER_GPU_HOUR = 3_000
C = ComputeAllocation.Status


def allocation_rows(ctx: Context):
    """Allocations over 2019 to two months after the "as of" date; the status follows the period."""
    rng = ctx.random("allocation")
    r = rng.random
    zones, companies = ctx.zones, ctx.sizes.companies
    for i in range(ctx.sizes.allocations):
        starts = int(r() * (AS_OF_DAY + 60))
        ends = starts + 30 + int(r() * 150)
        if ends <= AS_OF_DAY:
            status = C.COMPLETED if r() < 0.9 else C.CANCELLED
        elif starts <= AS_OF_DAY:
            status = C.IN_USE
        else:
            status = C.ALLOCATED
        gpu_hours = 100 + int(r() * 19_900)
        created = moment(starts - 14, office_hours(rng))
        yield (
            ctx.id_of(ComputeAllocation, i),
            created,
            created,
            zones[int(r() * len(zones))].id,
            ctx.id_of(Company, int(r() * companies)),
            status,
            RESOURCES[i % len(RESOURCES)],
            gpu_hours,
            1 + int(r() * 50),
            gpu_hours * KRW_PER_GPU_HOUR,
            day(starts),
            day(ends),
        )


def write_funds(ctx: Context) -> None:
    ctx.write(Fund, FUND_COLUMNS, fund_rows(ctx))
    ctx.write(FundCommitment, FUND_COMMITMENT_COLUMNS, fund_commitment_rows(ctx))
    ctx.write(Investment, INVESTMENT_COLUMNS, investment_rows(ctx))
    ctx.write(ComputeAllocation, ALLOCATION_COLUMNS, allocation_rows(ctx))
