"""What every scale-data generator shares: sizes, the run's context (ids, reference rows), dates, names, numbers.

Generated rows are recognisable: zone slugs `scale-001`..., usernames `scale-...`, business registration
numbers starting with `99` (the demo data uses tax offices 214 and 410, the test factories 100-899).
"""

import bisect
import dataclasses
import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import models

from core.demo.common import COMPANY_NAMES, person_name
from core.scale.copy import TableWriter
from core.validators import brn_check_digit, corporate_number_check_digit

# Asia/Seoul has kept +09:00 all year since 1988: a fixed offset gives the same instants, faster.
KST = dt.timezone(dt.timedelta(hours=9), "KST")
# Generated activity runs from EPOCH to AS_OF, the day the generated world stands at (what is done is dated
# on or before it; periods such as grants, cohorts and allocations may run past it).
EPOCH = dt.date(2019, 1, 1)
AS_OF = dt.date(2026, 6, 30)
AS_OF_DAY = (AS_OF - EPOCH).days
ZONE_SLUG_PREFIX = "scale-"
USERNAME_PREFIX = "scale-"
BRN_PREFIX = "99"
MAX_COMPANIES = 10_000_000  # "99" + a 7-digit serial + the check digit


class ScaleDataError(Exception):
    """The data cannot be generated here (not PostgreSQL, generated already, sizes that cannot fit)."""


def zone_slug(number: int) -> str:
    return f"{ZONE_SLUG_PREFIX}{number:03d}"


FIRST_ZONE_SLUG = zone_slug(1)


@dataclass(frozen=True)
class Sizes:
    """How many rows of the big tables to generate (the small ones follow the number of zones)."""

    zones: int = 20
    companies: int = 100_000
    mous: int = 300_000
    applications: int = 500_000
    enrolments: int = 1_000_000
    investments: int = 200_000
    allocations: int = 200_000

    def scaled(self, factor: float) -> "Sizes":
        """Every size multiplied by `factor`, at least one of each."""
        return Sizes(**{f.name: max(1, round(getattr(self, f.name) * factor)) for f in dataclasses.fields(self)})


# Rows per zone (or per parent) of the small tables.
REVIEWERS_PER_ZONE = 6
SPECIAL_CASES_PER_ZONE = 5
GRANTS_PER_ZONE = 50
CALLS_PER_PROGRAM = 10
CRITERIA_PER_CALL = 3
COMMITMENTS_PER_FUND = 4
COHORTS_PER_TRAINING_PROGRAM = 8


@dataclass(frozen=True)
class ZoneRef:
    id: int
    index: int
    designated_on: dt.date


@dataclass(frozen=True)
class CallRef:
    id: int
    zone_index: int
    program_kind: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    criterion_ids: tuple[int, ...]
    special_case_ids: tuple[int, ...]


@dataclass(frozen=True)
class FundRef:
    id: int
    zone_index: int
    vintage_year: int
    size_krw: int


@dataclass(frozen=True)
class CohortRef:
    id: int
    zone_index: int
    starts_on: dt.date
    ends_on: dt.date


@dataclass
class Context:
    """The run: sizes, seed, the writer, the first free id of every table, and the small reference tables
    (zones, users, calls, funds, cohorts) that the big tables point at. The big tables are never held: their
    ids are computed (`id_of`), so memory does not grow with the sizes."""

    sizes: Sizes
    seed: int
    writer: TableWriter
    review_scores: bool = True
    last_ids: dict[type[models.Model], int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    zones: list[ZoneRef] = field(default_factory=list)
    officer_ids: list[int] = field(default_factory=list)
    reviewer_ids: list[list[int]] = field(default_factory=list)
    special_case_ids: list[list[int]] = field(default_factory=list)
    calls: list[CallRef] = field(default_factory=list)
    funds: list[FundRef] = field(default_factory=list)
    cohorts: list[CohortRef] = field(default_factory=list)

    def random(self, table: str) -> random.Random:
        """A generator of its own per table: the same rows for the same seed, whatever else ran."""
        return random.Random(f"{self.seed}:{table}")  # noqa: S311 - generated test data, not security

    def id_of(self, model: type[models.Model], index: int) -> int:
        """The id the `index`-th generated row of `model` gets (0-based)."""
        return self.last_ids[model] + 1 + index

    def write(self, model: type[models.Model], columns: Sequence[str], rows) -> int:
        count = self.writer.write(model, columns, rows, after_id=self.last_ids[model])
        self.counts[model._meta.label] = count
        return count


# --- dates ---------------------------------------------------------------------------------------------

_DAYS = [EPOCH + dt.timedelta(days=n) for n in range((dt.date(2032, 12, 31) - EPOCH).days + 1)]
_MIDNIGHT = dt.datetime(EPOCH.year, EPOCH.month, EPOCH.day, tzinfo=KST)


def day(n: int) -> dt.date:
    """The n-th day after EPOCH."""
    return _DAYS[n]


def day_number(value: dt.date) -> int:
    return (value - EPOCH).days


def moment(day_n: int, seconds: int = 32_400) -> dt.datetime:
    """An aware Asia/Seoul datetime: day `day_n` after EPOCH, `seconds` after midnight (09:00 by default)."""
    return _MIDNIGHT + dt.timedelta(days=day_n, seconds=seconds)


def office_hours(rng: random.Random) -> int:
    """Seconds after midnight between 09:00 and 18:00."""
    return 32_400 + int(rng.random() * 32_400)


def add_years(value: dt.date, years: int) -> dt.date:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


# --- choices -------------------------------------------------------------------------------------------


def picker(weighted: Sequence[tuple[object, float]]) -> Callable[[float], object]:
    """A function of a uniform number in [0, 1) that picks a value with the given weights."""
    values = [value for value, _ in weighted]
    total = sum(weight for _, weight in weighted)
    bounds, running = [], 0.0
    for _, weight in weighted:
        running += weight / total
        bounds.append(running)
    last = len(values) - 1
    return lambda r: values[min(bisect.bisect_right(bounds, r), last)]


# --- identifiers and names -----------------------------------------------------------------------------


def brn(index: int) -> str:
    """The business registration number of the index-th generated company: "99", a 7-digit serial, the check."""
    first_nine = f"{BRN_PREFIX}{index:07d}"
    return first_nine + str(brn_check_digit(first_nine))


def corporate_number(index: int) -> str:
    first_twelve = f"1101{index:08d}"
    return first_twelve + str(corporate_number_check_digit(first_twelve))


def company_name(index: int) -> tuple[str, str]:
    """Korean and English name of the index-th generated company (a fictional name and a serial)."""
    ko, en = COMPANY_NAMES[index % len(COMPANY_NAMES)]
    return f"{ko} {index + 1:07d}", f"{en} {index + 1:07d}"


def full_name(index: int, salt: int = 0) -> str:
    return person_name(index, salt)
