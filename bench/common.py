"""What every benchmark shares: the result row, medians, running a measurement in a child process against one
database, and the table."""

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


@dataclass
class Row:
    """One line of the table: what was measured, at which size, the median of `runs` runs, and the target."""

    what: str
    size: str
    median: float
    unit: str
    runs: int
    ratio: float | None = None  # the measured ratio the target is about (None when the target is absolute)
    target: str = ""
    passed: bool | None = None
    notes: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Env:
    """Where the benchmarks run: two databases with the same schema (small: about 1% of full), Redis."""

    small_url: str
    full_url: str
    redis_url: str
    small_label: str
    full_label: str


def env_from_os() -> Env:
    return Env(
        small_url=os.environ["BENCH_SMALL_DATABASE_URL"],
        full_url=os.environ["BENCH_FULL_DATABASE_URL"],
        redis_url=os.environ["REDIS_URL"],
        small_label=os.environ.get("BENCH_SMALL_LABEL", "1%"),
        full_label=os.environ.get("BENCH_FULL_LABEL", "full"),
    )


def median_ms(fn: Callable[[], object], runs: int = RUNS, warmup: int = 1) -> float:
    """Median wall time of `fn` in milliseconds, after `warmup` unmeasured calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        **extra,
    }


def run_child(module: str, database_url: str, *args: str, timeout: int = 1800, **extra_env: str):
    """Run `python -m <module> args...` against one database; its last stdout line is JSON, returned parsed."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        env=child_env(database_url, **extra_env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise RuntimeError(f"{module} {' '.join(args)} failed ({completed.returncode})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def format_table(rows: list[Row]) -> str:
    headers = ("what", "size", "median", "ratio", "target", "ok", "notes")
    lines = [
        (
            row.what,
            row.size,
            f"{row.median:,.1f} {row.unit}",
            "" if row.ratio is None else f"{row.ratio:.2f}",
            row.target,
            {True: "yes", False: "NO", None: "-"}[row.passed],
            row.notes,
        )
        for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *lines, strict=False)]
    out = [" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    out.append("-+-".join("-" * w for w in widths))
    out += [" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)


def write_json(rows: list[Row], path: Path, machine: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"machine": machine, "rows": [asdict(row) for row in rows]}, indent=2, ensure_ascii=False)
    )
