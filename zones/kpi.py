"""The KPI catalogue: every measure a zone reports, what it counts, and how it is computed.

Announcements are not outcomes: MOU measures count offices actually opened, jobs actually created and money
actually invested (commitments' actual values), beside what was promised.

Each compute function takes (zone, period_start, period_end) — dates of the Asia/Seoul calendar, the end
inclusive — and runs one aggregate query in the database (a rate runs two). Stock measures ("to date", "at
period end") count what stood on the period's last day; flow measures count what happened within it.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from companies.models import Mou, MouCommitment, Tenancy
from programs.models import Application, ComputeAllocation, Enrolment, Fund, FundCommitment, Investment
from zones.models import ExemptionGrant, ExemptionIncident, SpecialCase, Zone, ZoneTarget

SEOUL = ZoneInfo("Asia/Seoul")

Number = int | float | None
ComputeFn = Callable[[Zone, dt.date, dt.date], Number]


class Unit:
    COUNT = "count"
    KRW = "KRW"
    PERCENT = "percent"
    GPU_HOURS = "GPU hours"
    RATIO = "ratio"


class Pillar:
    COMPANIES = "companies"
    MOUS = "mous"
    PROGRAMS = "programs"
    FUNDS = "funds"
    COMPUTE = "compute"
    TRAINING = "training"
    EXEMPTIONS = "exemptions"


@dataclass(frozen=True)
class KpiDefinition:
    code: str
    name_ko: str
    name_en: str
    unit: str
    pillar: str
    description_ko: str
    description_en: str
    compute: ComputeFn


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in Asia/Seoul, for datetime columns."""
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=SEOUL),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=SEOUL),
    )


def _one(queryset: QuerySet, aggregate) -> int:
    return queryset.aggregate(value=Coalesce(aggregate, 0))["value"]


def _percent(part: Number, whole: Number) -> float | None:
    if part is None or not whole:
        return None
    return round(part * 100 / whole, 2)


# --- companies -------------------------------------------------------------------------------------------


def _tenancies(zone: Zone) -> QuerySet:
    return Tenancy.objects.filter(zone=zone, archived_at__isnull=True)


def residents(zone, start, end):
    # Moved in by the period end and had not graduated or left by then. An applicant never moved in; a
    # membership company holds no space in the zone (it is counted by its own measure).
    return (
        _tenancies(zone)
        .filter(
            Q(moved_in_on__lte=end),
            ~Q(status__in=[Tenancy.Status.APPLICANT, Tenancy.Status.MEMBERSHIP]),
            Q(graduated_on__isnull=True) | Q(graduated_on__gt=end),
            Q(ended_on__isnull=True) | Q(ended_on__gt=end),
        )
        .aggregate(value=Count("pk"))["value"]
    )


def graduates(zone, start, end):
    return _tenancies(zone).filter(graduated_on__lte=end).aggregate(value=Count("pk"))["value"]


def membership(zone, start, end):
    return _tenancies(zone).filter(status=Tenancy.Status.MEMBERSHIP).aggregate(value=Count("pk"))["value"]


def exits(zone, start, end):
    return (
        _tenancies(zone)
        .filter(status=Tenancy.Status.EXITED, ended_on__range=(start, end))
        .aggregate(value=Count("pk"))["value"]
    )


def new_residents(zone, start, end):
    return _tenancies(zone).filter(moved_in_on__range=(start, end)).aggregate(value=Count("pk"))["value"]


# --- MOUs -------------------------------------------------------------------------------------------------


def _mous(zone: Zone, end: dt.date) -> QuerySet:
    return Mou.objects.filter(zone=zone, archived_at__isnull=True, signed_on__lte=end)


def _commitments(zone: Zone, end: dt.date, kind: str) -> QuerySet:
    return MouCommitment.objects.filter(
        mou__zone=zone, mou__archived_at__isnull=True, mou__signed_on__lte=end, kind=kind
    )


def mous_signed(zone, start, end):
    return _mous(zone, end).aggregate(value=Count("pk"))["value"]


