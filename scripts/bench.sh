#!/usr/bin/env bash
# make bench: the benchmarks of docs/performance.md against a throwaway PostgreSQL 15 and Redis.
#
# Two databases of the same schema are filled by generate_scale_data: bench_small (BENCH_SMALL_SCALE, 1% by
# default) and bench_full (BENCH_SCALE, the issue's full size by default: 100,000 companies, 300,000 MOUs,
# 500,000 applications, 1,000,000 enrolments, ...). Filling the full one takes a few minutes.
#   BENCH_SCALE=0.1 make bench            # a tenth of the size, for a quick look
#   make bench ARGS="--only kpi_snapshot"  # some benchmarks only
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*" >&2; }

bash scripts/setup.sh redis-server postgresql-15 wrk fonts-noto-cjk
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt 2>&1 \
    | { grep -v 'is ignored: it is neither a file nor a directory' || true; }

PG_DATABASES=(bench_small bench_full)
# shellcheck source=scripts/services.sh
source scripts/services.sh

export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/1"
export DJANGO_SETTINGS_MODULE=config.settings.bench
export BENCH_SMALL_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/bench_small"
export BENCH_FULL_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/bench_full"
export BENCH_SMALL_LABEL="scale ${BENCH_SMALL_SCALE:-0.01}" BENCH_FULL_LABEL="scale ${BENCH_SCALE:-1}"

for which in small full; do
    if [ "$which" = small ]; then url="$BENCH_SMALL_DATABASE_URL"; scale="${BENCH_SMALL_SCALE:-0.01}";
    else url="$BENCH_FULL_DATABASE_URL"; scale="${BENCH_SCALE:-1}"; fi
    log "migrating and filling bench_$which (scale $scale)"
    DATABASE_URL="$url" .venv/bin/python manage.py migrate --noinput -v0
    DATABASE_URL="$url" .venv/bin/python manage.py generate_scale_data --scale "$scale"
done

log "running the benchmarks"
.venv/bin/python -m bench "$@"
