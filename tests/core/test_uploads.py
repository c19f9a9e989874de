"""What may be uploaded: recognised by content, whatever the name says; and the names shown for files."""

import io
import struct
import unicodedata
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from core.demo.portal import demo_pdf
from core.uploads import (
    ALLOWED_TYPES,
    DOC,
    DOCX,
    HWP,
    HWPX,
    OLE_SIGNATURE,
    PPTX,
    XLS,
    XLSX,
    safe_filename,
    validate_upload,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def ooxml(main_part: str, *extra: str) -> bytes:
    return zip_bytes(
        {"[Content_Types].xml": CONTENT_TYPES, main_part: b"<?xml version='1.0'?><x/>", **{p: b"x" for p in extra}}
    )


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (512-byte sectors): FAT, directory, one sector per stream."""
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    names = ["Root Entry", *streams]
    directory_sectors = -(-len(names) // 4)
    fat = [0xFFFFFFFD]  # sector 0 holds the FAT itself
    fat += [2 + i if i < directory_sectors - 1 else end for i in range(directory_sectors)]
    fat += [end] * len(streams)
    fat += [free] * (128 - len(fat))
    header = bytearray(512)
    header[:8] = OLE_SIGNATURE
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 0x2C, 1, 1, 0)  # FAT sectors, first directory sector, transaction
    struct.pack_into("<IIIII", header, 0x38, 4096, end, 0, end, 0)  # cutoff, mini FAT, DIFAT
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    entries = bytearray()
    for i, name in enumerate(names):
        entry = bytearray(128)
        raw = (name + "\0").encode("utf-16-le")
        entry[: len(raw)] = raw
        struct.pack_into("<HB", entry, 0x40, len(raw), 5 if i == 0 else 2)
        if i:
            struct.pack_into("<II", entry, 0x74, 1 + directory_sectors + i - 1, len(streams[name]))
        entries += entry
    data = b"".join(content[:512].ljust(512, b"\0") for content in streams.values())
    return bytes(header) + struct.pack("<128I", *fat) + bytes(entries.ljust(directory_sectors * 512, b"\0")) + data


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def refusal(name: str, data: bytes) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validate_upload(upload(name, data))
    return raised.value.messages[0]


# --- accepted ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("사업계획서.pdf", PDF_BYTES, "application/pdf"),
        ("generated.pdf", demo_pdf("Business plan"), "application/pdf"),
        ("logo.png", png_bytes(), "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64, "image/jpeg"),
        ("사업계획서.docx", ooxml("word/document.xml"), DOCX),
        ("재무제표.xlsx", ooxml("xl/workbook.xml"), XLSX),
        ("발표자료.pptx", ooxml("ppt/presentation.xml"), PPTX),
        (
            "사업계획서.hwpx",
            zip_bytes({"mimetype": b"application/hwp+zip", "Contents/content.hpf": b"<opf/>"}),
            HWPX,
        ),
        ("사업계획서.hwp", ole_file({"FileHeader": b"HWP Document File" + b"\0" * 15, "DocInfo": b"x"}), HWP),
        ("old.doc", ole_file({"WordDocument": b"\xec\xa5", "1Table": b"x"}), DOC),
        ("old.xls", ole_file({"Workbook": b"\x09\x08"}), XLS),
        ("명단.csv", "회사명,인원\n양재비전랩,27\n".encode(), "text/csv"),
        ("메모.txt", "\ufeff안녕하세요".encode(), "text/plain"),
    ],
)
def test_allowed_files_are_recognised_by_content(name, data, expected):
    uploaded = upload(name, data)
    assert validate_upload(uploaded) == expected
    assert expected in ALLOWED_TYPES
    assert uploaded.tell() == 0  # left at its start for storing


def test_a_png_named_pdf_is_still_a_png():
    assert validate_upload(upload("scan.pdf", png_bytes())) == "image/png"


# --- refused -------------------------------------------------------------------------------------------------

NOT_ALLOWED = "files of this type cannot be uploaded (PDF, images and office documents only)."


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("홍보자료.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100),
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100),
        ("report.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("notes.txt", b"<html><body>hello</body></html>"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n"),
        ("data.csv", "회사명,인원\n".encode("cp949")),
        ("data.csv", b"a,b\x00c"),
        ("script.js", b"alert(1)"),
        ("archive.zip", zip_bytes({"a.txt": b"hello"})),
        ("macro.docx", ooxml("word/document.xml", "word/vbaProject.bin")),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 40),
        ("setup.msi", ole_file({"\u4840\u3b3f": b"x", "SummaryInformation": b"x"})),
        ("truncated.doc", OLE_SIGNATURE + b"\x00" * 100),
        ("bomb.doc", ole_file({"WordDocument": b"x"})[:700]),
        ("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32),
    ],
)
def test_other_content_is_refused_whatever_its_name(name, data):
    message = refusal(name, data)
    assert message == f"{safe_filename(name)}: {NOT_ALLOWED}"


def test_the_refusal_names_the_file_as_the_applicant_called_it():
    assert refusal("홍보자료.exe", b"MZ" + b"\x00" * 64) == f"홍보자료.exe: {NOT_ALLOWED}"


def test_empty_files_are_refused():
    assert refusal("빈파일.pdf", b"") == "빈파일.pdf: the file is empty."


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_files_over_the_limit_are_refused_with_the_limit_in_the_message():
    message = refusal("big.pdf", PDF_BYTES + b"0" * 2048)
    assert message == "big.pdf: the file is too large (2.1 KB); files up to 1 KB can be uploaded."


def test_the_default_limit_is_20_mb(settings):
    assert settings.UPLOAD_MAX_BYTES == 20 * 1024 * 1024
    settings.UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    too_big = upload("big.pdf", PDF_BYTES)
    too_big.size = 20 * 1024 * 1024 + 1
    with translation.override("en"), pytest.raises(ValidationError, match="files up to 20 MB can be uploaded"):
        validate_upload(too_big)


# --- names ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("사업계획서.pdf", "사업계획서.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\kim\\바탕 화면\\사업계획서 최종.hwp", "사업계획서 최종.hwp"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("a\x00b\nc\td.pdf", "ab c d.pdf"),
        ('what?<>:"|*.pdf', "what_______.pdf"),
        ("  ..hidden.pdf  ", "hidden.pdf"),
        ("", "file"),
        ("..", "file"),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_safe_filename_composes_korean_sent_decomposed():
    decomposed = unicodedata.normalize("NFD", "사업계획서.pdf")
    assert decomposed != "사업계획서.pdf"
    assert safe_filename(decomposed) == "사업계획서.pdf"


def test_safe_filename_keeps_the_extension_within_150_characters():
    name = safe_filename("가" * 300 + ".pdf")
    assert len(name) == 150
    assert name.endswith("가.pdf")