def mous_office_opened(zone, start, end):
    return (
        _commitments(zone, end, MouCommitment.Kind.OFFICE_OPENING)
        .filter(actual_value__gte=1, actual_on__lte=end)
        .aggregate(value=Count("mou", distinct=True))["value"]
    )


def mous_conversion_rate(zone, start, end):
    return _percent(mous_office_opened(zone, start, end), mous_signed(zone, start, end))


def mou_jobs_promised(zone, start, end):
    return _one(_commitments(zone, end, MouCommitment.Kind.JOBS), Sum("promised_value"))


def mou_jobs_created(zone, start, end):
    return _one(_commitments(zone, end, MouCommitment.Kind.JOBS).filter(actual_on__lte=end), Sum("actual_value"))


def mou_investment_promised(zone, start, end):
    return _one(_commitments(zone, end, MouCommitment.Kind.INVESTMENT), Sum("promised_value"))


def mou_investment_made(zone, start, end):
    return _one(_commitments(zone, end, MouCommitment.Kind.INVESTMENT).filter(actual_on__lte=end), Sum("actual_value"))


# --- programs ---------------------------------------------------------------------------------------------


def _applications(zone: Zone) -> QuerySet:
    return Application.objects.filter(call__program__zone=zone, archived_at__isnull=True)


def applications_submitted(zone, start, end):
    lower, upper = _bounds(start, end)
    return (
        _applications(zone)
        .filter(submitted_at__gte=lower, submitted_at__lt=upper)
        .aggregate(value=Count("pk"))["value"]
    )


def _awarded(zone: Zone, start: dt.date, end: dt.date) -> QuerySet:
    lower, upper = _bounds(start, end)
    return _applications(zone).filter(
        status__in=Application.AWARDED_STATUSES, decided_at__gte=lower, decided_at__lt=upper
    )


def awards(zone, start, end):
    return _awarded(zone, start, end).aggregate(value=Count("pk"))["value"]


def competition_ratio(zone, start, end):
    awarded = awards(zone, start, end)
    if not awarded:
        return None
    return round(applications_submitted(zone, start, end) / awarded, 2)


def amount_awarded(zone, start, end):
    return _one(_awarded(zone, start, end), Sum("requested_amount_krw"))


# --- funds ------------------------------------------------------------------------------------------------


def _investments(zone: Zone, end: dt.date) -> QuerySet:
    return Investment.objects.filter(fund__zone=zone, archived_at__isnull=True, invested_on__lte=end)


def fund_committed(zone, start, end):
    return _one(FundCommitment.objects.filter(fund__zone=zone, committed_on__lte=end), Sum("amount_krw"))


def fund_invested(zone, start, end):
    return _one(_investments(zone, end), Sum("amount_krw"))


def fund_remaining(zone, start, end):
    size = _one(Fund.objects.filter(zone=zone, archived_at__isnull=True), Sum("size_krw"))
    return size - fund_invested(zone, start, end)


def fund_investees(zone, start, end):
    return _investments(zone, end).aggregate(value=Count("company", distinct=True))["value"]


# --- compute ----------------------------------------------------------------------------------------------


def _allocations(zone: Zone, start: dt.date, end: dt.date) -> QuerySet:
    return ComputeAllocation.objects.filter(zone=zone, archived_at__isnull=True, starts_on__range=(start, end)).exclude(
        status=ComputeAllocation.Status.CANCELLED
    )


def gpu_hours(zone, start, end):
    return _one(_allocations(zone, start, end), Sum("gpu_hours"))


def compute_companies(zone, start, end):
    return _allocations(zone, start, end).aggregate(value=Count("company", distinct=True))["value"]


def compute_value(zone, start, end):
    return _one(_allocations(zone, start, end), Sum("value_krw"))


# --- training ---------------------------------------------------------------------------------------------


def _enrolments(zone: Zone) -> QuerySet:
    return Enrolment.objects.filter(cohort__training_program__zone=zone, archived_at__isnull=True)


def trainees_enrolled(zone, start, end):
    return (
        _enrolments(zone)
        .filter(enrolled_on__range=(start, end))
        .exclude(status=Enrolment.Status.APPLIED)
        .aggregate(value=Count("pk"))["value"]
    )


