"""The KPI catalogue written by hand: one SQL statement per measure, the figures of `zones.kpi.compute_all`.

The yardstick of the KPI benchmark: each measure as a person would write it against the tables, with joins
instead of the ORM's `__in` subqueries. A rate or a year's gain is one statement with two aggregates; the
arithmetic after it (rounding a percent, a difference) is the same Python as the measures', so the figures
can be compared exactly.
"""

# ruff: noqa: S608 - statements put together from constant fragments; every value is a parameter

import datetime as dt
from collections.abc import Callable, Sequence

from zones.kpi.measures import SEOUL

Number = int | float | None

# The statuses the measures name (the models' TextChoices values).
AWARDED = ["approved", "agreement_signed", "active", "closed"]
COMPLETED = ["completed", "employed"]
IN_FORCE = ["granted", "active", "extended"]


def _percent(part: Number, whole: Number) -> float | None:
    if part is None or not whole:
        return None
    return round(part * 100 / whole, 2)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 2) if whole else None


def _first(row: Sequence) -> int:
    return int(row[0])


def _gain(row: Sequence) -> int:
    return int(row[0]) - int(row[1])


# --- the statements (psycopg named parameters) --------------------------------------------------------------

TENANCIES = "FROM companies_tenancy t WHERE t.zone_id = %(zone)s AND t.archived_at IS NULL"

RESIDENTS = f"""SELECT count(*) {TENANCIES}
  AND t.moved_in_on <= %(end)s AND t.status NOT IN ('applicant', 'membership')
  AND (t.graduated_on IS NULL OR t.graduated_on > %(end)s)
  AND (t.ended_on IS NULL OR t.ended_on > %(end)s)"""
GRADUATES = f"SELECT count(*) {TENANCIES} AND t.graduated_on <= %(end)s"
MEMBERSHIP = f"SELECT count(*) {TENANCIES} AND t.status = 'membership'"
EXITS = f"SELECT count(*) {TENANCIES} AND t.status = 'exited' AND t.ended_on BETWEEN %(start)s AND %(end)s"
NEW_RESIDENTS = f"SELECT count(*) {TENANCIES} AND t.moved_in_on BETWEEN %(start)s AND %(end)s"
NEW_RESIDENTS_YTD = f"SELECT count(*) {TENANCIES} AND t.moved_in_on BETWEEN %(year_start)s AND %(end)s"

MOUS = "companies_mou m WHERE m.zone_id = %(zone)s AND m.archived_at IS NULL AND m.signed_on <= %(end)s"
COMMITMENTS = "FROM companies_moucommitment c JOIN companies_mou m ON m.id = c.mou_id"
ZONE_MOUS = "m.zone_id = %(zone)s AND m.archived_at IS NULL AND m.signed_on <= %(end)s"

MOUS_SIGNED = f"SELECT count(*) FROM {MOUS}"
OPENED = "c.kind = 'office_opening' AND c.actual_value >= 1"
MOUS_OFFICE_OPENED = (
    f"SELECT count(DISTINCT c.mou_id) {COMMITMENTS} WHERE {ZONE_MOUS} AND {OPENED} AND c.actual_on <= %(end)s"
)
MOUS_CONVERSION = f"""SELECT
  (SELECT count(DISTINCT c.mou_id) {COMMITMENTS} WHERE {ZONE_MOUS} AND {OPENED} AND c.actual_on <= %(end)s),
  (SELECT count(*) FROM {MOUS})"""
MOUS_OFFICE_OPENED_YTD = f"""SELECT
  count(DISTINCT c.mou_id) FILTER (WHERE c.actual_on <= %(end)s),
  count(DISTINCT c.mou_id) FILTER (WHERE m.signed_on <= %(last_year_end)s AND c.actual_on <= %(last_year_end)s)
  {COMMITMENTS} WHERE {ZONE_MOUS} AND {OPENED}"""
