"""Benchmark 4: CSV import of 100,000 new companies (`manage.py import_companies`), all or nothing.

A file of 100,000 valid companies (registration numbers "98" + a serial + the check digit: neither the scale
data's "99" nor the demo's or the factories' numbers) is imported into the full database, 5 times, each run in
a transaction rolled back afterwards (the table is back to its generated state for the next run). The same file
with one bad row at the end must import nothing and name that row. For comparison, the admin's path
(django-import-export, full_clean per row) on the first 2,000 rows of the file.

    python -m bench.csv_import fast FILE RUNS       (child, against DATABASE_URL)
    python -m bench.csv_import bad FILE             (child)
    python -m bench.csv_import resource FILE ROWS   (child)
"""

from __future__ import annotations

import csv
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import RUNS, Env, Row, run_child

ROWS = 100_000
TARGET_ROWS_PER_S = 5_000
RESOURCE_ROWS = 2_000
BRN_PREFIX = "98"
SIZES = ("startup", "sme", "midsize", "large", "institution")


def _brn(index: int) -> str:
    from core.validators import brn_check_digit

    first_nine = f"{BRN_PREFIX}{index:07d}"
    return first_nine + str(brn_check_digit(first_nine))


def write_csv(path: Path, rows: int, *, bad_row: int | None = None) -> None:
    from companies.imports import COLUMNS

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            brn = _brn(i)
            if i + 1 == bad_row:
                brn = brn[:9] + str((int(brn[9]) + 1) % 10)
            values = {
                "brn": f"{brn[:3]}-{brn[3:5]}-{brn[5:]}",
                "name_ko": f"가져온 기업 {i + 1:06d}",
                "name_en": f"Imported Company {i + 1:06d}",
                "corporate_number": "",
                "size": SIZES[i % len(SIZES)],
                "ai_fields": "",
                "founded_on": f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10}",
                "headcount": str(3 + i % 500),
                "representative": f"대표 {i % 1000}",
                "sido": "서울특별시",
                "sigungu": f"{1 + i % 25}구",
                "road_name": "테헤란로",
                "building_no": str(1 + i % 400),
                "address_detail": f"{1 + i % 20}층",
                "postcode": f"{10_000 + i % 89_999:05d}",
                "phone": f"02-{1_000 + i % 9_000}-{i % 10_000:04d}",
                "email": f"contact{i}@import.example.kr",
                "website": f"https://import{i}.example.kr",
            }
            writer.writerow([values[name] for name in COLUMNS])


# --- children (one database each) -------------------------------------------------------------------------------


def _setup_django() -> None:
    import django

    django.setup()


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_fast(path: str, runs: int) -> dict:
    from django.db import transaction

    from companies.imports import import_companies_csv, read_lines
    from companies.models import Company

    class Rollback(Exception):
        pass

    before = Company.objects.count()
    times, cpu = [], []
    for _ in range(runs):
        try:
            with transaction.atomic():
                started, cpu_started = time.perf_counter(), time.process_time()
                report = import_companies_csv(read_lines(path))
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                if not report.ok or report.imported != ROWS:
                    raise RuntimeError(f"import failed: {report.errors[:5]}")
                if Company.objects.count() != before + ROWS or Company.history.filter(brn=_brn(0)).count() != 1:
                    raise RuntimeError("rows or history missing after the import")
                raise Rollback
        except Rollback:
            pass
    if Company.objects.count() != before:
        raise RuntimeError("a run was not rolled back")
    return {"seconds": times, "cpu_seconds": cpu, "peak_rss_mib": _peak_rss_mib(), "load_average": os.getloadavg()[0]}


def child_bad(path: str) -> dict:
    from companies.imports import import_companies_csv, read_lines
    from companies.models import Company

    before = Company.objects.count()
    started = time.perf_counter()
    report = import_companies_csv(read_lines(path))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "imported": report.imported,
        "written": Company.objects.count() - before,
        "errors": [(e.row, e.field) for e in report.errors],
    }


def child_resource(path: str, rows: int) -> dict:
    import tablib

    from companies.resources import CompanyResource

    with open(path, encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(rows + 1)]
    dataset = tablib.Dataset().load("".join(lines), format="csv")
    started = time.perf_counter()
    result = CompanyResource().import_data(dataset, dry_run=True)  # checks every row, then rolls back
    seconds = time.perf_counter() - started
    if result.has_validation_errors() or result.has_errors():
        raise RuntimeError("the resource refused the file")
    return {"seconds": seconds}


# --- the benchmark ----------------------------------------------------------------------------------------------


def bench(env: Env) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-csv-") as tmp:
        good, bad = Path(tmp) / "companies.csv", Path(tmp) / "companies-bad.csv"
        run_child("bench.csv_import", env.full_url, "write", str(good), str(bad))
        fast = run_child("bench.csv_import", env.full_url, "fast", str(good), str(RUNS), timeout=3600)
        refused = run_child("bench.csv_import", env.full_url, "bad", str(bad))
        old = run_child("bench.csv_import", env.full_url, "resource", str(good), str(RESOURCE_ROWS))

    seconds = statistics.median(fast["seconds"])
    rate = ROWS / seconds
    old_rate = RESOURCE_ROWS / old["seconds"]
    rates = sorted(ROWS / s for s in fast["seconds"])
    refused_ok = refused["imported"] == 0 and refused["written"] == 0 and refused["errors"] == [[ROWS, "brn"]]
    return [
        Row(
            what="CSV import of new companies (COPY, all or nothing)",
            size=f"{ROWS:,} rows into {env.full_label}",
            median=rate,
            unit="rows/s",
            runs=len(fast["seconds"]),
            ratio=rate / TARGET_ROWS_PER_S,
            target=f">= {TARGET_ROWS_PER_S:,} rows/s",
            passed=rate >= TARGET_ROWS_PER_S,
            notes=(
                f"{seconds:.1f}s median, runs {rates[0]:,.0f}..{rates[-1]:,.0f} rows/s; peak RSS "
                f"{fast['peak_rss_mib']:.0f} MiB; importer's own CPU {ROWS / statistics.median(fast['cpu_seconds']):,.0f} "
                f"rows per CPU-second (the rest is PostgreSQL and waiting); load average {fast['load_average']:.1f}; "
                f"admin path (import-export dry run) {old_rate:,.0f} rows/s"
            ),
            extra={"fast": fast, "resource_rows_per_s": old_rate},
        ),
        Row(
            what="CSV import, one bad row (the last) in 100,000",
            size=f"{ROWS:,} rows into {env.full_label}",
            median=refused["seconds"] * 1000,
            unit="ms",
            runs=1,
            target="nothing imported, row named",
            passed=refused_ok,
            notes=f"imported {refused['written']}, errors {refused['errors'][:3]}",
            extra=refused,
        ),
    ]


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "write":
        _setup_django()
        write_csv(Path(args[0]), ROWS)
        write_csv(Path(args[1]), ROWS, bad_row=ROWS)
        result: dict = {"rows": ROWS}
    else:
        _setup_django()
        if command == "fast":
            result = child_fast(args[0], int(args[1]))
        elif command == "bad":
            result = child_bad(args[0])
        elif command == "resource":
            result = child_resource(args[0], int(args[1]))
        else:
            raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
