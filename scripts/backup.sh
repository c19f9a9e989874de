#!/usr/bin/env bash
# make backup: the database (pg_dump, custom format) and the uploaded files, with a manifest to check a restore by.
#
#   DATABASE_URL=postgres://... scripts/backup.sh          # into var/backups/<timestamp>/
#   BACKUP_DIR=/srv/backups scripts/backup.sh               # into /srv/backups/<timestamp>/
#
# Writes db.dump, media.tar.gz, media.sha256 (every file's checksum), manifest.json (row counts per table,
# taken in the same snapshot as the dump) and SHA256SUMS (the archives). Prints the backup's directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'backup: %s\n' "$*" >&2; exit 1; }

case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *) die "DATABASE_URL must point at PostgreSQL (postgres://...); SQLite is not backed up by this script" ;;
esac
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_DUMP="$PG_BIN/pg_dump"
[ -x "$PG_DUMP" ] || PG_DUMP="$(command -v pg_dump)" || die "pg_dump not found (set PG_BIN)"
PYTHON=".venv/bin/python"
[ -x "$PYTHON" ] || die "the virtualenv is missing: run make venv"

MEDIA_ROOT="${DJANGO_MEDIA_ROOT:-${DJANGO_VAR_DIR:-var}/media}"
BUCKET_COPY=""
BACKUP_DIR="${BACKUP_DIR:-var/backups}"
TARGET="$BACKUP_DIR/$(date -u +%Y%m%dT%H%M%SZ)"
[ -e "$TARGET" ] && die "$TARGET exists already"
mkdir -p "$TARGET.partial"
trap 'rm -rf "$TARGET.partial" ${BUCKET_COPY:+"$BUCKET_COPY"}' EXIT

log "dumping the database"
# The row counts and the dump read one snapshot: the manifest describes exactly what the dump holds.
PG_DUMP="$PG_DUMP" OUT="$TARGET.partial" "$PYTHON" - <<'PY'
import datetime as dt
import json
import os
import subprocess
from urllib.parse import urlsplit, urlunsplit

import psycopg

url = os.environ["DATABASE_URL"]
out = os.environ["OUT"]
COUNT_TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""
with psycopg.connect(url) as conn:
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
    subprocess.run(
        [os.environ["PG_DUMP"], "--format=custom", "--no-owner", f"--snapshot={snapshot}", "--file", f"{out}/db.dump",
         "--dbname", url],
        check=True,
    )
    tables = [row[0] for row in conn.execute(COUNT_TABLES)]
    counts = {
        table: conn.execute(
            psycopg.sql.SQL("SELECT count(*) FROM {}").format(psycopg.sql.Identifier("public", table))
        ).fetchone()[0]
        for table in tables
    }
parts = urlsplit(url)
host = parts.hostname or ""
safe = urlunsplit((parts.scheme, f"{parts.username or ''}@{host}:{parts.port or 5432}", parts.path, "", ""))
manifest = {
    "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    "database": safe,
    "tables": counts,
}
with open(f"{out}/manifest.json", "w", encoding="utf-8") as stream:
    json.dump(manifest, stream, indent=2, sort_keys=True)
    stream.write("\n")
PY

if [ -n "${DJANGO_S3_BUCKET:-}" ]; then
    # The uploads live in the bucket: a copy of every object is archived like a local folder.
    BUCKET_COPY="$(mktemp -d "${TMPDIR:-/tmp}/aizone-bucket.XXXXXX")"
    log "downloading the uploaded files from bucket $DJANGO_S3_BUCKET"
    "$PYTHON" manage.py bucket_files download "$BUCKET_COPY" >&2
    MEDIA_ROOT="$BUCKET_COPY"
fi

log "archiving the uploaded files in $MEDIA_ROOT"
if [ -d "$MEDIA_ROOT" ]; then
    (cd "$MEDIA_ROOT" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) >"$TARGET.partial/media.sha256"
    tar -C "$MEDIA_ROOT" -czf "$TARGET.partial/media.tar.gz" .
else
    log "no $MEDIA_ROOT: the backup holds no files"
    : >"$TARGET.partial/media.sha256"
    tar -czf "$TARGET.partial/media.tar.gz" -T /dev/null
fi
(cd "$TARGET.partial" && sha256sum db.dump media.tar.gz media.sha256 manifest.json >SHA256SUMS)

mv "$TARGET.partial" "$TARGET"
trap - EXIT
log "backup written: $(wc -l <"$TARGET/media.sha256") file(s), $(du -sh "$TARGET" | cut -f1)"
echo "$TARGET"
