"""make backup / make restore: a database with records and an uploaded document, backed up, wiped, restored."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from psycopg import sql

from programs.models import ApplicationDocument
from tests import factories
from tests.faults.conftest import PG_BIN, ROOT, copy_database, createdb, database_url
from tests.faults.test_s3_storage import ACCESS_KEY, BUCKET, REGION, SECRET_KEY, s3_server  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE = "faults_backup"


def table_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {
            table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            for table in tables
        }


def run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [shutil.which("bash") or "/bin/bash", str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def backup_database():
    if not (PG_BIN / "pg_dump").exists():
        pytest.skip(f"needs the PostgreSQL 15 client binaries in {PG_BIN}")
    server = database_url(name="postgres")
    createdb(server, DATABASE)
    try:
        yield database_url(name=DATABASE)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def test_backup_then_restore_gives_back_every_row_and_file(tmp_path: Path, settings, backup_database):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    application = factories.ApplicationFactory()
    factories.ZoneTargetFactory.create_batch(3)
    content = b"%PDF-1.4\n" + os.urandom(4096)
    document = ApplicationDocument(
        application=application,
        question_key="plan",
        original_name="사업계획서.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=factories.UserFactory(),
    )
    document.file.save("plan.pdf", ContentFile(content), save=True)
    stored = media / document.file.name
    assert stored.read_bytes() == content

    # The seeded, migrated pytest database becomes the one the scripts work on.
    copy_database(database_url(), backup_database)
    before = table_counts(backup_database)
    assert before["programs_applicationdocument"] == 1

    env = {
        **os.environ,
        "DATABASE_URL": backup_database,
        "DJANGO_MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "PG_BIN": str(PG_BIN),
    }
    made = run("backup.sh", env=env)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert {path.name for path in backup.iterdir()} == {
        "db.dump",
        "media.tar.gz",
        "media.sha256",
        "manifest.json",
        "SHA256SUMS",
    }

    # Everything lost: the database recreated empty, the files deleted.
    connection.close()
    createdb(database_url(name="postgres"), DATABASE)
    shutil.rmtree(media)

    restored = run("restore.sh", str(backup), env=env)
    assert restored.returncode == 0, restored.stderr
    assert table_counts(backup_database) == before
    assert stored.read_bytes() == content
    with psycopg.connect(backup_database) as conn:
        name, digest = conn.execute(
            "SELECT file, sha256 FROM programs_applicationdocument WHERE id = %s", [document.pk]
        ).fetchone()
    assert name == document.file.name
    assert hashlib.sha256((media / name).read_bytes()).hexdigest() == digest


def test_restore_fails_loudly_when_the_backup_does_not_match(tmp_path: Path, backup_database):
    media = tmp_path / "media"
    (media / "applications").mkdir(parents=True)
    (media / "applications" / "a.bin").write_bytes(b"original")
    copy_database(database_url(), backup_database)
    env = {
        **os.environ,
        "DATABASE_URL": backup_database,
        "DJANGO_MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "PG_BIN": str(PG_BIN),
    }
    made = run("backup.sh", env=env)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    other = tmp_path / "tampered"
    shutil.copytree(backup, other)

    # A damaged archive is refused before anything is touched.
    (backup / "media.tar.gz").write_bytes(b"not an archive")
    refused = run("restore.sh", str(backup), env=env)
    assert refused.returncode != 0
    assert "damaged" in refused.stderr
    assert (media / "applications" / "a.bin").read_bytes() == b"original"

    # A manifest the restored database does not match (its checksums made to agree) fails the restore.
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["tables"]["zones_zone"] += 1
    (other / "manifest.json").write_text(json.dumps(manifest))
    sums = subprocess.run(  # noqa: S603
        ["sha256sum", "db.dump", "media.tar.gz", "media.sha256", "manifest.json"],  # noqa: S607
        cwd=other,
        check=True,
        capture_output=True,
        text=True,
    )
    (other / "SHA256SUMS").write_text(sums.stdout)
    mismatch = run("restore.sh", str(other), env=env)
    assert mismatch.returncode != 0
    assert "zones_zone" in mismatch.stderr


def test_uploads_in_a_bucket_are_backed_up_and_restored_into_it(tmp_path: Path, backup_database, s3_server):  # noqa: F811
    s3 = s3_server.client()
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    objects = {
        "applications/7/0123456789abcdef0123456789abcdef": b"%PDF-1.4\n" + os.urandom(2048),
        "selfreports/3/fedcba9876543210fedcba9876543210": b"%PDF-1.4\n" + os.urandom(512),
    }
    for key, body in objects.items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    copy_database(database_url(), backup_database)
    env = {
        **os.environ,
        "DATABASE_URL": backup_database,
        "BACKUP_DIR": str(tmp_path / "backups"),
        "PG_BIN": str(PG_BIN),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "unused-media"),
        "DJANGO_S3_BUCKET": BUCKET,
        "DJANGO_S3_ENDPOINT_URL": s3_server.endpoint_url,
        "DJANGO_S3_REGION": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    made = run("backup.sh", env=env)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    listed = sorted(line.split()[1] for line in (backup / "media.sha256").read_text().splitlines())
    assert listed == sorted(f"./{key}" for key in objects)

    # One object lost, the other overwritten: the restore puts both back as they were.
    first, second = objects
    s3.delete_object(Bucket=BUCKET, Key=first)
    s3.put_object(Bucket=BUCKET, Key=second, Body=b"damaged")
    restored = run("restore.sh", str(backup), env=env)
    assert restored.returncode == 0, restored.stderr
    for key, body in objects.items():
        assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == body
    assert not (tmp_path / "unused-media").exists()  # nothing written to a local folder instead
