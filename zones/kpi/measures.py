"""How each KPI is computed: aggregate queries over a `Frame`.

Announcements are not outcomes: MOU measures count offices actually opened, jobs actually created and money
actually invested (commitments' actual values), beside what was promised.

Each compute function takes a `Frame` (zone, period start and end — dates of the Asia/Seoul calendar, the end
inclusive — and optionally a moment to read the records "as of") and aggregates in the database. Measures
that read the same rows share one query with a filtered aggregate each, run once per frame (`_shared`): the
MOU commitments' figures, the applications', the investments' and the compute allocations'. Stock measures
("to date", "at period end") count what stood on the period's last day; flow measures count what happened
within it.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
    stood then too (a call later moved, an MOU later archived). The one exception reads live records only: the
    MOU commitments join their MOU when `as_of` is not set (`_commitment_figures`)."""

    zone: Zone
    start: dt.date
    end: dt.date
    as_of: dt.datetime | None = None
    # Figures several measures read from one query (`_shared`); the frames `replace` derives keep the same dict.
    shared: dict = field(default_factory=dict, compare=False, repr=False)

    def rows(self, model: type[Model]) -> QuerySet:
        if self.as_of is None:
            return model._default_manager.all()
        return model.history.as_of(self.as_of)

    def ids(self, model: type[Model], **filters) -> QuerySet:
        return self.rows(model).filter(**filters).values("id")


ComputeFn = Callable[[Frame], Number]


def _shared(f: Frame, key: tuple, compute: Callable[[], dict[tuple, dict[str, int]]]) -> dict[str, int]:
    """The figures under `key`, computed once per frame: `compute` returns figures by key (one query may give
    those of several keys, e.g. at the period end and at the end of the previous year)."""
    scope = (f.zone.pk, f.as_of)
    if (scope, key) not in f.shared:
        for computed_key, figures in compute().items():
            f.shared[(scope, computed_key)] = figures
    return f.shared[(scope, key)]


def _last_year_end(day: dt.date) -> dt.date:
    return dt.date(day.year - 1, 12, 31)


def _year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1, 1)


def _split(values: dict[str, int], keys: dict[str, tuple]) -> dict[tuple, dict[str, int]]:
    """One query's aggregates as figures by key: `name@tag` goes to the key of `tag`, a plain name to every key."""
    common = {name: value for name, value in values.items() if "@" not in name}
    return {
        key: common | {name.split("@")[0]: value for name, value in values.items() if name.endswith(f"@{tag}")}
        for tag, key in keys.items()
    }


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


def _tenancy_figures(f: Frame) -> dict[str, int]:
    """The zone's tenancies in one pass: the levels at the period end, and the moves within the period and
    within the year to the period end (what `year_to_date` reads)."""
    key = ("tenancies", f.start, f.end)

    def compute():
        end = f.end
        windows = {"period": (f.start, end), "year": (_year_start(end), end)}
        aggregates = {
            # Moved in by the period end and had not graduated or left by then. An applicant never moved in; a
            # membership company holds no space in the zone (it is counted by its own measure).
            "residents": Count(
                "pk",
                filter=Q(moved_in_on__lte=end)
                & ~Q(status__in=[Tenancy.Status.APPLICANT, Tenancy.Status.MEMBERSHIP])
                & (Q(graduated_on__isnull=True) | Q(graduated_on__gt=end))
                & (Q(ended_on__isnull=True) | Q(ended_on__gt=end)),
            ),
            "graduates": Count("pk", filter=Q(graduated_on__lte=end)),
            "membership": Count("pk", filter=Q(status=Tenancy.Status.MEMBERSHIP)),
        }
        for tag, days in windows.items():
            aggregates[f"exits@{tag}"] = Count("pk", filter=Q(status=Tenancy.Status.EXITED, ended_on__range=days))
            aggregates[f"new_residents@{tag}"] = Count("pk", filter=Q(moved_in_on__range=days))
        values = _tenancies(f).aggregate(**aggregates)
        return _split(values, {tag: ("tenancies", *days) for tag, days in windows.items()})

    return _shared(f, key, compute)


def residents(f: Frame) -> int:
    return _tenancy_figures(f)["residents"]


def graduates(f: Frame) -> int:
    return _tenancy_figures(f)["graduates"]


def membership(f: Frame) -> int:
    return _tenancy_figures(f)["membership"]


def exits(f: Frame) -> int:
    return _tenancy_figures(f)["exits"]


def new_residents(f: Frame) -> int:
    return _tenancy_figures(f)["new_residents"]


# --- MOUs -------------------------------------------------------------------------------------------------


def _signed(f: Frame, day: dt.date, via: str = "") -> Q:
    """The zone's MOUs signed by `day` and not archived (`via`: the path to the MOU, e.g. "mou__")."""
    return Q(**{f"{via}zone_id": f.zone.pk, f"{via}archived_at__isnull": True, f"{via}signed_on__lte": day})


def _mous(f: Frame) -> QuerySet:
    return f.rows(Mou).filter(_signed(f, f.end))