def trainees_completed(zone, start, end):
    return (
        _enrolments(zone)
        .filter(status__in=Enrolment.COMPLETED_STATUSES, completed_on__range=(start, end))
        .aggregate(value=Count("pk"))["value"]
    )


def completion_rate(zone, start, end):
    figures = (
        _enrolments(zone)
        .filter(cohort__ends_on__range=(start, end), enrolled_on__isnull=False)
        .exclude(status=Enrolment.Status.APPLIED)
        .aggregate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(status__in=Enrolment.COMPLETED_STATUSES)),
        )
    )
    return _percent(figures["completed"], figures["enrolled"])


def trainees_employed(zone, start, end):
    return (
        _enrolments(zone)
        .filter(status=Enrolment.Status.EMPLOYED, employed_on__range=(start, end))
        .aggregate(value=Count("pk"))["value"]
    )


def employment_rate(zone, start, end):
    figures = (
        _enrolments(zone)
        .filter(status__in=Enrolment.COMPLETED_STATUSES, completed_on__lte=end)
        .aggregate(
            completed=Count("pk"),
            employed=Count("pk", filter=Q(status=Enrolment.Status.EMPLOYED, employed_on__lte=end)),
        )
    )
    return _percent(figures["employed"], figures["completed"])


def hired_by_zone_companies(zone, start, end):
    in_zone = Tenancy.objects.filter(company=OuterRef("employed_by"), zone=zone, archived_at__isnull=True)
    return (
        _enrolments(zone)
        .filter(status=Enrolment.Status.EMPLOYED, employed_on__range=(start, end))
        .filter(Exists(in_zone))
        .aggregate(value=Count("pk"))["value"]
    )


# --- exemptions -------------------------------------------------------------------------------------------


def special_cases_in_force(zone, start, end):
    return (
        SpecialCase.objects.filter(zone=zone, archived_at__isnull=True)
        .filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=end), Q(valid_until__isnull=True) | Q(valid_until__gte=end)
        )
        .aggregate(value=Count("pk"))["value"]
    )


def grants_active(zone, start, end):
    return (
        ExemptionGrant.objects.filter(
            special_case__zone=zone, archived_at__isnull=True, status__in=ExemptionGrant.IN_FORCE_STATUSES
        )
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=end), Q(ends_on__isnull=True) | Q(ends_on__gte=end))
        .aggregate(value=Count("pk"))["value"]
    )


def incidents(zone, start, end):
    lower, upper = _bounds(start, end)
    return ExemptionIncident.objects.filter(
        grant__special_case__zone=zone, occurred_at__gte=lower, occurred_at__lt=upper
    ).aggregate(value=Count("pk"))["value"]


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
)  # fmt: skip

KPI_BY_CODE: dict[str, KpiDefinition] = {kpi.code: kpi for kpi in KPIS}

# The measure whose yearly ZoneTarget a KPI is read against.
TARGET_MEASURES: dict[str, str] = {
    "companies_residents": ZoneTarget.Measure.RESIDENT_COMPANIES,
    "companies_new_residents": ZoneTarget.Measure.COMPANIES_ATTRACTED,
    "mou_jobs_created": ZoneTarget.Measure.JOBS_CREATED,
    "mou_investment_made_krw": ZoneTarget.Measure.INVESTMENT_KRW,
    "mous_office_opened": ZoneTarget.Measure.MOU_OFFICES_OPENED,
    "training_enrolled": ZoneTarget.Measure.TRAINEES,
    "training_employed": ZoneTarget.Measure.TRAINEES_EMPLOYED,
    "compute_gpu_hours": ZoneTarget.Measure.GPU_HOURS,
    "fund_invested_krw": ZoneTarget.Measure.FUND_INVESTED_KRW,
}


def compute_all(zone: Zone, period_start: dt.date, period_end: dt.date) -> dict[str, Number]:
    """Every measure of the catalogue for one zone and period: a fixed number of queries, whatever the rows."""
    return {kpi.code: kpi.compute(zone, period_start, period_end) for kpi in KPIS}
