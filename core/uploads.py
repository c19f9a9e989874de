"""Uploaded files: what may be uploaded, recognised by content and never by name, and safe names to show.

Allowed: PDF, PNG/JPEG/GIF/WEBP images, office documents (Word, Excel, PowerPoint in their OOXML and old OLE
forms, Hangul HWP and HWPX), and UTF-8 plain text or CSV. Everything else is refused: HTML, SVG, scripts,
executables, archives, whatever the file is called.

- images and PDF are recognised by their signature (the `filetype` package);
- OOXML and HWPX are zip files: the zip's own directory must hold the parts of that format
  (`word/document.xml`, `xl/workbook.xml`, `ppt/presentation.xml`; HWPX's `mimetype` entry reads
  `application/hwp+zip`); macro-enabled documents (a `vbaProject.bin` part) are refused;
- DOC, XLS, PPT and HWP are OLE compound files: the compound file's directory must name the format's main
  stream (`WordDocument`, `Workbook`/`Book`, `PowerPoint Document`, HWP's `FileHeader` with its
  "HWP Document File" signature);
- text cannot be recognised by content, so it is accepted only under a .txt or .csv name, when it decodes
  as UTF-8, has no NUL bytes and does not look like markup or a script (HTML or SVG tags, an event-handler
  attribute, a javascript: URL, a shebang line).

Whatever is accepted is stored under MEDIA_ROOT with a random name and only ever served as an attachment
with `X-Content-Type-Options: nosniff` (programs.views.document_download).
"""

from __future__ import annotations

import io
import os
import re
import struct
import unicodedata
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
HWP = "application/x-hwp"
HWPX = "application/hwp+zip"
TXT = "text/plain"
CSV = "text/csv"

ALLOWED_TYPES: dict[str, str] = {
    PDF: gettext_lazy("PDF document"),
    PNG: gettext_lazy("PNG image"),
    JPEG: gettext_lazy("JPEG image"),
    GIF: gettext_lazy("GIF image"),
    WEBP: gettext_lazy("WebP image"),
    DOCX: gettext_lazy("Word document (DOCX)"),
    XLSX: gettext_lazy("Excel spreadsheet (XLSX)"),
    PPTX: gettext_lazy("PowerPoint presentation (PPTX)"),
    DOC: gettext_lazy("Word document (DOC)"),
    XLS: gettext_lazy("Excel spreadsheet (XLS)"),
    PPT: gettext_lazy("PowerPoint presentation (PPT)"),
    HWP: gettext_lazy("Hangul document (HWP)"),
    HWPX: gettext_lazy("Hangul document (HWPX)"),
    TXT: gettext_lazy("Plain text (TXT)"),
    CSV: gettext_lazy("Comma-separated values (CSV)"),
}

# What the browser's file picker offers (a hint only; the content decides).
ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.doc,.xls,.ppt,.hwp,.hwpx,.txt,.csv"

SIGNATURE_TYPES = {PDF, PNG, JPEG, GIF, WEBP}
TEXT_EXTENSIONS = {".txt": TXT, ".csv": CSV}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
HWP_SIGNATURE = b"HWP Document File"
# Text that a browser or shell would treat as markup or a program.
MARKUP_OR_SCRIPT = re.compile(
    rb"<\s*/?\s*(?:(?:!doctype|html|head|body|script|svg|math|iframe|frame|frameset|object|embed|applet|meta|"
    rb"link|base|style|form|img|image|template)\b|\?xml|\?php|%)|<[^>\n]*\son[a-z]+\s*=|^\s*#!|javascript:|"
    rb"vbscript:|data:text/html",
    re.IGNORECASE | re.MULTILINE,
)
SAFE_NAME_LENGTH = 150


def _not_allowed(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s: files of this type cannot be uploaded (PDF, images and office documents only).") % {"name": name},
        code="file_type",
    )


