"""Bulk import of new companies from CSV (`manage.py import_companies`): fast, and still all or nothing.

The file is read as a stream, batch by batch. Every cell is checked by its model field's own `clean()` (lengths,
choices, the registration number's check digit, e-mail, URL, ...), AI fields by code; registration numbers must
be new: once in the file and not yet in the table (one query per batch). Rows are written with PostgreSQL COPY
in one transaction, with their creation history; one bad row anywhere rolls the whole file back, and the report
names every bad row (the first data row under the header is row 1) and field. A dry run checks and writes nothing.

Memory does not grow with the file but for the registration numbers already read (for duplicates in the file).
The admin's import (django-import-export, `companies/resources.py`) stays the way for small files: it previews
the rows and updates companies already registered; this one only adds companies.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from companies.models import AIField, Company
from core.validators import normalize_digits

BATCH_ROWS = 5_000
CHANGE_REASON = "CSV import"
MAX_ERRORS = 1_000
CACHED_VALUES = 5_000  # per column
_UNSEEN = object()
# The columns the admin's export writes (companies/resources.py), in its order.
COLUMNS = ("brn", *Company.PROFILE_FIELDS[:4], "ai_fields", *Company.PROFILE_FIELDS[4:])
REQUIRED_COLUMNS = ("brn", "name_ko", "size")


@dataclass(frozen=True)
class RowError:
    row: int  # 0: the header
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.row}행 / row {self.row}, {self.field}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0  # errors found beyond MAX_ERRORS

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, row: int, field_name: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, field_name, message))
        else:
            self.more_errors += 1


class _RolledBack(Exception):
    """Leaves the import's transaction when a row was bad: nothing is kept."""


def _both_languages(error: ValidationError) -> str:
    """The error in Korean first, then English when it differs."""
    texts = []
    for item in error.error_list:
        rendered = []
        for language in ("ko", "en"):
            with translation.override(language):
                message = str(item.message)
                rendered.append(message % item.params if item.params else message)
        texts.append(rendered[0] if rendered[0] == rendered[1] else f"{rendered[0]} / {rendered[1]}")
    return " ".join(texts)


class _RowChecker:
    """Turns a CSV row into the values of the company's columns, or field errors."""

    def __init__(self, header: list[str], report: ImportReport):
        self.report = report
        self.index = {name: position for position, name in enumerate(header)}
        self.fields = [
            (name, Company._meta.get_field(name), self.index.get(name)) for name in COLUMNS if name != "ai_fields"
        ]
        self.ai_column = self.index.get("ai_fields")
        self.ai_field_ids = dict(AIField.objects.values_list("code", "id"))
        self.width = len(header)
        # A field's clean() gives the same answer for the same text: columns with few distinct values (size,
        # region, dates, ...) are checked once per value. Bounded, so memory does not grow with the file.
        self.cleaned: dict[str, dict[str, object]] = {name: {} for name, _f, _p in self.fields}

    def columns(self) -> list[str]:
        return [f.column for _name, f, _position in self.fields]

    def check(self, number: int, cells: list[str]) -> tuple[list, list[int]] | None:
        """(column values in the order of `columns()`, AI field ids), or None after recording the row's errors."""
        errors_before = len(self.report.errors) + self.report.more_errors
        if len(cells) != self.width:
            self.report.add_error(
                number, "-", f"칸 수가 머리행과 다릅니다 / {len(cells)} cells where the header has {self.width}"
            )
            return None
        values = []
        for name, model_field, position in self.fields:
            raw = cells[position].strip() if position is not None else ""
            if name in ("brn", "corporate_number"):
                raw = normalize_digits(raw)
            if raw == "":
                if not (model_field.blank or model_field.has_default()):
                    blank = ValidationError(model_field.error_messages["blank"], code="blank")
                    self.report.add_error(number, name, _both_languages(blank))
                values.append(model_field.get_default())
                continue
            known = self.cleaned[name]
            cleaned = known.get(raw, _UNSEEN)
            if cleaned is _UNSEEN:
                try:
                    cleaned = model_field.clean(raw, None)
                except ValidationError as error:
                    cleaned = error
                if len(known) < CACHED_VALUES:
                    known[raw] = cleaned
            if isinstance(cleaned, ValidationError):
                self.report.add_error(number, name, _both_languages(cleaned))
                cleaned = None
            values.append(cleaned)
        ai_ids = []
        if self.ai_column is not None:
            codes = {code.strip() for code in cells[self.ai_column].split(",") if code.strip()}
            unknown = sorted(code for code in codes if code not in self.ai_field_ids)
            if unknown:
                self.report.add_error(
                    number, "ai_fields", f"알 수 없는 AI 분야 코드 / unknown AI field codes: {', '.join(unknown)}"
                )
            ai_ids = sorted(self.ai_field_ids[code] for code in codes if code in self.ai_field_ids)
        if len(self.report.errors) + self.report.more_errors > errors_before:
            return None
        return values, ai_ids


