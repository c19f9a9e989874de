"""Benchmark 3: a zone's KPI snapshot against hand-written SQL; and the Celery worker's half of benchmark 6.

- One zone and one quarter at full size: `zones.kpi.compute_all` against `bench.kpi_sql` through the same
  connection, the figures checked equal first, runs taking turns: one statement per measure (the target), and
  the same statements grouped as the ORM groups its queries (what the ORM itself costs).
- Every zone's quarter snapshot (`kpi_snapshot_take` for each zone, in a transaction rolled back): the total.
- A real Celery worker (solo pool) taking a `KpiSnapshotRun` of every zone: its peak RSS (VmHWM) at the small
  and the full size, which should not grow with the tables.

`python -m bench.kpi_snapshot one-zone|all-zones|worker` is the measurement against the DATABASE_URL database
(run by `bench()` in a child process, one database per process); its last stdout line is JSON.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import ROOT, RUNS, Env, Row, run_child

ZONE = os.environ.get("BENCH_KPI_ZONE", "scale-001")
PERIOD = os.environ.get("BENCH_KPI_PERIOD", "2025-Q4")
RATIO_TARGET = 1.3
ALL_ZONES_TARGET_S = 10.0
# The worker's peak at full size against the small one: what the process holds must not follow the tables.
MEMORY_GROWTH_TARGET = 1.15
CELERY = str(ROOT / ".venv" / "bin" / "celery")


def bench(env: Env) -> list[Row]:
    rows = []
    one = run_child("bench.kpi_snapshot", env.full_url, "one-zone")
    ratio = one["orm_ms"] / one["sql_ms"]
    grouped_ratio = one["orm_ms"] / one["grouped_ms"]
    rows.append(
        Row(
            what=f"KPI compute_all, {one['zone']} {PERIOD}: ORM vs SQL, one statement per measure",
            size=env.full_label,
            median=one["orm_ms"],
            unit="ms",
            runs=one["runs"],
            ratio=ratio,
            target=f"<= {RATIO_TARGET}x SQL",
            passed=ratio <= RATIO_TARGET,
            notes=(
                f"SQL {one['sql_ms']:.0f} ms; {one['measures']} measures: {one['orm_queries']} ORM queries vs "
                f"{one['sql_statements']} statements; figures identical"
            ),
            extra=one,
        )
    )
    rows.append(
        Row(
            what=f"KPI compute_all, {one['zone']} {PERIOD}: ORM vs SQL grouped as the ORM groups",
            size=env.full_label,
            median=one["orm_ms"],
            unit="ms",
            runs=one["runs"],
            ratio=grouped_ratio,
            # Not the yardstick (that is one statement per measure, above): what the ORM itself costs
            # over the same grouped statements, reported.
            target="reported",
            notes=(
                f"SQL {one['grouped_ms']:.0f} ms; {one['orm_queries']} ORM queries vs "
                f"{one['grouped_statements']} statements: the ORM's own overhead; figures identical"
            ),
        )
    )
    rows.append(
        Row(
            what=f"kpi_snapshot_take, {one['zone']} {PERIOD} (rolled back)",
            size=env.full_label,
            median=one["take_ms"],
            unit="ms",
            runs=one["runs"],
            notes="compute + 40 snapshot rows and their history",
        )
    )
    every = run_child("bench.kpi_snapshot", env.full_url, "all-zones")
    total_s = every["median_ms"] / 1000
    rows.append(
        Row(
            what=f"kpi_snapshot_take, all {every['zones']} zones {PERIOD} (rolled back)",
            size=env.full_label,
            median=total_s,
            unit="s",
            runs=every["runs"],
            target=f"< {ALL_ZONES_TARGET_S:.0f} s",
            passed=total_s < ALL_ZONES_TARGET_S,
            notes=f"runs {', '.join(f'{ms / 1000:.1f}' for ms in every['times_ms'])} s",
            extra=every,
        )
    )
    small = run_child("bench.kpi_snapshot", env.small_url, "worker")
    full = run_child("bench.kpi_snapshot", env.full_url, "worker")
    for label, measured in ((env.small_label, small), (env.full_label, full)):
        is_full = measured is full
        growth = full["peak_mib"] / small["peak_mib"]
        rows.append(
            Row(
                what=f"Celery worker peak RSS, KPI snapshot run of {measured['zones']} zone(s)",
                size=label,
                median=measured["peak_mib"],
                unit="MiB",
                runs=measured["runs"],
                ratio=growth if is_full else None,
                target=f"<= {MEMORY_GROWTH_TARGET}x small" if is_full else "reported",
                passed=growth <= MEMORY_GROWTH_TARGET if is_full else None,
                notes=(f"idle {measured['idle_mib']:.0f} MiB; run {measured['run_s']:.1f} s (queued to done)"),
                extra=measured,
            )
        )
    return rows


# --- the measurements, in a child process against DATABASE_URL --------------------------------------------


def _setup() -> None:
    import django

    django.setup()


def _period():
    from zones.services_kpi import parse_period

    return parse_period(PERIOD)


# The big tables the measures read. generate_scale_data analyses them but leaves vacuuming to autovacuum,
# which may still be at work when the benchmark starts: vacuumed first, as autovacuum keeps them in service
# (the visibility map is what lets an index answer alone).
KPI_TABLES = (
    "companies_tenancy",
    "companies_mou",
    "companies_moucommitment",
    "programs_application",
    "programs_investment",
    "programs_computeallocation",
    "programs_enrolment",
)


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(KPI_TABLES)}")


def _require_untaken(zones, kind, start) -> None:
    """A period already taken would make `kpi_snapshot_take` a no-op: refuse to measure that."""
    from zones.models import KpiSnapshot

    taken = KpiSnapshot.objects.filter(zone__in=zones, period_kind=kind, period_start=start).count()
    if taken:
        raise SystemExit(f"{taken} KPI snapshots of {PERIOD} exist already: measure on a database without them.")


def one_zone(runs: int) -> dict:
    """compute_all against the hand-written statements for one zone: equal figures first, then alternating runs."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from bench.kpi_sql import GROUPED, STATEMENTS, compute_all_sql, compute_all_sql_grouped
    from zones.kpi import compute_all
    from zones.models import Zone
    from zones.services_kpi import kpi_snapshot_take

    kind, start, end = _period()
    zone = Zone.objects.get(slug=ZONE)
    _require_untaken([zone], kind, start)
    _vacuum()

    def orm():
        return compute_all(zone, start, end)

    def sql():
        with connection.cursor() as cursor:
            return compute_all_sql(cursor, zone.pk, start, end)

    def grouped():
        with connection.cursor() as cursor:
            return compute_all_sql_grouped(cursor, zone.pk, start, end)

    with CaptureQueriesContext(connection) as captured:
        by_orm = orm()
    for label, by_sql in (("SQL", sql()), ("grouped SQL", grouped())):
        differ = {
            code: (by_orm.get(code), by_sql.get(code))
            for code in by_orm.keys() | by_sql.keys()
            if by_orm.get(code) != by_sql.get(code) or type(by_orm.get(code)) is not type(by_sql.get(code))
        }
        if differ:
            raise SystemExit(f"ORM and {label} figures differ for {ZONE} {PERIOD} (code: (orm, sql)): {differ}")

    def take():
        with transaction.atomic():
            kpi_snapshot_take(zone=zone, period_kind=kind, period_start=start)
            transaction.set_rollback(True)

    take()
    orm_times, sql_times, grouped_times, take_times = [], [], [], []
    contenders = [(orm, orm_times), (sql, sql_times), (grouped, grouped_times)]
    for index in range(runs):
        for fn, times in contenders[index % 3 :] + contenders[: index % 3]:  # each goes first in turn
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        take()
        take_times.append((time.perf_counter() - started) * 1000)
    return {
        "zone": ZONE,
        "period": PERIOD,
        "runs": runs,
        "measures": len(by_orm),
        "orm_queries": len(captured.captured_queries),
        "sql_statements": len(STATEMENTS),
        "grouped_statements": len(GROUPED),
        "orm_ms": statistics.median(orm_times),
        "sql_ms": statistics.median(sql_times),
        "grouped_ms": statistics.median(grouped_times),
        "take_ms": statistics.median(take_times),
        "orm_times_ms": orm_times,
        "sql_times_ms": sql_times,
        "grouped_times_ms": grouped_times,
        "take_times_ms": take_times,
        "figures": {code: value for code, value in by_orm.items()},
    }


