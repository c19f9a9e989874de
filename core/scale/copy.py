"""Writing generated rows with PostgreSQL COPY.

The caller assigns the ids (after the table's current maximum), so rows of other tables can point at them
without reading anything back. After each table: its creation history (one '+' row per record, dated at the
record's `created_at`, reason "generated") is copied inside the database from the rows just written, and the
id sequence is moved past the new rows.
"""

import time
from collections.abc import Callable, Iterable, Sequence

from django.db import models
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

CHANGE_REASON = "generated"
PROGRESS_EVERY = 250_000


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s" if seconds > 0 else "-"


class TableWriter:
    """COPY writer on one cursor (psycopg 3); reports each table's rows, time and rate through `log`."""

    def __init__(self, cursor, log: Callable[[str], None]):
        self.cursor = cursor
        self.log = log
        self.quote = cursor.db.ops.quote_name
        self.tables: list[str] = []
        self.timings: list[tuple[str, int, float]] = []

    def last_id(self, model: type[models.Model]) -> int:
        table = self.quote(model._meta.db_table)
        self.cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - a model's own table
        return self.cursor.fetchone()[0]

    def write(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple], *, after_id: int) -> int:
        """COPY `rows` (tuples in the order of `columns`) into the model's table, then its creation history.

        Columns left out must be nullable (they are written NULL)."""
        table = model._meta.db_table
        self._check_columns(model, columns)
        started = time.monotonic()
        count = 0
        sql = f"COPY {self.quote(table)} ({', '.join(self.quote(c) for c in columns)}) FROM STDIN"
        with self.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
                if count % PROGRESS_EVERY == 0:
                    self.log(f"  {table}: {count:,} rows, {_rate(count, time.monotonic() - started)}")
        copied = time.monotonic()
        history_table = self._write_history(model, after_id)
        self._move_sequence(table)
        finished = time.monotonic()
        self.tables.append(table)
        self.timings.append((table, count, finished - started))
        history = f", history {finished - copied:.1f}s" if history_table else ""
        self.log(
            f"{table:<36} {count:>10,} rows  {finished - started:6.1f}s  "
            f"({_rate(count, copied - started)} copied{history})"
        )
        return count

    def analyze(self) -> None:
        started = time.monotonic()
        for table in self.tables:
            self.cursor.execute(f"ANALYZE {self.quote(table)}")
        self.log(f"ANALYZE of {len(self.tables)} tables: {time.monotonic() - started:.1f}s")

    def vacuum(self, cursor) -> None:
        """VACUUM every table written, outside the run's transaction (`cursor` of an autocommit connection): the
        tables as autovacuum leaves them a few minutes later, their visibility maps set, so that an index-only
        scan reads no table pages."""
        started = time.monotonic()
        for table in self.tables:
            cursor.execute(f"VACUUM {self.quote(table)}")
        self.log(f"VACUUM of {len(self.tables)} tables: {time.monotonic() - started:.1f}s")

    # --- helpers ----------------------------------------------------------------------------------------

    @staticmethod
    def _check_columns(model: type[models.Model], columns: Sequence[str]) -> None:
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{model._meta.label} has no column {', '.join(unknown)}")
        required = [c for c, f in fields.items() if c not in columns and not f.null]
        if required:
            raise ValueError(f"{model._meta.label}: columns {', '.join(required)} cannot be left out (NOT NULL)")

    def _write_history(self, model: type[models.Model], after_id: int) -> str | None:
        """One creation row per record with an id above `after_id`, in the history table's own column order."""
        try:
            history_model = get_history_model_for_model(model)
        except NotHistoricalModelError:
            return None
        own = {f.column for f in model._meta.concrete_fields}
        special = {
            "history_date": self.quote("created_at") if "created_at" in own else "now()",
            "history_change_reason": "%s",
            "history_type": "'+'",
            "history_user_id": "NULL",
        }
        targets, sources = [], []
        for history_field in history_model._meta.concrete_fields:
            column = history_field.column
            if history_field.primary_key:
                continue  # history_id: the table's own sequence
            if column in own:
                sources.append(self.quote(column))
            elif column in special:
                sources.append(special[column])
            else:
                raise ValueError(f"{history_model._meta.label}: no value for history column {column}")
            targets.append(self.quote(column))
        history_table = history_model._meta.db_table
        self.cursor.execute(
            f"INSERT INTO {self.quote(history_table)} ({', '.join(targets)}) "  # noqa: S608 - model tables
            f"SELECT {', '.join(sources)} FROM {self.quote(model._meta.db_table)} WHERE id > %s ORDER BY id",
            [CHANGE_REASON, after_id],
        )
        self.tables.append(history_table)
        return history_table

    def _move_sequence(self, table: str) -> None:
        quoted = self.quote(table)
        self.cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), MAX(id)) FROM {quoted} HAVING MAX(id) IS NOT NULL",  # noqa: S608
            [quoted],
        )