MOU_PROMISED = f"SELECT coalesce(sum(c.promised_value), 0) {COMMITMENTS} WHERE {ZONE_MOUS} AND c.kind = %(kind)s"
MOU_DELIVERED = (
    f"SELECT coalesce(sum(c.actual_value), 0) {COMMITMENTS} WHERE {ZONE_MOUS} AND c.kind = %(kind)s "
    "AND c.actual_on <= %(end)s"
)
MOU_DELIVERED_YTD = f"""SELECT
  coalesce(sum(c.actual_value) FILTER (WHERE c.actual_on <= %(end)s), 0),
  coalesce(sum(c.actual_value) FILTER (WHERE m.signed_on <= %(last_year_end)s AND c.actual_on <= %(last_year_end)s), 0)
  {COMMITMENTS} WHERE {ZONE_MOUS} AND c.kind = %(kind)s"""

APPLICATIONS = """FROM programs_application a
  JOIN programs_call k ON k.id = a.call_id
  JOIN programs_program p ON p.id = k.program_id
  WHERE p.zone_id = %(zone)s AND a.archived_at IS NULL"""
SUBMITTED = "a.submitted_at >= %(lower)s AND a.submitted_at < %(upper)s"
AWARDED_IN_PERIOD = "a.status = ANY(%(awarded)s) AND a.decided_at >= %(lower)s AND a.decided_at < %(upper)s"
APPLICATIONS_SUBMITTED = f"SELECT count(*) {APPLICATIONS} AND {SUBMITTED}"
AWARDS = f"SELECT count(*) {APPLICATIONS} AND {AWARDED_IN_PERIOD}"
COMPETITION = f"""SELECT count(*) FILTER (WHERE {SUBMITTED}), count(*) FILTER (WHERE {AWARDED_IN_PERIOD})
  {APPLICATIONS} AND (({SUBMITTED}) OR ({AWARDED_IN_PERIOD}))"""
AMOUNT_AWARDED = f"SELECT coalesce(sum(a.requested_amount_krw), 0) {APPLICATIONS} AND {AWARDED_IN_PERIOD}"

INVESTMENTS = """FROM programs_investment i JOIN programs_fund f ON f.id = i.fund_id
  WHERE f.zone_id = %(zone)s AND i.archived_at IS NULL"""
FUND_COMMITTED = """SELECT coalesce(sum(fc.amount_krw), 0) FROM programs_fundcommitment fc
  JOIN programs_fund f ON f.id = fc.fund_id WHERE f.zone_id = %(zone)s AND fc.committed_on <= %(end)s"""
FUND_INVESTED = f"SELECT coalesce(sum(i.amount_krw), 0) {INVESTMENTS} AND i.invested_on <= %(end)s"
FUND_REMAINING = f"""SELECT
  (SELECT coalesce(sum(size_krw), 0) FROM programs_fund WHERE zone_id = %(zone)s AND archived_at IS NULL),
  (SELECT coalesce(sum(i.amount_krw), 0) {INVESTMENTS} AND i.invested_on <= %(end)s)"""
FUND_INVESTEES = f"SELECT count(DISTINCT i.company_id) {INVESTMENTS} AND i.invested_on <= %(end)s"
FUND_INVESTED_YTD = f"""SELECT coalesce(sum(i.amount_krw), 0),
  coalesce(sum(i.amount_krw) FILTER (WHERE i.invested_on <= %(last_year_end)s), 0)
  {INVESTMENTS} AND i.invested_on <= %(end)s"""

ALLOCATIONS = """FROM programs_computeallocation g
  WHERE g.zone_id = %(zone)s AND g.archived_at IS NULL AND g.status <> 'cancelled'"""
