"""The KPI catalogue: each measure's stable code, Korean and English name, unit, pillar and how it is computed;
and which measures are read against the plan's yearly targets."""

import datetime as dt
from enum import StrEnum

from zones.kpi.measures import (
    Frame,
    KpiDefinition,
    Number,
    Pillar,
    Unit,
    amount_awarded,
    applications_submitted,
    awards,
    competition_ratio,
    completion_rate,
    compute_companies,
    compute_value,
    employment_rate,
    exits,
    fund_committed,
    fund_invested,
    fund_investees,
    fund_remaining,
    gain_in_year,
    gpu_hours,
    graduates,
    grants_active,
    hired_by_zone_companies,
    incidents,
    membership,
    mou_investment_made,
    mou_investment_promised,
    mou_jobs_created,
    mou_jobs_promised,
    mous_conversion_rate,
    mous_office_opened,
    mous_signed,
    new_residents,
    residents,
    special_cases_in_force,
    trainees_completed,
    trainees_employed,
    trainees_enrolled,
    year_to_date,
)
from zones.models import Zone, ZoneTarget

# --- the catalogue ----------------------------------------------------------------------------------------

_C, _M, _P, _F, _G, _T, _E = (
    Pillar.COMPANIES,
    Pillar.MOUS,
    Pillar.PROGRAMS,
    Pillar.FUNDS,
    Pillar.COMPUTE,
    Pillar.TRAINING,
    Pillar.EXEMPTIONS,
)

