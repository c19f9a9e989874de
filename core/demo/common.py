"""Helpers shared by the demo builders: stable keys, idempotent writes with history, generated names and numbers.

Every record the demo writes is found again by a natural key (slug, code, registration number, username,
e-mail, or the tuple of foreign keys a constraint makes unique), so a second run finds everything and writes
nothing. Rows written in bulk get their creation history with `bulk_create_with_history`.
"""

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import models
from simple_history.utils import bulk_create_with_history

from core.validators import brn_check_digit, corporate_number_check_digit

KST = ZoneInfo("Asia/Seoul")
CHANGE_REASON = "seed_demo"
# The demo's "as of" date: deliveries, completions and hires are dated on or before it.
AS_OF = dt.date(2025, 9, 30)
BATCH_SIZE = 500


@dataclass
class Context:
    """What one builder hands the next: reference rows and users, looked up by their natural keys."""

    today: dt.date
    password_hash: str
    fields: dict[str, models.Model] = field(default_factory=dict)
    users: dict[str, models.Model] = field(default_factory=dict)
    zones: dict[str, models.Model] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)


def demo_random(area: str) -> random.Random:
    """A generator seeded from 2025 and the builder's name: the same numbers on every run, whatever ran before."""
    return random.Random(f"2025:{area}")  # noqa: S311 - demo data, not security


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware datetime in Asia/Seoul."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=KST)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def spread_date(start: dt.date, end: dt.date, index: int, count: int) -> dt.date:
    """The index-th of `count` dates spread evenly from start to end."""
    span = (end - start).days
    return start + dt.timedelta(days=span * index // max(count - 1, 1))


# --- identifiers ---------------------------------------------------------------------------------------


def demo_brn(index: int, *, office: int = 214, kind: int = 81) -> str:
    """A checksum-correct business registration number, unique per index (0-9999).

    Tax office code (3 digits), business kind (2: 81 for a corporation, 82 for a non-profit), then the
    index as the 4-digit serial followed by the check digit. Every builder draws its indexes from its own
    range (see the BRN_* constants) so the numbers are unique across the whole dataset.
    """
    if not 0 <= index <= 9999:
        raise ValueError(f"BRN index out of range: {index}")
    first_nine = f"{office:03d}{kind:02d}{index:04d}"
    return first_nine + str(brn_check_digit(first_nine))


def demo_corporate_number(index: int, *, registry: str = "110111") -> str:
    """A checksum-correct 13-digit corporate registration number: registry office code + serial + check."""
    first_twelve = f"{registry}{index:06d}"
    return first_twelve + str(corporate_number_check_digit(first_twelve))


# Index ranges for demo_brn, one per group of companies.
BRN_SEOUL_INSTITUTIONS = 1  # 1-9
BRN_SEOUL_SPECIALIZED = 11  # 11-29
BRN_SEOUL_HUB = 100  # 100-999
BRN_GWANGJU = 1000  # 1000-1999


# --- names ---------------------------------------------------------------------------------------------

_NAME_PREFIXES = [
    ("딥", "Deep"),
    ("뉴로", "Neuro"),
    ("비전", "Vision"),
    ("보이스", "Voice"),
    ("데이터", "Data"),
    ("로보", "Robo"),
    ("메디", "Medi"),
    ("코그", "Cog"),
    ("시냅스", "Synapse"),
    ("매트릭스", "Matrix"),
    ("퀀텀", "Quantum"),
    ("픽셀", "Pixel"),
    ("센스", "Sense"),
    ("링크", "Link"),
    ("모션", "Motion"),
    ("큐브", "Cube"),
    ("아토", "Atto"),
    ("루미", "Lumi"),
    ("노바", "Nova"),
    ("오르빗", "Orbit"),
    ("스텔라", "Stella"),
    ("에코", "Echo"),
    ("프리즘", "Prism"),
    ("벡터", "Vector"),
    ("텐서", "Tensor"),
    ("라티스", "Lattice"),
    ("카이로", "Kairo"),
    ("솔라", "Sola"),
    ("하모니", "Harmony"),
    ("인사이트", "Insight"),
]
_NAME_SUFFIXES = [
    ("랩스", "Labs"),
    ("웍스", "Works"),
    ("에이아이", "AI"),
    ("테크", "Tech"),
    ("소프트", "Soft"),
    ("브레인", "Brain"),
    ("마인드", "Mind"),
    ("로직", "Logic"),
    ("웨이브", "Wave"),
    ("넷", "Net"),
    ("플로우", "Flow"),
    ("메이트", "Mate"),
    ("스케일", "Scale"),
    ("포지", "Forge"),
    ("엣지", "Edge"),
    ("루프", "Loop"),
    ("코어", "Core"),
    ("비트", "Bit"),
    ("노드", "Node"),
    ("시스템즈", "Systems"),
    ("다이나믹스", "Dynamics"),
    ("인텔리전스", "Intelligence"),
    ("솔루션즈", "Solutions"),
    ("그리드", "Grid"),
    ("파운드리", "Foundry"),
]


def _company_names() -> list[tuple[str, str]]:
    combos = [(p_ko + s_ko, p_en + s_en) for p_ko, p_en in _NAME_PREFIXES for s_ko, s_en in _NAME_SUFFIXES]
    demo_random("company-names").shuffle(combos)
    return combos


# 750 distinct fictional names; builders take fixed slices (Seoul 0-399, Gwangju 400-749).
COMPANY_NAMES = _company_names()
NAMES_SEOUL = 0
NAMES_GWANGJU = 400

_SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
_GIVEN_NAMES = (
    "민준 서연 지훈 하은 도윤 서준 지우 예은 시우 수아 주원 지민 현우 채원 건우 다은 우진 유진 선우 소윤 "
    "연우 지아 민재 윤서 현준 가은 정우 예린 승현 수빈 준혁 하린 지호 은서 태윤 나연 승민 다인 재원 서영"
).split()


def person_name(index: int, salt: int = 0) -> str:
    """A fictional Korean name (common surname + common given name), the same for the same index."""
    n = index + salt * 97
    return _SURNAMES[n % len(_SURNAMES)] + _GIVEN_NAMES[(n * 7 + n // len(_SURNAMES)) % len(_GIVEN_NAMES)]


# --- idempotent writes ---------------------------------------------------------------------------------


def _comparable(model: type[models.Model], name: str, value):
    """(attribute name, value) to compare a stored row with: foreign keys by their id."""
    f = model._meta.get_field(name)
    if f.many_to_one or f.one_to_one:
        return f.attname, (value.pk if isinstance(value, models.Model) else value)
    return name, value


def upsert(model: type[models.Model], lookup: dict, **values) -> models.Model:
    """Get the row `lookup` finds or create it; update only the values that differ (so a re-run writes nothing).

    Creates and updates go through full_clean() and save(), which writes the history row.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = CHANGE_REASON
        obj.full_clean()
        obj.save()
        return obj
    changed = []
    for name, value in values.items():
        attname, wanted = _comparable(model, name, value)
        if getattr(obj, attname) != wanted:
            setattr(obj, name, value)
            changed.append(name)
    if changed:
        obj._change_reason = CHANGE_REASON
        obj.full_clean()
        obj.save()
    return obj


def ensure_many(
    model: type[models.Model], objs: Iterable[models.Model], key: Sequence[str], **scope
) -> dict[tuple, models.Model]:
    """Create, in bulk and with their creation history, the rows of `objs` whose key is not stored yet.

    `key` names attributes (use `zone_id`, not `zone`) that identify a row; `scope` filters the stored rows
    compared against (keep it narrow). Returns every wanted row, stored or new, by its key. Rows already
    stored are left as they are. A model with a `set_zones` class method (applications, enrolments) is given
    the rows first, since bulk creation does not call save().
    """

    def key_of(obj: models.Model) -> tuple:
        return tuple(getattr(obj, name) for name in key)

    wanted: dict[tuple, models.Model] = {}
    for obj in objs:
        k = key_of(obj)
        if k in wanted:
            raise ValueError(f"Duplicate demo key for {model.__name__}: {k}")
        wanted[k] = obj
    stored = {key_of(obj): obj for obj in model._default_manager.filter(**scope)}
    missing = [obj for k, obj in wanted.items() if k not in stored]
    if missing:
        if hasattr(model, "set_zones"):  # rows that carry their parent's zone (save() would set it)
            model.set_zones(missing)
        created = bulk_create_with_history(missing, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON)
        for obj in created:
            stored[key_of(obj)] = obj
    return {k: stored[k] for k in wanted}


def ensure_company_fields(pairs: dict[int, Sequence[models.Model]]) -> None:
    """Give companies (by id) their AI fields; the new links are added to the company's latest history row."""
    company_model = apps.get_model("companies", "Company")
    through = company_model.ai_fields.through
    m2m_history = apps.get_model("companies", "HistoricalCompany_ai_fields")
    stored = set(through.objects.filter(company_id__in=pairs.keys()).values_list("company_id", "aifield_id"))
    missing = [
        (company_id, ai_field.pk)
        for company_id, ai_fields in pairs.items()
        for ai_field in ai_fields
        if (company_id, ai_field.pk) not in stored
    ]
    if not missing:
        return
    links = through.objects.bulk_create(
        [through(company_id=company_id, aifield_id=field_id) for company_id, field_id in missing],
        batch_size=BATCH_SIZE,
    )
    latest: dict[int, int] = {}
    history_rows = company_model.history.filter(id__in={company_id for company_id, _ in missing})
    for company_id, history_id in history_rows.values_list("id", "history_id").order_by("history_id"):
        latest[company_id] = history_id
    # The historical link keeps the link's own id, as django-simple-history does for m2m_changed.
    m2m_history.objects.bulk_create(
        [
            m2m_history(
                history_id=latest[link.company_id], id=link.pk, company_id=link.company_id, aifield_id=link.aifield_id
            )
            for link in links
            if link.company_id in latest
        ],
        batch_size=BATCH_SIZE,
    )