GPU_HOURS = f"SELECT coalesce(sum(g.gpu_hours), 0) {ALLOCATIONS} AND g.starts_on BETWEEN %(start)s AND %(end)s"
GPU_HOURS_YTD = f"SELECT coalesce(sum(g.gpu_hours), 0) {ALLOCATIONS} AND g.starts_on BETWEEN %(year_start)s AND %(end)s"
COMPUTE_COMPANIES = f"SELECT count(DISTINCT g.company_id) {ALLOCATIONS} AND g.starts_on BETWEEN %(start)s AND %(end)s"
COMPUTE_VALUE = f"SELECT coalesce(sum(g.value_krw), 0) {ALLOCATIONS} AND g.starts_on BETWEEN %(start)s AND %(end)s"

ENROLMENTS = """FROM programs_enrolment e
  JOIN programs_cohort h ON h.id = e.cohort_id
  JOIN programs_trainingprogram tp ON tp.id = h.training_program_id
  WHERE tp.zone_id = %(zone)s AND e.archived_at IS NULL"""
ENROLLED = f"SELECT count(*) {ENROLMENTS} AND e.status <> 'applied' AND e.enrolled_on BETWEEN %(start)s AND %(end)s"
ENROLLED_YTD = (
    f"SELECT count(*) {ENROLMENTS} AND e.status <> 'applied' AND e.enrolled_on BETWEEN %(year_start)s AND %(end)s"
)
COMPLETED_IN_PERIOD = (
    f"SELECT count(*) {ENROLMENTS} AND e.status = ANY(%(completed)s) AND e.completed_on BETWEEN %(start)s AND %(end)s"
)
COMPLETION_RATE = f"""SELECT count(*) FILTER (WHERE e.status = ANY(%(completed)s)), count(*)
  {ENROLMENTS} AND h.ends_on BETWEEN %(start)s AND %(end)s AND e.enrolled_on IS NOT NULL AND e.status <> 'applied'"""
EMPLOYED = f"SELECT count(*) {ENROLMENTS} AND e.status = 'employed' AND e.employed_on BETWEEN %(start)s AND %(end)s"
EMPLOYED_YTD = (
    f"SELECT count(*) {ENROLMENTS} AND e.status = 'employed' AND e.employed_on BETWEEN %(year_start)s AND %(end)s"
)
EMPLOYMENT_RATE = f"""SELECT count(*) FILTER (WHERE e.status = 'employed' AND e.employed_on <= %(end)s), count(*)
  {ENROLMENTS} AND e.status = ANY(%(completed)s) AND e.completed_on <= %(end)s"""
HIRED_BY_ZONE = f"""SELECT count(*) {ENROLMENTS}
  AND e.status = 'employed' AND e.employed_on BETWEEN %(start)s AND %(end)s
  AND EXISTS (SELECT 1 FROM companies_tenancy t
              WHERE t.zone_id = %(zone)s AND t.archived_at IS NULL AND t.company_id = e.employed_by_id)"""

SPECIAL_CASES = """SELECT count(*) FROM zones_specialcase s
  WHERE s.zone_id = %(zone)s AND s.archived_at IS NULL
  AND (s.valid_from IS NULL OR s.valid_from <= %(end)s) AND (s.valid_until IS NULL OR s.valid_until >= %(end)s)"""
GRANTS_ACTIVE = """SELECT count(*) FROM zones_exemptiongrant x JOIN zones_specialcase s ON s.id = x.special_case_id
  WHERE s.zone_id = %(zone)s AND x.archived_at IS NULL AND x.status = ANY(%(in_force)s)
  AND (x.starts_on IS NULL OR x.starts_on <= %(end)s) AND (x.ends_on IS NULL OR x.ends_on >= %(end)s)"""
INCIDENTS = """SELECT count(*) FROM zones_exemptionincident n
  JOIN zones_exemptiongrant x ON x.id = n.grant_id JOIN zones_specialcase s ON s.id = x.special_case_id
  WHERE s.zone_id = %(zone)s AND n.occurred_at >= %(lower)s AND n.occurred_at < %(upper)s"""