KPIS: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        "companies_residents", "입주기업 수", "Resident companies", Unit.COUNT, _C,
        "기간 말일 기준 입주 중인 기업: 입주일이 말일 이전이고, 말일까지 졸업·퇴거하지 않은 입주 계약(멤버십·보관 제외).",
        "Tenancies moved in by the period end and neither graduated nor ended by then (membership and archived left out).",
        residents,
    ),
    KpiDefinition(
        "companies_graduates", "졸업기업 수(누적)", "Graduated companies (to date)", Unit.COUNT, _C,
        "졸업일이 기간 말일 이전인 입주 계약 수(누적).",
        "Tenancies with a graduation date on or before the period end (cumulative).",
        graduates,
    ),
    KpiDefinition(
        "companies_membership", "멤버십 기업 수", "Membership companies", Unit.COUNT, _C,
        "현재 멤버십 상태인 입주 계약 수(스냅샷 시점의 상태로 고정).",
        "Tenancies in membership status when computed (the snapshot freezes it).",
        membership,
    ),
    KpiDefinition(
        "companies_exits", "퇴거 기업 수", "Exits in period", Unit.COUNT, _C,
        "퇴거 상태이며 종료일이 기간 안에 있는 입주 계약 수.",
        "Exited tenancies whose end date falls within the period.",
        exits,
    ),
    KpiDefinition(
        "companies_new_residents", "신규 입주기업 수", "New residents in period", Unit.COUNT, _C,
        "입주일이 기간 안에 있는 입주 계약 수.",
        "Tenancies that moved in within the period.",
        new_residents,
    ),
    KpiDefinition(
        "mous_signed", "MOU 체결 건수(누적)", "MOUs signed (to date)", Unit.COUNT, _M,
        "체결일이 기간 말일 이전인 MOU 수(보관 제외).",
        "MOUs signed on or before the period end (archived left out).",
        mous_signed,
    ),
    KpiDefinition(
        "mous_office_opened", "실제 사무소 개소 MOU 수", "MOUs with an office actually opened", Unit.COUNT, _M,
        "사무소 개소 약속 중 실적값이 1 이상이고 실적일이 말일 이전인 MOU 수(발표가 아닌 실적).",
        "MOUs with an office-opening commitment whose actual value is at least 1, dated by the period end.",
        mous_office_opened,
    ),
    KpiDefinition(
        "mous_conversion_rate", "MOU 실이행률(개소)", "MOU conversion rate (offices opened)", Unit.PERCENT, _M,
        "개소 MOU 수 ÷ 체결 MOU 수 × 100 (체결 0건이면 값 없음).",
        "MOUs with an office opened / MOUs signed x 100 (none when nothing is signed).",
        mous_conversion_rate,
    ),
    KpiDefinition(
        "mou_jobs_promised", "MOU 약속 일자리", "Jobs promised in MOUs", Unit.COUNT, _M,
        "말일까지 체결된 MOU의 일자리 약속값 합계.",
        "Sum of the promised values of the jobs commitments of MOUs signed by the period end.",
        mou_jobs_promised,
    ),
    KpiDefinition(
        "mou_jobs_created", "MOU 실제 일자리 창출", "Jobs actually created (MOUs)", Unit.COUNT, _M,
        "일자리 약속의 실적값 합계(실적일이 말일 이전인 것만).",
        "Sum of the actual values of jobs commitments, dated by the period end.",
        mou_jobs_created,
    ),
    KpiDefinition(
        "mou_investment_promised_krw", "MOU 약속 투자액", "Investment promised in MOUs", Unit.KRW, _M,
        "말일까지 체결된 MOU의 투자 약속값 합계(원).",
        "Sum of the promised values of investment commitments of MOUs signed by the period end (KRW).",
        mou_investment_promised,
    ),
    KpiDefinition(
        "mou_investment_made_krw", "MOU 실제 투자액", "Investment actually made (MOUs)", Unit.KRW, _M,
        "투자 약속의 실적값 합계(원, 실적일이 말일 이전인 것만).",
        "Sum of the actual values of investment commitments, dated by the period end (KRW).",
        mou_investment_made,
    ),
    KpiDefinition(
        "programs_applications", "지원사업 신청 건수", "Applications submitted", Unit.COUNT, _P,
        "제출 시각이 기간 안(서울 시간)인 신청서 수(보관 제외).",
        "Applications submitted within the period (Asia/Seoul), archived left out.",
        applications_submitted,
    ),
    KpiDefinition(
        "programs_awards", "선정 건수", "Awards", Unit.COUNT, _P,
        "선정 상태(승인·협약·수행·종료)이며 결정 시각이 기간 안인 신청서 수.",
        "Applications in an awarded status decided within the period.",
        awards,
    ),
    KpiDefinition(
        "programs_competition_ratio", "경쟁률", "Competition ratio", Unit.RATIO, _P,
        "기간 중 신청 건수 ÷ 기간 중 선정 건수 (선정 0건이면 값 없음).",
        "Applications submitted in the period / awards in the period (none without awards).",
        competition_ratio,
    ),
    KpiDefinition(
        "programs_amount_awarded_krw", "선정 지원금액", "Amount awarded", Unit.KRW, _P,
        "기간 중 선정된 신청서의 신청금액 합계(원).",
        "Sum of the requested amounts of the applications awarded in the period (KRW).",
        amount_awarded,
    ),
    KpiDefinition(
        "fund_committed_krw", "펀드 약정액", "Fund committed", Unit.KRW, _F,
        "약정일이 말일 이전인 펀드 출자 약정 합계(원).",
        "Sum of fund commitments dated by the period end (KRW).",
        fund_committed,
    ),
    KpiDefinition(
        "fund_invested_krw", "펀드 투자 집행액", "Fund invested", Unit.KRW, _F,
        "투자일이 말일 이전인 투자 합계(원, 보관 제외).",
        "Sum of investments made by the period end (KRW, archived left out).",
        fund_invested,
    ),
    KpiDefinition(
        "fund_remaining_krw", "펀드 잔여액", "Fund remaining", Unit.KRW, _F,
        "펀드 결성액 합계 - 말일까지 투자 집행액(원).",
        "Sum of fund sizes minus the amount invested by the period end (KRW).",
        fund_remaining,
    ),
    KpiDefinition(
        "fund_investees", "투자받은 기업 수", "Investee companies", Unit.COUNT, _F,
        "말일까지 투자받은 서로 다른 기업 수.",
        "Distinct companies invested in by the period end.",
        fund_investees,
    ),
    KpiDefinition(
        "compute_gpu_hours", "GPU 배정 시간", "GPU hours allocated", Unit.GPU_HOURS, _G,
        "시작일이 기간 안인 컴퓨팅 배정(취소 제외)의 GPU 시간 합계.",
        "Sum of GPU hours of allocations starting in the period (cancelled left out).",
        gpu_hours,
    ),
    KpiDefinition(
        "compute_companies", "컴퓨팅 지원 기업 수", "Companies served with compute", Unit.COUNT, _G,
        "기간 중 시작한 배정을 받은 서로 다른 기업 수.",
        "Distinct companies with an allocation starting in the period.",
        compute_companies,
    ),
    KpiDefinition(
        "compute_value_krw", "컴퓨팅 지원 가치", "Compute value", Unit.KRW, _G,
        "기간 중 시작한 배정의 가치 합계(원).",
        "Sum of the value of allocations starting in the period (KRW).",
        compute_value,
    ),
    KpiDefinition(
        "training_enrolled", "교육 등록 인원", "Trainees enrolled", Unit.COUNT, _T,
        "등록일이 기간 안인 수강(신청 단계 제외) 수.",
        "Enrolments with an enrolment date in the period (applications only left out).",
        trainees_enrolled,
    ),
    KpiDefinition(
        "training_completed", "교육 수료 인원", "Trainees completed", Unit.COUNT, _T,
        "수료(또는 취업) 상태이며 수료일이 기간 안인 수강 수.",
        "Completed (or employed) enrolments with a completion date in the period.",
        trainees_completed,
    ),
    KpiDefinition(
        "training_completion_rate", "수료율", "Completion rate", Unit.PERCENT, _T,
        "기간 중 종료한 기수의 등록자 중 수료(또는 취업)한 비율.",
        "Of those enrolled in cohorts ending in the period, the share completed (or employed).",
        completion_rate,
    ),
    KpiDefinition(
        "training_employed", "취업 인원", "Trainees employed", Unit.COUNT, _T,
        "취업 상태이며 취업일이 기간 안인 수강 수.",
        "Employed enrolments with an employment date in the period.",
        trainees_employed,
    ),
    KpiDefinition(
        "training_employment_rate", "취업률(누적)", "Employment rate (to date)", Unit.PERCENT, _T,
        "말일까지 수료한 인원 중 말일까지 취업한 비율.",
        "Of those completed by the period end, the share employed by then.",
        employment_rate,
    ),
    KpiDefinition(
        "training_hired_by_zone", "특구 기업 채용 인원", "Hired by zone companies", Unit.COUNT, _T,
        "기간 중 취업한 인원 중 고용 기업이 이 특구에 입주 계약을 가진 경우.",
        "Employed in the period by a company holding a tenancy in this zone.",
        hired_by_zone_companies,
    ),
    KpiDefinition(
        "exemptions_special_cases", "시행 중 규제특례 수", "Special cases in force", Unit.COUNT, _E,
        "기간 말일에 유효한 규제특례 수(보관 제외).",
        "Special cases valid on the period end (archived left out).",
        special_cases_in_force,
    ),
    KpiDefinition(
        "exemptions_grants_active", "유효 특례 승인 수", "Exemption grants in force", Unit.COUNT, _E,
        "승인·사용·연장 상태이며 기간 말일에 유효한 특례 승인 수.",
        "Grants granted, active or extended and valid on the period end.",
        grants_active,
    ),
    KpiDefinition(
        "exemptions_incidents", "특례 사고 건수", "Incidents in period", Unit.COUNT, _E,
        "발생 시각이 기간 안인 사고 보고 수.",
        "Incidents that occurred within the period.",
        incidents,
    ),
    KpiDefinition(
        "companies_new_residents_ytd", "신규 입주기업 수(연초 이후)", "New residents (year to date)", Unit.COUNT, _C,
        "1월 1일부터 기간 말일까지 입주한 입주 계약 수(연간 '기업 유치' 목표와 비교).",
        "Tenancies that moved in from 1 January to the period end (read against the year's companies-attracted target).",
        year_to_date(new_residents),
    ),
    KpiDefinition(
        "mous_office_opened_ytd", "사무소 개소 MOU 수(연초 이후)", "MOUs with an office opened (year to date)", Unit.COUNT, _M,
        "기간 말일까지 개소 MOU 수 - 전년 말일까지 개소 MOU 수.",
        "MOUs with an office opened by the period end minus those opened by the end of the previous year.",
        gain_in_year(mous_office_opened),
    ),
    KpiDefinition(
        "mou_jobs_created_ytd", "MOU 실제 일자리 창출(연초 이후)", "Jobs actually created (MOUs, year to date)", Unit.COUNT, _M,
        "기간 말일까지 창출 일자리 - 전년 말일까지 창출 일자리.",
        "Jobs created by the period end minus those created by the end of the previous year.",
        gain_in_year(mou_jobs_created),
    ),
    KpiDefinition(
        "mou_investment_made_ytd_krw", "MOU 실제 투자액(연초 이후)", "Investment actually made (MOUs, year to date)", Unit.KRW, _M,
        "기간 말일까지 실제 투자액 - 전년 말일까지 실제 투자액(원).",
        "Investment made by the period end minus that made by the end of the previous year (KRW).",
        gain_in_year(mou_investment_made),
    ),
    KpiDefinition(
        "fund_invested_ytd_krw", "펀드 투자 집행액(연초 이후)", "Fund invested (year to date)", Unit.KRW, _F,
        "1월 1일부터 기간 말일까지의 투자 집행액(원).",
        "Investments made from 1 January to the period end (KRW).",
        gain_in_year(fund_invested),
    ),
    KpiDefinition(
        "training_enrolled_ytd", "교육 등록 인원(연초 이후)", "Trainees enrolled (year to date)", Unit.COUNT, _T,
        "등록일이 1월 1일부터 기간 말일 사이인 수강 수.",
        "Enrolments dated from 1 January to the period end.",
        year_to_date(trainees_enrolled),
    ),
    KpiDefinition(
        "training_employed_ytd", "취업 인원(연초 이후)", "Trainees employed (year to date)", Unit.COUNT, _T,
        "취업일이 1월 1일부터 기간 말일 사이인 수강 수.",
        "Employed enrolments with an employment date from 1 January to the period end.",
        year_to_date(trainees_employed),
    ),
    KpiDefinition(
        "compute_gpu_hours_ytd", "GPU 배정 시간(연초 이후)", "GPU hours allocated (year to date)", Unit.GPU_HOURS, _G,
        "시작일이 1월 1일부터 기간 말일 사이인 배정의 GPU 시간 합계.",
        "GPU hours of allocations starting from 1 January to the period end.",
        year_to_date(gpu_hours),
    ),
)  # fmt: skip