def _batches(rows: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    while batch := list(islice(rows, size)):
        yield batch


def import_companies_csv(
    lines: Iterable[str], *, dry_run: bool = False, acting_user=None, batch_rows: int = BATCH_ROWS
) -> ImportReport:
    """Import the companies of a CSV file (text lines, header first); nothing at all if any row is bad."""
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _import(lines, report, dry_run=dry_run, acting_user=acting_user, batch_rows=batch_rows)
            if report.errors or dry_run:
                raise _RolledBack
    except _RolledBack:
        report.imported = 0
    return report


def _import(lines: Iterable[str], report: ImportReport, *, dry_run: bool, acting_user, batch_rows: int) -> None:
    reader = csv.reader(lines)
    header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unknown or missing:
        if unknown:
            report.add_error(0, "header", f"알 수 없는 열 / unknown columns: {', '.join(unknown)}")
        if missing:
            report.add_error(0, "header", f"필수 열이 없습니다 / missing columns: {', '.join(missing)}")
        return
    checker = _RowChecker(header, report)
    writer = None if dry_run else _Writer(checker.columns(), acting_user)
    brn_position = checker.columns().index("brn")
    seen: dict[str, int] = {}  # registration number -> its row in the file
    number = 0
    for batch in _batches(reader, batch_rows):
        good = []
        for cells in batch:
            number += 1
            if not any(cell.strip() for cell in cells):
                number -= 1  # a blank line is not a row
                continue
            checked = checker.check(number, cells)
            if checked is None:
                continue
            brn = checked[0][brn_position]
            first = seen.setdefault(brn, number)
            if first != number:
                report.add_error(
                    number,
                    "brn",
                    f"파일 안에서 {first}행과 사업자등록번호가 같습니다 / same business registration number as row "
                    f"{first}",
                )
                continue
            good.append((number, checked))
        report.rows = number
        taken = _registered([values[brn_position] for _n, (values, _ai) in good])
        if taken:
            for row_number, (values, _ai) in good:
                if values[brn_position] in taken:
                    report.add_error(
                        row_number,
                        "brn",
                        "이미 등록된 사업자등록번호입니다 / a company with this business registration number exists "
                        "already",
                    )
        if writer is not None and not report.errors:
            writer.write([checked for _n, checked in good])
    if writer is not None and not report.errors:
        report.imported = writer.finish()


def _registered(brns: list[str]) -> set[str]:
    """Which of these registration numbers a company has already (one query, the numbers as one array)."""
    if not brns:
        return set()
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Company._meta.db_table)
        cursor.execute(f"SELECT brn FROM {table} WHERE brn = ANY(%s)", [brns])  # noqa: S608 - the model's table
        return {brn for (brn,) in cursor.fetchall()}


class _Writer:
    """COPY of companies (ids from the table's own sequence, so nothing else waits), their AI fields, and one
    creation history row each (with its AI fields), batch by batch."""

    def __init__(self, columns: list[str], acting_user):
        self.cursor = connection.cursor()
        self.quote = connection.ops.quote_name
        self.table = Company._meta.db_table
        self.columns = ["id", "created_at", "updated_at", *columns]
        self.now = timezone.now()
        self.user_id = getattr(acting_user, "pk", None)
        self.count = 0
        self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [self.table])
        self.sequence = self.cursor.fetchone()[0]
        self.history_sql = self._history_sql()

    def _copy(self, table: str, columns: Iterable[str], rows: Iterable[tuple]) -> None:
        sql = f"COPY {self.quote(table)} ({', '.join(self.quote(c) for c in columns)}) FROM STDIN"
        with self.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def write(self, checked: list[tuple[list, list[int]]]) -> None:
        if not checked:
            return
        self.cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [self.sequence, len(checked)])
        ids = [row[0] for row in self.cursor.fetchall()]
        self._copy(
            self.table,
            self.columns,
            ((pk, self.now, self.now, *values) for pk, (values, _ai) in zip(ids, checked, strict=True)),
        )
        self._copy(
            Company.ai_fields.through._meta.db_table,
            ("company_id", "aifield_id"),
            ((pk, ai_id) for pk, (_values, ai_ids) in zip(ids, checked, strict=True) for ai_id in ai_ids),
        )
        for sql in self.history_sql:
            self.cursor.execute(sql, {"ids": ids, "now": self.now, "reason": CHANGE_REASON, "user": self.user_id})
        self.count += len(ids)

    def finish(self) -> int:
        return self.count

    def _history_sql(self) -> list[str]:
        """The creation history of the rows `ids` (new: theirs are the only history rows with these ids), then
        the AI fields of that history row."""
        q = self.quote
        history = Company.history.model
        history_m2m = apps.get_model("companies", "HistoricalCompany_ai_fields")
        own = {f.column for f in Company._meta.concrete_fields}
        special = {
            "history_date": "%(now)s",
            "history_change_reason": "%(reason)s",
            "history_type": "'+'",
            "history_user_id": "%(user)s",
        }
        targets, sources = [], []
        for history_field in history._meta.concrete_fields:
            if history_field.primary_key:
                continue
            column = history_field.column
            targets.append(q(column))
            sources.append(q(column) if column in own else special[column])
        through = q(Company.ai_fields.through._meta.db_table)
        return [
            f"INSERT INTO {q(history._meta.db_table)} ({', '.join(targets)}) "  # noqa: S608 - model tables
            f"SELECT {', '.join(sources)} FROM {q(self.table)} WHERE id = ANY(%(ids)s) ORDER BY id",
            f"INSERT INTO {q(history_m2m._meta.db_table)} (id, company_id, aifield_id, history_id) "  # noqa: S608
            f"SELECT t.id, t.company_id, t.aifield_id, h.history_id FROM {through} t "
            f"JOIN {q(history._meta.db_table)} h ON h.id = t.company_id WHERE t.company_id = ANY(%(ids)s)",
        ]


def read_lines(path: str) -> Iterator[str]:
    """The file's lines as text (UTF-8, with or without a byte order mark), newlines kept as csv expects."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from handle