# code -> (statement, extra parameters, what the figure is made of from the statement's one row)
Statement = tuple[str, dict, Callable[[Sequence], Number]]
STATEMENTS: dict[str, Statement] = {
    "companies_residents": (RESIDENTS, {}, _first),
    "companies_graduates": (GRADUATES, {}, _first),
    "companies_membership": (MEMBERSHIP, {}, _first),
    "companies_exits": (EXITS, {}, _first),
    "companies_new_residents": (NEW_RESIDENTS, {}, _first),
    "mous_signed": (MOUS_SIGNED, {}, _first),
    "mous_office_opened": (MOUS_OFFICE_OPENED, {}, _first),
    "mous_conversion_rate": (MOUS_CONVERSION, {}, lambda row: _percent(row[0], row[1])),
    "mou_jobs_promised": (MOU_PROMISED, {"kind": "jobs"}, _first),
    "mou_jobs_created": (MOU_DELIVERED, {"kind": "jobs"}, _first),
    "mou_investment_promised_krw": (MOU_PROMISED, {"kind": "investment"}, _first),
    "mou_investment_made_krw": (MOU_DELIVERED, {"kind": "investment"}, _first),
    "programs_applications": (APPLICATIONS_SUBMITTED, {}, _first),
    "programs_awards": (AWARDS, {}, _first),
    "programs_competition_ratio": (COMPETITION, {}, lambda row: _ratio(row[0], row[1])),
    "programs_amount_awarded_krw": (AMOUNT_AWARDED, {}, _first),
    "fund_committed_krw": (FUND_COMMITTED, {}, _first),
    "fund_invested_krw": (FUND_INVESTED, {}, _first),
    "fund_remaining_krw": (FUND_REMAINING, {}, _gain),
    "fund_investees": (FUND_INVESTEES, {}, _first),
    "compute_gpu_hours": (GPU_HOURS, {}, _first),
    "compute_companies": (COMPUTE_COMPANIES, {}, _first),
    "compute_value_krw": (COMPUTE_VALUE, {}, _first),
    "training_enrolled": (ENROLLED, {}, _first),
    "training_completed": (COMPLETED_IN_PERIOD, {}, _first),
    "training_completion_rate": (COMPLETION_RATE, {}, lambda row: _percent(row[0], row[1])),
    "training_employed": (EMPLOYED, {}, _first),
    "training_employment_rate": (EMPLOYMENT_RATE, {}, lambda row: _percent(row[0], row[1])),
    "training_hired_by_zone": (HIRED_BY_ZONE, {}, _first),
    "exemptions_special_cases": (SPECIAL_CASES, {}, _first),
    "exemptions_grants_active": (GRANTS_ACTIVE, {}, _first),
    "exemptions_incidents": (INCIDENTS, {}, _first),
    "companies_new_residents_ytd": (NEW_RESIDENTS_YTD, {}, _first),
    "mous_office_opened_ytd": (MOUS_OFFICE_OPENED_YTD, {}, _gain),
    "mou_jobs_created_ytd": (MOU_DELIVERED_YTD, {"kind": "jobs"}, _gain),
    "mou_investment_made_ytd_krw": (MOU_DELIVERED_YTD, {"kind": "investment"}, _gain),
    "fund_invested_ytd_krw": (FUND_INVESTED_YTD, {}, _gain),
    "training_enrolled_ytd": (ENROLLED_YTD, {}, _first),
    "training_employed_ytd": (EMPLOYED_YTD, {}, _first),
    "compute_gpu_hours_ytd": (GPU_HOURS_YTD, {}, _first),
}


def parameters(zone_id: int, start: dt.date, end: dt.date) -> dict:
    """What every statement may name: the zone, the period (dates and its Asia/Seoul moments), the year."""
    return {
        "zone": zone_id,
        "start": start,
        "end": end,
        "lower": dt.datetime.combine(start, dt.time.min, tzinfo=SEOUL),
        "upper": dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=SEOUL),
        "year_start": dt.date(end.year, 1, 1),
        "last_year_end": dt.date(end.year - 1, 12, 31),
        "awarded": AWARDED,
        "completed": COMPLETED,
        "in_force": IN_FORCE,
    }


