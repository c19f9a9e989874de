#!/usr/bin/env bash
# make restore BACKUP=<dir>: put a backup of scripts/backup.sh back, then check it against its manifest.
#
#   DATABASE_URL=postgres://... scripts/restore.sh var/backups/20250101T000000Z
#
# The archives are checked first (SHA256SUMS); the database is restored in one transaction (pg_restore --clean
# --if-exists: the backup's tables replace the current ones); the files replace MEDIA_ROOT (the previous
# directory is kept beside it as <MEDIA_ROOT>.before-restore-<time>). Then every table's row count and every
# file's checksum must match the manifest, or the script fails naming what differs. With DJANGO_S3_BUCKET set,
# the files are uploaded into the bucket instead (objects the backup does not have are left there) and read
# back from it for the check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'restore: %s\n' "$*" >&2; exit 1; }

BACKUP="${1:-${BACKUP:-}}"
[ -n "$BACKUP" ] || die "which backup? make restore BACKUP=var/backups/<timestamp>"
[ -f "$BACKUP/manifest.json" ] || die "$BACKUP is not a backup (no manifest.json)"
BACKUP="$(cd "$BACKUP" && pwd)"
case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *) die "DATABASE_URL must point at PostgreSQL (postgres://...)" ;;
esac
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_RESTORE="$PG_BIN/pg_restore"
[ -x "$PG_RESTORE" ] || PG_RESTORE="$(command -v pg_restore)" || die "pg_restore not found (set PG_BIN)"
PYTHON=".venv/bin/python"
[ -x "$PYTHON" ] || die "the virtualenv is missing: run make venv"
MEDIA_ROOT="${DJANGO_MEDIA_ROOT:-${DJANGO_VAR_DIR:-var}/media}"

log "checking the archives"
(cd "$BACKUP" && sha256sum --quiet -c SHA256SUMS) || die "the backup's archives are damaged (SHA256SUMS)"

log "restoring the database"
"$PG_RESTORE" --clean --if-exists --no-owner --single-transaction --exit-on-error \
    --dbname "$DATABASE_URL" "$BACKUP/db.dump" || die "pg_restore failed; the database was left as it was"

BUCKET_STAGE=""
if [ -n "${DJANGO_S3_BUCKET:-}" ]; then
    BUCKET_STAGE="$(mktemp -d "${TMPDIR:-/tmp}/aizone-bucket.XXXXXX")"
    MEDIA_ROOT="$BUCKET_STAGE/files"
fi

log "restoring the uploaded files into $MEDIA_ROOT"
mkdir -p "$(dirname "$MEDIA_ROOT")"
STAGING="$(mktemp -d "$MEDIA_ROOT.restore.XXXXXX")"
trap 'rm -rf "$STAGING"' EXIT
tar -C "$STAGING" -xzf "$BACKUP/media.tar.gz"
if [ -s "$BACKUP/media.sha256" ]; then
    (cd "$STAGING" && sha256sum --quiet -c "$BACKUP/media.sha256") || die "restored files differ from media.sha256"
fi
if [ -e "$MEDIA_ROOT" ]; then
    PREVIOUS="$MEDIA_ROOT.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
    mv "$MEDIA_ROOT" "$PREVIOUS"
    log "the previous files are in $PREVIOUS"
fi
mv "$STAGING" "$MEDIA_ROOT"
chmod 755 "$MEDIA_ROOT"
trap - EXIT
if [ -n "$BUCKET_STAGE" ]; then
    trap 'rm -rf "$BUCKET_STAGE"' EXIT
    log "uploading the files into bucket $DJANGO_S3_BUCKET"
    "$PYTHON" manage.py bucket_files upload "$MEDIA_ROOT" >&2
    "$PYTHON" manage.py bucket_files download "$BUCKET_STAGE/check" >&2
    if [ -s "$BACKUP/media.sha256" ]; then
        (cd "$BUCKET_STAGE/check" && sha256sum --quiet -c "$BACKUP/media.sha256") \
            || die "the objects in bucket $DJANGO_S3_BUCKET do not match the backup"
    fi
fi

log "checking the restore against the manifest"
MANIFEST="$BACKUP/manifest.json" "$PYTHON" - <<'PY'
import json
import os
import sys

import psycopg
from psycopg import sql

manifest = json.load(open(os.environ["MANIFEST"], encoding="utf-8"))
wrong = []
with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
    for table, expected in sorted(manifest["tables"].items()):
        try:
            found = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))).fetchone()[0]
        except psycopg.errors.UndefinedTable:
            conn.rollback()
            found = None
        if found != expected:
            wrong.append(f"{table}: {found} rows, the backup had {expected}")
if wrong:
    print("restore: the database does not match the backup:", *wrong, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"==> {len(manifest['tables'])} tables match the manifest", file=sys.stderr)
PY
(cd "$MEDIA_ROOT" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) \
    | diff -u "$BACKUP/media.sha256" - >&2 || die "the files in $MEDIA_ROOT do not match the backup"
log "restore complete: $BACKUP"