def all_zones(runs: int) -> dict:
    """Every zone's quarter snapshot in one transaction, rolled back so that each run takes them anew."""
    from django.db import transaction

    from zones.models import Zone
    from zones.services_kpi import kpi_snapshot_take

    kind, start, _ = _period()
    zones = list(Zone.objects.order_by("pk"))
    _require_untaken(zones, kind, start)

    def take_all():
        with transaction.atomic():
            for zone in zones:
                kpi_snapshot_take(zone=zone, period_kind=kind, period_start=start)
            transaction.set_rollback(True)

    take_all()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        take_all()
        times.append((time.perf_counter() - started) * 1000)
    return {"zones": len(zones), "runs": runs, "median_ms": statistics.median(times), "times_ms": times}


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


class _Sampler(threading.Thread):
    """The largest VmRSS of a process, sampled every 20 ms."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.halt = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.halt.wait(0.02):
            try:
                self.peak_kib = max(self.peak_kib, _status_kib(self.pid, "VmRSS"))
            except (OSError, RuntimeError):
                return


def _start_worker(log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    process = subprocess.Popen(  # noqa: S603 - our own virtualenv's celery
        [
            CELERY,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"bench-kpi-{os.getpid()}@%h",
        ],  # fmt: skip
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while " ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"the Celery worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)
    return process


def _stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _forget(kind, start, run_ids) -> None:
    """Remove what a measured run wrote, so that the next run (and the next benchmark) starts as before."""
    from zones.models import KpiSnapshot, KpiSnapshotRun

    KpiSnapshot.objects.filter(period_kind=kind, period_start=start).delete()
    KpiSnapshot.history.filter(period_kind=kind, period_start=start).delete()
    KpiSnapshotRun.zones.through.objects.filter(kpisnapshotrun_id__in=run_ids).delete()
    KpiSnapshotRun.objects.filter(pk__in=run_ids).delete()
    KpiSnapshotRun.history.filter(id__in=run_ids).delete()


def worker(runs: int) -> dict:
    """A fresh solo-pool worker per run takes a KpiSnapshotRun of every zone; its peak RSS and the run's time."""
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        raise SystemExit("CELERY_BROKER_URL must name the benchmark's Redis (scripts/bench.sh exports it).")
    from zones.models import KpiSnapshotRun, Zone
    from zones.services_kpi_runs import kpi_snapshot_run_start

    kind, start, _ = _period()
    zones = list(Zone.objects.order_by("pk"))
    _require_untaken(zones, kind, start)
    peaks, sampled, idles, seconds = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-kpi-") as folder:
        for index in range(runs):
            process = _start_worker(Path(folder) / f"worker-{index}.log")
            run_ids = []
            try:
                idles.append(_status_kib(process.pid, "VmRSS"))
                sampler = _Sampler(process.pid)
                sampler.start()
                started = time.perf_counter()
                run = kpi_snapshot_run_start(zones=zones, period_kind=kind, period_start=start, acting_user=None)
                run_ids.append(run.pk)
                deadline = time.monotonic() + 900
                while run.status not in (KpiSnapshotRun.Status.DONE, KpiSnapshotRun.Status.FAILED):
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"the KPI snapshot run did not end ({run.status})")
                    time.sleep(0.05)
                    run.refresh_from_db()
                seconds.append(time.perf_counter() - started)
                peaks.append(_status_kib(process.pid, "VmHWM"))
                sampler.halt.set()
                sampler.join()
                sampled.append(sampler.peak_kib)
                if run.status != KpiSnapshotRun.Status.DONE or run.done != len(zones):
                    raise SystemExit(f"the KPI snapshot run failed: {run.error}")
            finally:
                _stop_worker(process)
                _forget(kind, start, run_ids)
    return {
        "zones": len(zones),
        "runs": runs,
        "peak_mib": statistics.median(peaks) / 1024,
        "idle_mib": statistics.median(idles) / 1024,
        "sampled_peak_mib": statistics.median(sampled) / 1024,
        "run_s": statistics.median(seconds),
        "peaks_mib": [kib / 1024 for kib in peaks],
        "run_times_s": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.kpi_snapshot")
    parser.add_argument("what", choices=("one-zone", "all-zones", "worker"))
    parser.add_argument("--runs", type=int, default=RUNS)
    options = parser.parse_args()
    _setup()
    measure = {"one-zone": one_zone, "all-zones": all_zones, "worker": worker}[options.what]
    print(json.dumps(measure(options.runs)))


if __name__ == "__main__":
    sys.exit(main())