def compute_all_sql(cursor, zone_id: int, start: dt.date, end: dt.date) -> dict[str, Number]:
    """Every measure of the catalogue for one zone and period, one statement each, through `cursor`."""
    shared = parameters(zone_id, start, end)
    figures: dict[str, Number] = {}
    for code, (sql, extra, figure) in STATEMENTS.items():
        cursor.execute(sql, {**shared, **extra})
        figures[code] = figure(cursor.fetchone())
    return figures


# --- the same figures in the ORM's grouping: measures reading the same rows share one statement ---------------

TENANCY_GROUP = f"""SELECT
  count(*) FILTER (WHERE t.moved_in_on <= %(end)s AND t.status NOT IN ('applicant', 'membership')
                   AND (t.graduated_on IS NULL OR t.graduated_on > %(end)s)
                   AND (t.ended_on IS NULL OR t.ended_on > %(end)s)),
  count(*) FILTER (WHERE t.graduated_on <= %(end)s),
  count(*) FILTER (WHERE t.status = 'membership'),
  count(*) FILTER (WHERE t.status = 'exited' AND t.ended_on BETWEEN %(start)s AND %(end)s),
  count(*) FILTER (WHERE t.moved_in_on BETWEEN %(start)s AND %(end)s),
  count(*) FILTER (WHERE t.moved_in_on BETWEEN %(year_start)s AND %(end)s)
  {TENANCIES}"""
BEFORE = "m.signed_on <= %(last_year_end)s AND c.actual_on <= %(last_year_end)s"
COMMITMENT_GROUP = f"""SELECT
  count(DISTINCT c.mou_id) FILTER (WHERE {OPENED} AND c.actual_on <= %(end)s),
  coalesce(sum(c.promised_value) FILTER (WHERE c.kind = 'jobs'), 0),
  coalesce(sum(c.actual_value) FILTER (WHERE c.kind = 'jobs' AND c.actual_on <= %(end)s), 0),
  coalesce(sum(c.promised_value) FILTER (WHERE c.kind = 'investment'), 0),
  coalesce(sum(c.actual_value) FILTER (WHERE c.kind = 'investment' AND c.actual_on <= %(end)s), 0),
  count(DISTINCT c.mou_id) FILTER (WHERE {OPENED} AND {BEFORE}),
  coalesce(sum(c.actual_value) FILTER (WHERE c.kind = 'jobs' AND {BEFORE}), 0),
  coalesce(sum(c.actual_value) FILTER (WHERE c.kind = 'investment' AND {BEFORE}), 0)
  {COMMITMENTS} WHERE {ZONE_MOUS}"""
AWARDED_GROUP = f"SELECT count(*), coalesce(sum(a.requested_amount_krw), 0) {APPLICATIONS} AND {AWARDED_IN_PERIOD}"
FUND_SIZES = "SELECT coalesce(sum(size_krw), 0) FROM programs_fund WHERE zone_id = %(zone)s AND archived_at IS NULL"
INVESTMENT_GROUP = f"""SELECT coalesce(sum(i.amount_krw), 0), count(DISTINCT i.company_id),
  coalesce(sum(i.amount_krw) FILTER (WHERE i.invested_on <= %(last_year_end)s), 0)
  {INVESTMENTS} AND i.invested_on <= %(end)s"""
ALLOCATION_GROUP = f"""SELECT
  coalesce(sum(g.gpu_hours) FILTER (WHERE g.starts_on >= %(start)s), 0),
  count(DISTINCT g.company_id) FILTER (WHERE g.starts_on >= %(start)s),
  coalesce(sum(g.value_krw) FILTER (WHERE g.starts_on >= %(start)s), 0),
  coalesce(sum(g.gpu_hours) FILTER (WHERE g.starts_on >= %(year_start)s), 0)
  {ALLOCATIONS} AND g.starts_on BETWEEN least(%(start)s, %(year_start)s) AND %(end)s"""