def format_size(size: int) -> str:
    """20971520 -> "20 MB"; 1536 -> "1.5 KB"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


def validate_upload(uploaded_file) -> str:
    """The content type of an acceptable upload, recognised by content; ValidationError otherwise.

    The message names the file and says why: empty, too large (with the limit), or not an allowed type.
    The file is left at its start.
    """
    name = safe_filename(getattr(uploaded_file, "name", "") or "")
    size = uploaded_file.size
    if size is None:
        uploaded_file.seek(0, os.SEEK_END)
        size = uploaded_file.tell()
    if not size:
        raise ValidationError(_("%(name)s: the file is empty.") % {"name": name}, code="file_empty")
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("%(name)s: the file is too large (%(size)s); files up to %(limit)s can be uploaded.")
            % {"name": name, "size": format_size(size), "limit": format_size(limit)},
            code="file_too_large",
        )
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    content_type = detect_content_type(data, name)
    if content_type is None:
        raise _not_allowed(name)
    return content_type


def detect_content_type(data: bytes, name: str = "") -> str | None:
    """The allowed content type of `data`, or None. `name` matters only for plain text (TXT or CSV)."""
    if data.startswith(OLE_SIGNATURE):
        return _ole_type(data)
    if data.startswith(ZIP_SIGNATURE):
        return _zip_type(data)
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return kind.mime if kind.mime in SIGNATURE_TYPES else None
    return _text_type(data, name)


# --- zip: OOXML and HWPX -----------------------------------------------------------------------------------


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None  # macro-enabled (docm, xlsm, pptm)
            if "mimetype" in names and "Contents/content.hpf" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(64).strip() == HWPX.encode():
                        return HWPX
                return None
            if "[Content_Types].xml" not in names:
                return None
            for part, content_type in (
                ("word/document.xml", DOCX),
                ("xl/workbook.xml", XLSX),
                ("ppt/presentation.xml", PPTX),
            ):
                if part in names:
                    return content_type
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None
    return None


# --- OLE compound files: DOC, XLS, PPT, HWP ----------------------------------------------------------------

_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE


def ole_stream_names(data: bytes) -> set[str] | None:
    """The names in an OLE compound file's directory, or None when it is not a readable compound file."""
    if len(data) < 512 or not data.startswith(OLE_SIGNATURE):
        return None
    sector_shift = struct.unpack_from("<H", data, 0x1E)[0]
    if sector_shift not in (9, 12):
        return None
    sector_size = 1 << sector_shift
    first_directory, difat_first, difat_count = (
        struct.unpack_from("<I", data, 0x30)[0],
        *struct.unpack_from("<II", data, 0x44),
    )

    def sector(index: int) -> bytes:
        start = (index + 1) * sector_size
        if start >= len(data):  # the last sector may be short, never missing
            raise ValueError("sector out of range")
        return data[start : start + sector_size]

    try:
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s not in (_FREE, _END_OF_CHAIN)]
        per_sector = sector_size // 4
        next_difat, seen = difat_first, set()
        while next_difat not in (_FREE, _END_OF_CHAIN) and len(seen) < difat_count:
            if next_difat in seen:
                raise ValueError("DIFAT loop")
            seen.add(next_difat)
            entries = struct.unpack(f"<{per_sector}I", sector(next_difat).ljust(sector_size, b"\xff"))
            fat_sectors += [s for s in entries[:-1] if s not in (_FREE, _END_OF_CHAIN)]
            next_difat = entries[-1]
        fat: list[int] = []
        for index in fat_sectors:
            fat += struct.unpack(f"<{per_sector}I", sector(index).ljust(sector_size, b"\xff"))
        names: set[str] = set()
        current, visited = first_directory, set()
        while current not in (_FREE, _END_OF_CHAIN):
            if current in visited or current >= len(fat):
                raise ValueError("broken directory chain")
            visited.add(current)
            block = sector(current)
            for offset in range(0, len(block) - 127, 128):
                entry = block[offset : offset + 128]
                length, object_type = struct.unpack_from("<HB", entry, 0x40)
                if object_type in (1, 2, 5) and 2 <= length <= 64:
                    names.add(entry[: length - 2].decode("utf-16-le", errors="replace"))
            current = fat[current]
    except (struct.error, ValueError):
        return None
    return names


def _ole_type(data: bytes) -> str | None:
    names = ole_stream_names(data)
    if not names:
        return None
    if "FileHeader" in names and HWP_SIGNATURE in data:
        return HWP
    if "WordDocument" in names:
        return DOC
    if "Workbook" in names or "Book" in names:
        return XLS
    if "PowerPoint Document" in names:
        return PPT
    return None  # other compound files: MSI installers, Outlook messages, ...


# --- plain text ----------------------------------------------------------------------------------------------


def _text_type(data: bytes, name: str) -> str | None:
    content_type = TEXT_EXTENSIONS.get(os.path.splitext(name)[1].lower())
    if content_type is None or b"\x00" in data:
        return None
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if MARKUP_OR_SCRIPT.search(data):
        return None
    return content_type


# --- names ---------------------------------------------------------------------------------------------------

_UNSAFE_CHARACTERS = re.compile(r'[<>:"/\\|?*]')
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def safe_filename(name: str) -> str:
    """A file name to show and to offer for download: no folders, no control or direction characters, no
    characters Windows refuses; Korean letters kept (composed, as macOS sends them decomposed); at most
    150 characters, keeping the extension."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = re.sub(r"[\t\n\r\v\f]", " ", name)
    name = "".join(
        " " if unicodedata.category(ch) == "Zs" else ch
        for ch in name
        if unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    name = _UNSAFE_CHARACTERS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        return "file"
    if len(name) > SAFE_NAME_LENGTH:
        stem, extension = os.path.splitext(name)
        if len(extension) > 10:
            stem, extension = name, ""
        name = stem[: SAFE_NAME_LENGTH - len(extension)].rstrip(" .") + extension
    return name
