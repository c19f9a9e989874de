#!/usr/bin/env bash
# Run the full check suite against a throwaway PostgreSQL and Redis.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh tests/zones -x  # extra arguments go to pytest
#
# Both servers live in temporary directories and are stopped and removed on
# exit, whether the checks pass, fail or are interrupted. The exit code is the
# exit code of the first failing check (0 when all pass).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*" >&2; }

bash scripts/setup.sh redis-server postgresql-15 chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
PG_DATABASES=(zones)
# shellcheck source=scripts/services.sh
source scripts/services.sh

# --- checks ------------------------------------------------------------------

export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/zones"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/1"
export DJANGO_SETTINGS_MODULE=config.settings.test

# SKIP_LINT=1 runs only pytest (for quick iteration; the full run checks everything).
if [ -z "${SKIP_LINT:-}" ]; then
    log "makemigrations --check"
    .venv/bin/python manage.py makemigrations --check --dry-run
    log "ruff check"
    .venv/bin/ruff check .
    log "ruff format --check"
    .venv/bin/ruff format --check .
fi
log "pytest $*"
.venv/bin/pytest "$@"
