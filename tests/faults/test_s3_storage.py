"""Uploaded documents on S3-compatible storage: a company uploads through the portal, the object lands in a
private bucket under a random key, and only the permission-checked view hands the bytes back. The bucket is
a real moto server started as a subprocess on a loopback port and stopped by pid."""

from __future__ import annotations

import re
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.error import URLError

import boto3
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from config.settings.storage import S3_STORAGE_BACKEND, default_storage_from_env
from programs.models import Application, ApplicationDocument
from tests.faults.conftest import VENV_BIN, free_port, stop_process, wait_until
from tests.programs.test_portal_support import PDF, call_with_form, member_of, pdf_upload

pytestmark = pytest.mark.django_db

BUCKET = "aizone-documents"
REGION = "ap-northeast-2"
ACCESS_KEY = "moto-test-key"
SECRET_KEY = "moto-test-secret"  # noqa: S105


@dataclass
class S3Server:
    endpoint_url: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310
            return True
    except URLError:
        return False
    except OSError:
        return False


@pytest.fixture
def s3_server(tmp_path) -> Iterator[S3Server]:
    port = free_port()
    log = (tmp_path / "moto.log").open("wb")
    process = subprocess.Popen(  # noqa: S603
        [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: process.poll() is not None or _answers(f"{url}/moto-api/"), 15, "moto_server")
        assert process.poll() is None, (tmp_path / "moto.log").read_text(errors="replace")
        yield S3Server(endpoint_url=url)
    finally:
        stop_process(process)
        log.close()


@pytest.fixture
def s3_storage(s3_server, settings) -> S3Server:
    """The default storage pointed at a fresh private bucket, configured the way production reads it."""
    s3_server.client().create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    environ = {
        "DJANGO_S3_BUCKET": BUCKET,
        "DJANGO_S3_ENDPOINT_URL": s3_server.endpoint_url,
        "DJANGO_S3_REGION": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": default_storage_from_env(settings.STORAGES["default"], environ),
    }
    from storages.backends.s3 import S3Storage

    assert default_storage.bucket_name == BUCKET  # evaluates the lazy default storage
    assert type(default_storage._wrapped) is S3Storage
    return s3_server


def test_without_a_bucket_the_default_storage_stays_as_configured():
    fallback = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert default_storage_from_env(fallback, {}) is fallback
    assert default_storage_from_env(fallback, {"DJANGO_S3_BUCKET": "  "}) is fallback


def test_a_bucket_in_the_environment_makes_documents_private_s3_objects():
    entry = default_storage_from_env(
        {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        {"DJANGO_S3_BUCKET": "docs", "DJANGO_S3_ENDPOINT_URL": "https://s3.example.kr"},
    )
    assert entry["BACKEND"] == S3_STORAGE_BACKEND
    options = entry["OPTIONS"]
    assert options["bucket_name"] == "docs"
    assert options["endpoint_url"] == "https://s3.example.kr"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_an_uploaded_document_is_a_private_object_served_only_to_who_may_see_it(client, s3_storage):
    call = call_with_form()
    owner = member_of()
    client.force_login(owner)
    client.post(reverse("programs:application_start", args=[call.pk]))
    application = Application.objects.get(call=call)

    response = client.post(
        reverse("programs:application_edit", args=[application.pk, 2]),
        {"business_plan": pdf_upload("../../etc/사업계획서.pdf"), "action": "save"},
    )
    assert response.status_code == 302
    document = ApplicationDocument.objects.get(application=application)

    # The object is in the bucket, under a random key in the application's folder, with the same bytes.
    s3 = s3_storage.client()
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [document.file.name]
    assert re.fullmatch(rf"applications/{application.pk}/[0-9a-f]{{32}}", document.file.name)
    assert "사업계획서" not in document.file.name and ".." not in document.file.name
    assert s3.get_object(Bucket=BUCKET, Key=document.file.name)["Body"].read() == PDF

    # Private: no grant to everyone, and any URL the storage gives out is signed.
    grants = s3.get_object_acl(Bucket=BUCKET, Key=document.file.name)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    assert "Signature=" in default_storage.url(document.file.name)

    url = reverse("programs:document_download", args=[document.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")

    client.force_login(member_of())
    assert client.get(url).status_code == 404


def test_a_document_missing_from_the_bucket_is_a_404(client, s3_storage):
    call = call_with_form()
    owner = member_of()
    client.force_login(owner)
    client.post(reverse("programs:application_start", args=[call.pk]))
    application = Application.objects.get(call=call)
    client.post(
        reverse("programs:application_edit", args=[application.pk, 2]),
        {"business_plan": pdf_upload(), "action": "save"},
    )
    document = ApplicationDocument.objects.get(application=application)
    s3_storage.client().delete_object(Bucket=BUCKET, Key=document.file.name)

    assert client.get(reverse("programs:document_download", args=[document.pk])).status_code == 404
