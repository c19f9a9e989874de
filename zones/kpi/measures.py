"""How each KPI is computed: one aggregate query per measure over a `Frame`.

Announcements are not outcomes: MOU measures count offices actually opened, jobs actually created and money
actually invested (commitments' actual values), beside what was promised.

Each compute function takes a `Frame` (zone, period start and end — dates of the Asia/Seoul calendar, the end
inclusive — and optionally a moment to read the records "as of") and runs one aggregate query in the
database (a rate runs two). Stock measures ("to date", "at period end") count what stood on the period's
last day; flow measures count what happened within it.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from companies.models import Mou, MouCommitment, Tenancy
from programs.models import (
    Application,
    Call,
    Cohort,
    ComputeAllocation,
    Enrolment,
    Fund,
    FundCommitment,
    Investment,
    Program,
    TrainingProgram,
)
from zones.models import ExemptionGrant, ExemptionIncident, SpecialCase, Zone

SEOUL = ZoneInfo("Asia/Seoul")

Number = int | float | None


@dataclass(frozen=True)
class Frame:
    """What a measure is computed over: one zone, one period (Asia/Seoul dates, end inclusive) and, when
    `as_of` is set, the records as they stood at that moment, read from their change history.

    Every measure reads its tables through `rows()`, and reaches related tables through `__in` subqueries of
    `rows()` rather than joins, so a recompute "as of" a snapshot's time reads the related records as they
    stood then too (a call later moved, an MOU later archived)."""

    zone: Zone
    start: dt.date
    end: dt.date
    as_of: dt.datetime | None = None

    def rows(self, model: type[Model]) -> QuerySet:
        if self.as_of is None:
            return model._default_manager.all()
        return model.history.as_of(self.as_of)

    def ids(self, model: type[Model], **filters) -> QuerySet:
        return self.rows(model).filter(**filters).values("id")


ComputeFn = Callable[[Frame], Number]


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


def _tenancies(f: Frame) -> QuerySet:
    return f.rows(Tenancy).filter(zone_id=f.zone.pk, archived_at__isnull=True)


def residents(f: Frame) -> int:
    # Moved in by the period end and had not graduated or left by then. An applicant never moved in; a
    # membership company holds no space in the zone (it is counted by its own measure).
    return (
        _tenancies(f)
        .filter(
            Q(moved_in_on__lte=f.end),
            ~Q(status__in=[Tenancy.Status.APPLICANT, Tenancy.Status.MEMBERSHIP]),
            Q(graduated_on__isnull=True) | Q(graduated_on__gt=f.end),
            Q(ended_on__isnull=True) | Q(ended_on__gt=f.end),
        )
        .aggregate(value=Count("pk"))["value"]
    )


def graduates(f: Frame) -> int:
    return _tenancies(f).filter(graduated_on__lte=f.end).aggregate(value=Count("pk"))["value"]


def membership(f: Frame) -> int:
    return _tenancies(f).filter(status=Tenancy.Status.MEMBERSHIP).aggregate(value=Count("pk"))["value"]


def exits(f: Frame) -> int:
    return (
        _tenancies(f)
        .filter(status=Tenancy.Status.EXITED, ended_on__range=(f.start, f.end))
        .aggregate(value=Count("pk"))["value"]
    )


def new_residents(f: Frame) -> int:
    return _tenancies(f).filter(moved_in_on__range=(f.start, f.end)).aggregate(value=Count("pk"))["value"]


# --- MOUs -------------------------------------------------------------------------------------------------


def _mous(f: Frame) -> QuerySet:
    return f.rows(Mou).filter(zone_id=f.zone.pk, archived_at__isnull=True, signed_on__lte=f.end)


def _commitments(f: Frame, kind: str) -> QuerySet:
    return f.rows(MouCommitment).filter(kind=kind, mou_id__in=_mous(f).values("id"))


def mous_signed(f: Frame) -> int:
    return _mous(f).aggregate(value=Count("pk"))["value"]


def mous_office_opened(f: Frame) -> int:
    return (
        _commitments(f, MouCommitment.Kind.OFFICE_OPENING)
        .filter(actual_value__gte=1, actual_on__lte=f.end)
        .aggregate(value=Count("mou_id", distinct=True))["value"]
    )


def mous_conversion_rate(f: Frame) -> float | None:
    return _percent(mous_office_opened(f), mous_signed(f))


def mou_jobs_promised(f: Frame) -> int:
    return _one(_commitments(f, MouCommitment.Kind.JOBS), Sum("promised_value"))


def mou_jobs_created(f: Frame) -> int:
    return _one(_commitments(f, MouCommitment.Kind.JOBS).filter(actual_on__lte=f.end), Sum("actual_value"))


def mou_investment_promised(f: Frame) -> int:
    return _one(_commitments(f, MouCommitment.Kind.INVESTMENT), Sum("promised_value"))


def mou_investment_made(f: Frame) -> int:
    return _one(_commitments(f, MouCommitment.Kind.INVESTMENT).filter(actual_on__lte=f.end), Sum("actual_value"))


# --- programs ---------------------------------------------------------------------------------------------


def _applications(f: Frame) -> QuerySet:
    calls = f.ids(Call, program_id__in=f.ids(Program, zone_id=f.zone.pk))
    return f.rows(Application).filter(call_id__in=calls, archived_at__isnull=True)


def applications_submitted(f: Frame) -> int:
    lower, upper = _bounds(f.start, f.end)
    return (
        _applications(f).filter(submitted_at__gte=lower, submitted_at__lt=upper).aggregate(value=Count("pk"))["value"]
    )


def _awarded(f: Frame) -> QuerySet:
    lower, upper = _bounds(f.start, f.end)
    return _applications(f).filter(status__in=Application.AWARDED_STATUSES, decided_at__gte=lower, decided_at__lt=upper)


def awards(f: Frame) -> int:
    return _awarded(f).aggregate(value=Count("pk"))["value"]


def competition_ratio(f: Frame) -> float | None:
    awarded = awards(f)
    if not awarded:
        return None
    return round(applications_submitted(f) / awarded, 2)


def amount_awarded(f: Frame) -> int:
    return _one(_awarded(f), Sum("requested_amount_krw"))


# --- funds ------------------------------------------------------------------------------------------------


def _funds(f: Frame) -> QuerySet:
    return f.ids(Fund, zone_id=f.zone.pk)


def _investments(f: Frame) -> QuerySet:
    return f.rows(Investment).filter(fund_id__in=_funds(f), archived_at__isnull=True, invested_on__lte=f.end)


def fund_committed(f: Frame) -> int:
    return _one(f.rows(FundCommitment).filter(fund_id__in=_funds(f), committed_on__lte=f.end), Sum("amount_krw"))


def fund_invested(f: Frame) -> int:
    return _one(_investments(f), Sum("amount_krw"))


def fund_remaining(f: Frame) -> int:
    size = _one(f.rows(Fund).filter(zone_id=f.zone.pk, archived_at__isnull=True), Sum("size_krw"))
    return size - fund_invested(f)


def fund_investees(f: Frame) -> int:
    return _investments(f).aggregate(value=Count("company_id", distinct=True))["value"]


# --- compute ----------------------------------------------------------------------------------------------


def _allocations(f: Frame) -> QuerySet:
    return (
        f.rows(ComputeAllocation)
        .filter(zone_id=f.zone.pk, archived_at__isnull=True, starts_on__range=(f.start, f.end))
        .exclude(status=ComputeAllocation.Status.CANCELLED)
    )


def gpu_hours(f: Frame) -> int:
    return _one(_allocations(f), Sum("gpu_hours"))


def compute_companies(f: Frame) -> int:
    return _allocations(f).aggregate(value=Count("company_id", distinct=True))["value"]


def compute_value(f: Frame) -> int:
    return _one(_allocations(f), Sum("value_krw"))


# --- training ---------------------------------------------------------------------------------------------


def _cohorts(f: Frame, **filters) -> QuerySet:
    return f.ids(Cohort, training_program_id__in=f.ids(TrainingProgram, zone_id=f.zone.pk), **filters)


def _enrolments(f: Frame, **cohort_filters) -> QuerySet:
    return f.rows(Enrolment).filter(cohort_id__in=_cohorts(f, **cohort_filters), archived_at__isnull=True)


def trainees_enrolled(f: Frame) -> int:
    return (
        _enrolments(f)
        .filter(enrolled_on__range=(f.start, f.end))
        .exclude(status=Enrolment.Status.APPLIED)
        .aggregate(value=Count("pk"))["value"]
    )


def trainees_completed(f: Frame) -> int:
    return (
        _enrolments(f)
        .filter(status__in=Enrolment.COMPLETED_STATUSES, completed_on__range=(f.start, f.end))
        .aggregate(value=Count("pk"))["value"]
    )


def completion_rate(f: Frame) -> float | None:
    figures = (
        _enrolments(f, ends_on__range=(f.start, f.end))
        .filter(enrolled_on__isnull=False)
        .exclude(status=Enrolment.Status.APPLIED)
        .aggregate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(status__in=Enrolment.COMPLETED_STATUSES)),
        )
    )
    return _percent(figures["completed"], figures["enrolled"])


def trainees_employed(f: Frame) -> int:
    return (
        _enrolments(f)
        .filter(status=Enrolment.Status.EMPLOYED, employed_on__range=(f.start, f.end))
        .aggregate(value=Count("pk"))["value"]
    )


def employment_rate(f: Frame) -> float | None:
    figures = (
        _enrolments(f)
        .filter(status__in=Enrolment.COMPLETED_STATUSES, completed_on__lte=f.end)
        .aggregate(
            completed=Count("pk"),
            employed=Count("pk", filter=Q(status=Enrolment.Status.EMPLOYED, employed_on__lte=f.end)),
        )
    )
    return _percent(figures["employed"], figures["completed"])


def hired_by_zone_companies(f: Frame) -> int:
    in_zone = _tenancies(f).filter(company_id=OuterRef("employed_by_id"))
    return (
        _enrolments(f)
        .filter(status=Enrolment.Status.EMPLOYED, employed_on__range=(f.start, f.end))
        .filter(Exists(in_zone))
        .aggregate(value=Count("pk"))["value"]
    )


# --- exemptions -------------------------------------------------------------------------------------------


def special_cases_in_force(f: Frame) -> int:
    return (
        f.rows(SpecialCase)
        .filter(zone_id=f.zone.pk, archived_at__isnull=True)
        .filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=f.end),
            Q(valid_until__isnull=True) | Q(valid_until__gte=f.end),
        )
        .aggregate(value=Count("pk"))["value"]
    )


def grants_active(f: Frame) -> int:
    return (
        f.rows(ExemptionGrant)
        .filter(
            special_case_id__in=f.ids(SpecialCase, zone_id=f.zone.pk),
            archived_at__isnull=True,
            status__in=ExemptionGrant.IN_FORCE_STATUSES,
        )
        .filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=f.end),
            Q(ends_on__isnull=True) | Q(ends_on__gte=f.end),
        )
        .aggregate(value=Count("pk"))["value"]
    )


def incidents(f: Frame) -> int:
    lower, upper = _bounds(f.start, f.end)
    grants = f.ids(ExemptionGrant, special_case_id__in=f.ids(SpecialCase, zone_id=f.zone.pk))
    return (
        f.rows(ExemptionIncident)
        .filter(grant_id__in=grants, occurred_at__gte=lower, occurred_at__lt=upper)
        .aggregate(value=Count("pk"))["value"]
    )


def year_to_date(measure: ComputeFn) -> ComputeFn:
    """A flow measure counted from 1 January of the period end's year to the period end."""

    def compute(f: Frame) -> Number:
        return measure(replace(f, start=dt.date(f.end.year, 1, 1)))

    return compute


def gain_in_year(measure: ComputeFn) -> ComputeFn:
    """A to-date measure's growth from the end of the previous year to the period end."""

    def compute(f: Frame) -> Number:
        return measure(f) - measure(replace(f, end=dt.date(f.end.year - 1, 12, 31)))

    return compute