KPI_BY_CODE: dict[str, KpiDefinition] = {kpi.code: kpi for kpi in KPIS}


class TargetBasis(StrEnum):
    """How a yearly target is read: the level reached at the period end, or what the year has delivered so far
    (a flow counted from 1 January; a to-date figure's growth since the end of the previous year)."""

    LEVEL = "level"
    YEAR_TO_DATE = "year_to_date"


# The measure whose yearly ZoneTarget a KPI is read against. A quarter's report reads the year's target against
# the year-to-date figure, so a Q3 report shows how far the year has come, not a quarter against a whole year.
TARGET_MEASURES: dict[str, tuple[str, TargetBasis]] = {
    "companies_residents": (ZoneTarget.Measure.RESIDENT_COMPANIES, TargetBasis.LEVEL),
    "companies_new_residents_ytd": (ZoneTarget.Measure.COMPANIES_ATTRACTED, TargetBasis.YEAR_TO_DATE),
    "mous_office_opened_ytd": (ZoneTarget.Measure.MOU_OFFICES_OPENED, TargetBasis.YEAR_TO_DATE),
    "mou_jobs_created_ytd": (ZoneTarget.Measure.JOBS_CREATED, TargetBasis.YEAR_TO_DATE),
    "mou_investment_made_ytd_krw": (ZoneTarget.Measure.INVESTMENT_KRW, TargetBasis.YEAR_TO_DATE),
    "fund_invested_ytd_krw": (ZoneTarget.Measure.FUND_INVESTED_KRW, TargetBasis.YEAR_TO_DATE),
    "training_enrolled_ytd": (ZoneTarget.Measure.TRAINEES, TargetBasis.YEAR_TO_DATE),
    "training_employed_ytd": (ZoneTarget.Measure.TRAINEES_EMPLOYED, TargetBasis.YEAR_TO_DATE),
    "compute_gpu_hours_ytd": (ZoneTarget.Measure.GPU_HOURS, TargetBasis.YEAR_TO_DATE),
}


def compute_all(
    zone: Zone, period_start: dt.date, period_end: dt.date, *, as_of: dt.datetime | None = None
) -> dict[str, Number]:
    """Every measure of the catalogue for one zone and period: a fixed number of queries, whatever the rows.

    With `as_of`, the figures the records gave at that moment, read from their change history."""
    frame = Frame(zone, period_start, period_end, as_of)
    return {kpi.code: kpi.compute(frame) for kpi in KPIS}
