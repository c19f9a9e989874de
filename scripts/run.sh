#!/usr/bin/env bash
# make run: set everything up, load the demo data, serve the admin and the portal with a Celery worker and beat.
#
# Defaults need no server: SQLite in var/ and kombu's filesystem broker in var/broker.
# Set DATABASE_URL (postgres://...) and CELERY_BROKER_URL (redis://...) to use PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*" >&2; }

bash scripts/setup.sh fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
mkdir -p var

log "migrating the database"
.venv/bin/python manage.py migrate --noinput -v0
log "loading the demo data"
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py setup_schedules
.venv/bin/python manage.py ensure_admin

# honcho gives each process its own PORT, so the web server's address travels under other names.
export WEB_HOST="${HOST:-127.0.0.1}" WEB_PORT="${PORT:-8000}"
log "serving on http://$WEB_HOST:$WEB_PORT/ (admin: /admin/); Ctrl-C stops the web server, worker and beat"
exec .venv/bin/honcho start -f Procfile
