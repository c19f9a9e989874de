"""python -m bench [--only NAME ...]: run the benchmarks in order, print one table, write it as JSON.

Expects the environment scripts/bench.sh prepares: BENCH_SMALL_DATABASE_URL and BENCH_FULL_DATABASE_URL
(migrated, filled by generate_scale_data), REDIS_URL.
"""

import argparse
import importlib
import os
import platform
import sys
from pathlib import Path

from bench.common import ROOT, Row, env_from_os, format_table, write_json

# Each module has `bench(env) -> list[Row]`; the order is the order.
BENCHMARKS = ("admin_lists", "api_lists", "kpi_snapshot", "csv_import", "portal_load")


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS, help="run only these benchmarks")
    parser.add_argument("--output", default=str(ROOT / "var" / "bench" / "results.json"))
    options = parser.parse_args()
    env = env_from_os()
    rows: list[Row] = []
    for name in options.only or BENCHMARKS:
        module = importlib.import_module(f"bench.{name}")
        print(f"==> {name}", file=sys.stderr, flush=True)
        rows += module.bench(env)
    print(format_table(rows))
    write_json(rows, Path(options.output), machine())
    print(f"\nwritten to {options.output}", file=sys.stderr)
    return 0 if all(row.passed is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