def _commitment_aggregates(scope: Q, day: dt.date) -> dict:
    """What the MOU measures read from commitments, as of `day`, among the commitments `scope` selects."""
    kind = MouCommitment.Kind
    delivered = Q(actual_on__lte=day)
    return {
        "offices": Count(
            "mou_id", distinct=True, filter=scope & delivered & Q(kind=kind.OFFICE_OPENING, actual_value__gte=1)
        ),
        "jobs_promised": Coalesce(Sum("promised_value", filter=scope & Q(kind=kind.JOBS)), 0),
        "jobs_created": Coalesce(Sum("actual_value", filter=scope & delivered & Q(kind=kind.JOBS)), 0),
        "investment_promised": Coalesce(Sum("promised_value", filter=scope & Q(kind=kind.INVESTMENT)), 0),
        "investment_made": Coalesce(Sum("actual_value", filter=scope & delivered & Q(kind=kind.INVESTMENT)), 0),
    }


def _commitment_figures(f: Frame) -> dict[str, int]:
    """The commitments of the MOUs signed by the period end, in one pass: their figures at the period end, and
    those of the MOUs signed by the end of the previous year at that day (what `gain_in_year` subtracts).

    Live, the commitments join their MOU, so "signed by the end of the previous year" is a test of a joined
    column; as of a moment, the MOUs are read from their history through subqueries (a join would read the
    MOUs as they are now)."""

    def compute():
        before = _last_year_end(f.end)
        if f.as_of is None:
            rows = f.rows(MouCommitment).filter(_signed(f, f.end, via="mou__"))
            earlier = Q(mou__signed_on__lte=before)
        else:
            rows = f.rows(MouCommitment).filter(mou_id__in=_mous(f).values("id"))
            earlier = Q(mou_id__in=_mous(replace(f, end=before)).values("id"))
        aggregates = {f"{name}@end": value for name, value in _commitment_aggregates(Q(), f.end).items()}
        aggregates |= {f"{name}@before": value for name, value in _commitment_aggregates(earlier, before).items()}
        return _split(rows.aggregate(**aggregates), {"end": ("commitments", f.end), "before": ("commitments", before)})

    return _shared(f, ("commitments", f.end), compute)


def mous_signed(f: Frame) -> int:
    key = ("mous", f.end)
    return _shared(f, key, lambda: {key: _mous(f).aggregate(value=Count("*"))})["value"]


def mous_office_opened(f: Frame) -> int:
    return _commitment_figures(f)["offices"]


def mous_conversion_rate(f: Frame) -> float | None:
    return _percent(mous_office_opened(f), mous_signed(f))


def mou_jobs_promised(f: Frame) -> int:
    return _commitment_figures(f)["jobs_promised"]


def mou_jobs_created(f: Frame) -> int:
    return _commitment_figures(f)["jobs_created"]


def mou_investment_promised(f: Frame) -> int:
    return _commitment_figures(f)["investment_promised"]


def mou_investment_made(f: Frame) -> int:
    return _commitment_figures(f)["investment_made"]


# --- programs ---------------------------------------------------------------------------------------------


def _applications(f: Frame) -> QuerySet:
    calls = f.ids(Call, program_id__in=f.ids(Program, zone_id=f.zone.pk))
    return f.rows(Application).filter(call_id__in=calls, archived_at__isnull=True)


def applications_submitted(f: Frame) -> int:
    key = ("submitted", f.start, f.end)
    lower, upper = _bounds(f.start, f.end)
    submitted = _applications(f).filter(submitted_at__gte=lower, submitted_at__lt=upper)
    return _shared(f, key, lambda: {key: submitted.aggregate(value=Count("*"))})["value"]


def _awarded_figures(f: Frame) -> dict[str, int]:
    """The applications awarded in the period (an awarded status, decided within it) and their amount."""
    key = ("awarded", f.start, f.end)

    def compute():
        lower, upper = _bounds(f.start, f.end)
        awarded = _applications(f).filter(
            status__in=Application.AWARDED_STATUSES, decided_at__gte=lower, decided_at__lt=upper
        )
        return {key: awarded.aggregate(awards=Count("*"), amount=Coalesce(Sum("requested_amount_krw"), 0))}

    return _shared(f, key, compute)


def awards(f: Frame) -> int:
    return _awarded_figures(f)["awards"]


def competition_ratio(f: Frame) -> float | None:
    awarded = awards(f)
    if not awarded:
        return None
    return round(applications_submitted(f) / awarded, 2)


def amount_awarded(f: Frame) -> int:
    return _awarded_figures(f)["amount"]


# --- funds ------------------------------------------------------------------------------------------------


def _funds(f: Frame) -> QuerySet:
    return f.ids(Fund, zone_id=f.zone.pk)