# name -> statement; `_grouped_figures` turns their rows into the catalogue's figures.
GROUPED: dict[str, str] = {
    "tenancies": TENANCY_GROUP,
    "mous": MOUS_SIGNED,
    "commitments": COMMITMENT_GROUP,
    "submitted": APPLICATIONS_SUBMITTED,
    "awarded": AWARDED_GROUP,
    "fund_committed": FUND_COMMITTED,
    "investments": INVESTMENT_GROUP,
    "fund_sizes": FUND_SIZES,
    "allocations": ALLOCATION_GROUP,
    "enrolled": ENROLLED,
    "completed": COMPLETED_IN_PERIOD,
    "completion": COMPLETION_RATE,
    "employed": EMPLOYED,
    "employment": EMPLOYMENT_RATE,
    "hired": HIRED_BY_ZONE,
    "special_cases": SPECIAL_CASES,
    "grants": GRANTS_ACTIVE,
    "incidents": INCIDENTS,
    "enrolled_ytd": ENROLLED_YTD,
    "employed_ytd": EMPLOYED_YTD,
}


def _grouped_figures(rows: dict[str, Sequence]) -> dict[str, Number]:
    t, c, i, g = rows["tenancies"], rows["commitments"], rows["investments"], rows["allocations"]
    signed, submitted, (awards, amount) = int(rows["mous"][0]), int(rows["submitted"][0]), rows["awarded"]
    return {
        "companies_residents": t[0],
        "companies_graduates": t[1],
        "companies_membership": t[2],
        "companies_exits": t[3],
        "companies_new_residents": t[4],
        "mous_signed": signed,
        "mous_office_opened": c[0],
        "mous_conversion_rate": _percent(c[0], signed),
        "mou_jobs_promised": int(c[1]),
        "mou_jobs_created": int(c[2]),
        "mou_investment_promised_krw": int(c[3]),
        "mou_investment_made_krw": int(c[4]),
        "programs_applications": submitted,
        "programs_awards": awards,
        "programs_competition_ratio": _ratio(submitted, awards),
        "programs_amount_awarded_krw": int(amount),
        "fund_committed_krw": _first(rows["fund_committed"]),
        "fund_invested_krw": int(i[0]),
        "fund_remaining_krw": int(rows["fund_sizes"][0]) - int(i[0]),
        "fund_investees": i[1],
        "compute_gpu_hours": int(g[0]),
        "compute_companies": g[1],
        "compute_value_krw": int(g[2]),
        "training_enrolled": _first(rows["enrolled"]),
        "training_completed": _first(rows["completed"]),
        "training_completion_rate": _percent(*rows["completion"]),
        "training_employed": _first(rows["employed"]),
        "training_employment_rate": _percent(*rows["employment"]),
        "training_hired_by_zone": _first(rows["hired"]),
        "exemptions_special_cases": _first(rows["special_cases"]),
        "exemptions_grants_active": _first(rows["grants"]),
        "exemptions_incidents": _first(rows["incidents"]),
        "companies_new_residents_ytd": t[5],
        "mous_office_opened_ytd": c[0] - c[5],
        "mou_jobs_created_ytd": int(c[2]) - int(c[6]),
        "mou_investment_made_ytd_krw": int(c[4]) - int(c[7]),
        "fund_invested_ytd_krw": int(i[0]) - int(i[2]),
        "training_enrolled_ytd": _first(rows["enrolled_ytd"]),
        "training_employed_ytd": _first(rows["employed_ytd"]),
        "compute_gpu_hours_ytd": int(g[3]),
    }


def compute_all_sql_grouped(cursor, zone_id: int, start: dt.date, end: dt.date) -> dict[str, Number]:
    """Every measure of the catalogue, grouped as the ORM groups them (one statement per group), through `cursor`."""
    shared = parameters(zone_id, start, end)
    rows = {}
    for name, sql in GROUPED.items():
        cursor.execute(sql, shared)
        rows[name] = cursor.fetchone()
    return _grouped_figures(rows)