def _investment_figures(f: Frame) -> dict[str, int]:
    """Investments made by the period end, and by the end of the previous year, in one query."""

    def compute():
        before = _last_year_end(f.end)
        by_before = Q(invested_on__lte=before)
        values = (
            f.rows(Investment)
            .filter(fund_id__in=_funds(f), archived_at__isnull=True, invested_on__lte=f.end)
            .aggregate(
                **{
                    "invested@end": Coalesce(Sum("amount_krw"), 0),
                    "investees@end": Count("company_id", distinct=True),
                    "invested@before": Coalesce(Sum("amount_krw", filter=by_before), 0),
                    "investees@before": Count("company_id", distinct=True, filter=by_before),
                }
            )
        )
        return _split(values, {"end": ("investments", f.end), "before": ("investments", before)})

    return _shared(f, ("investments", f.end), compute)


def fund_committed(f: Frame) -> int:
    return _one(f.rows(FundCommitment).filter(fund_id__in=_funds(f), committed_on__lte=f.end), Sum("amount_krw"))


def fund_invested(f: Frame) -> int:
    return _investment_figures(f)["invested"]


def fund_remaining(f: Frame) -> int:
    size = _one(f.rows(Fund).filter(zone_id=f.zone.pk, archived_at__isnull=True), Sum("size_krw"))
    return size - fund_invested(f)


def fund_investees(f: Frame) -> int:
    return _investment_figures(f)["investees"]


# --- compute ----------------------------------------------------------------------------------------------


def _allocation_figures(f: Frame) -> dict[str, int]:
    """The zone's compute allocations (cancelled left out) starting within the period, and within the year to
    the period end (what `year_to_date` reads), in one query."""
    key = ("allocations", f.start, f.end)

    def compute():
        windows = {"period": (f.start, f.end), "year": (_year_start(f.end), f.end)}
        aggregates = {}
        for tag, days in windows.items():
            starting = Q(starts_on__range=days)
            aggregates[f"gpu_hours@{tag}"] = Coalesce(Sum("gpu_hours", filter=starting), 0)
            aggregates[f"companies@{tag}"] = Count("company_id", distinct=True, filter=starting)
            aggregates[f"value@{tag}"] = Coalesce(Sum("value_krw", filter=starting), 0)
        values = (
            f.rows(ComputeAllocation)
            .filter(
                zone_id=f.zone.pk, archived_at__isnull=True, starts_on__range=(min(f.start, windows["year"][0]), f.end)
            )
            .exclude(status=ComputeAllocation.Status.CANCELLED)
            .aggregate(**aggregates)
        )
        return _split(values, {tag: ("allocations", *days) for tag, days in windows.items()})

    return _shared(f, key, compute)


def gpu_hours(f: Frame) -> int:
    return _allocation_figures(f)["gpu_hours"]


def compute_companies(f: Frame) -> int:
    return _allocation_figures(f)["companies"]


def compute_value(f: Frame) -> int:
    return _allocation_figures(f)["value"]


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
        .aggregate(value=Count("*"))["value"]
    )


def trainees_completed(f: Frame) -> int:
    return (
        _enrolments(f)
        .filter(status__in=Enrolment.COMPLETED_STATUSES, completed_on__range=(f.start, f.end))
        .aggregate(value=Count("*"))["value"]
    )


def completion_rate(f: Frame) -> float | None:
    figures = (
        _enrolments(f, ends_on__range=(f.start, f.end))
        .filter(enrolled_on__isnull=False)
        .exclude(status=Enrolment.Status.APPLIED)
        .aggregate(
            enrolled=Count("*"),
            completed=Count("pk", filter=Q(status__in=Enrolment.COMPLETED_STATUSES)),
        )
    )
    return _percent(figures["completed"], figures["enrolled"])


def trainees_employed(f: Frame) -> int:
    return (
        _enrolments(f)
        .filter(status=Enrolment.Status.EMPLOYED, employed_on__range=(f.start, f.end))
        .aggregate(value=Count("*"))["value"]
    )


def employment_rate(f: Frame) -> float | None:
    figures = (
        _enrolments(f)
        .filter(status__in=Enrolment.COMPLETED_STATUSES, completed_on__lte=f.end)
        .aggregate(
            completed=Count("*"),
            # Counted on the cohort (never null), so that the enrolment index answers without the table.
            employed=Count("cohort_id", filter=Q(status=Enrolment.Status.EMPLOYED, employed_on__lte=f.end)),
        )
    )
    return _percent(figures["employed"], figures["completed"])


def hired_by_zone_companies(f: Frame) -> int:
    in_zone = _tenancies(f).filter(company_id=OuterRef("employed_by_id"))
    return (
        _enrolments(f)
        .filter(status=Enrolment.Status.EMPLOYED, employed_on__range=(f.start, f.end))
        .filter(Exists(in_zone))
        .aggregate(value=Count("*"))["value"]
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
        .aggregate(value=Count("*"))["value"]
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
        .aggregate(value=Count("*"))["value"]
    )


def incidents(f: Frame) -> int:
    lower, upper = _bounds(f.start, f.end)
    grants = f.ids(ExemptionGrant, special_case_id__in=f.ids(SpecialCase, zone_id=f.zone.pk))
    return (
        f.rows(ExemptionIncident)
        .filter(grant_id__in=grants, occurred_at__gte=lower, occurred_at__lt=upper)
        .aggregate(value=Count("*"))["value"]
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
