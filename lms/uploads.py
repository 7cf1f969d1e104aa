"""Uploaded files checked by content: materials, evidence photos, generated certificates.

The kind of file is decided from its bytes and the name's extension must agree with it. What
passes is kept by `lms.storage` under a random token, so nothing the user typed reaches the
file system; downloads are sent with headers that make the browser save, never render, them.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import quote

from flask_babel import lazy_gettext as _l

from .errors import DomainError


class FileKind(NamedTuple):
    extensions: tuple[str, ...]  # lower case, without the dot; the first is the usual one
    mime_type: str


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."

ALLOWED: MappingProxyType[str, FileKind] = MappingProxyType(
    {
        "pdf": FileKind(("pdf",), "application/pdf"),
        "png": FileKind(("png",), "image/png"),
        "jpeg": FileKind(("jpg", "jpeg"), "image/jpeg"),
        "webp": FileKind(("webp",), "image/webp"),
        "docx": FileKind(("docx",), _OOXML + "wordprocessingml.document"),
        "xlsx": FileKind(("xlsx",), _OOXML + "spreadsheetml.sheet"),
        "pptx": FileKind(("pptx",), _OOXML + "presentationml.presentation"),
        "odt": FileKind(("odt",), _ODF + "text"),
        "ods": FileKind(("ods",), _ODF + "spreadsheet"),
        "odp": FileKind(("odp",), _ODF + "presentation"),
        "doc": FileKind(("doc",), "application/msword"),
        "xls": FileKind(("xls",), "application/vnd.ms-excel"),
        "ppt": FileKind(("ppt",), "application/vnd.ms-powerpoint"),
    }
)

MAX_ZIP_ENTRIES = 10_000
MAX_NAME_LENGTH = 150

_MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE2_KINDS = ("doc", "xls", "ppt")
_OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF_KINDS = {ALLOWED[kind].mime_type.encode(): kind for kind in ("odt", "ods", "odp")}
_EXTENSION_OF = {kind.mime_type: kind.extensions[0] for kind in ALLOWED.values()}
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError)
# Bidirectional controls let "report\u202efdp.exe" display as "reportexe.pdf".
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CONTROLS = {"Cc", "Cs", "Zl", "Zp"}  # controls, lone surrogates, line and paragraph breaks
_MB = 1024 * 1024


class UploadRejected(DomainError):
    """The uploaded file is empty, too large, of a kind not allowed, or named for another kind."""

    def __init__(self, message):
        super().__init__(message, "file")


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """A file that passed `check_upload`: what it is, its fingerprint and its cleaned name."""

    kind: str
    extension: str
    mime_type: str
    size: int
    sha256: str
    original_name: str  # cleaned; for display and the download name only


def sniff(data: bytes, extension: str | None = None) -> str | None:
    """Decide the kind of file from its bytes, or None when it is not an allowed kind.

    `extension` is used only to name an OLE2 container (.doc, .xls and .ppt share one format);
    an OLE2 file with any other extension (.msi, .msg, …) is not allowed.
    """
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(_OLE2):
        extension = (extension or "").lower()
        return extension if extension in _OLE2_KINDS else None
    # Office files start with a local header; a zip appended to an executable does not.
    buffer = io.BytesIO(data)
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(buffer):
        return None
    # Only the central directory (and ODF's tiny stored `mimetype`) is read; nothing is extracted.
    try:
        with zipfile.ZipFile(buffer) as archive:
            entries = archive.infolist()
            if not entries or len(entries) > MAX_ZIP_ENTRIES:
                return None
            first = entries[0]
            if first.filename == "mimetype":
                if first.compress_type != zipfile.ZIP_STORED or first.file_size > 100:
                    return None
                return _ODF_KINDS.get(archive.read(first))
            names = [entry.filename for entry in entries]
    except _ZIP_ERRORS:
        return None
    if "[Content_Types].xml" not in names:
        return None
    found = {
        kind for prefix, kind in _OOXML_PARTS.items() if any(n.startswith(prefix) for n in names)
    }
    return found.pop() if len(found) == 1 else None


def check_upload(filename: str, data: bytes, max_bytes: int) -> CheckedUpload:
    """Accept a file whose content is an allowed kind and whose name's extension matches it.

    Raises UploadRejected when the file is empty, larger than `max_bytes`, of a kind not
    allowed, or named with an extension that belongs to another kind.
    """
    if not data:
        raise UploadRejected(_l("The file is empty."))
    if len(data) > max_bytes:
        size = f"{round(max_bytes / _MB, 1):g}"
        raise UploadRejected(_l("The file is larger than %(size)s MB.", size=size))
    extension = _split_name(filename)[1].lower()
    kind = sniff(data, extension)
    if kind is None:
        raise UploadRejected(
            _l("This kind of file is not allowed. Upload a PDF, an image or an office document.")
        )
    allowed = ALLOWED[kind]
    if extension not in allowed.extensions:
        raise UploadRejected(
            _l(
                "The file name does not match its content. Rename it to end in .%(extension)s.",
                extension=allowed.extensions[0],
            )
        )
    return CheckedUpload(
        kind=kind,
        extension=extension,
        mime_type=allowed.mime_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=safe_name(filename, extension),
    )


def safe_name(filename: str, fallback_extension: str) -> str:
    """The name without directories or control characters, NFC, at most 150 characters.

    Falls back to `file.<fallback_extension>` when nothing usable is left before the extension.
    """
    stem, suffix = _split_name(filename)
    if not stem:
        return f"file.{fallback_extension}"
    tail = f".{suffix}"[:20] if suffix else ""
    return _cut(stem, MAX_NAME_LENGTH - len(tail)) + tail


def _split_name(filename: str) -> tuple[str, str]:
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]  # Windows browsers may send "C:\\path\\name.pdf"
    name = "".join(c for c in name if c not in _BIDI and unicodedata.category(c) not in _CONTROLS)
    name = name.strip().rstrip(". ")  # Windows drops trailing dots and spaces
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    return stem.strip(" ."), suffix  # no leading dot: no hidden files


def _cut(text: str, limit: int) -> str:
    """Shorten without leaving a Khmer vowel sign or subscript mark without its consonant."""
    if len(text) <= limit:
        return text
    end = limit  # back off over combining marks and past a coeng (U+17D2)
    while end > 1 and (unicodedata.category(text[end])[0] == "M" or text[end - 1] == "\u17d2"):
        end -= 1
    return text[:end].rstrip(" .")


def download_headers(original_name: str, mime_type: str) -> dict[str, str]:
    """Headers that make the browser save the file under its original name, never render it.

    The name is sent twice: an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987) so that
    Khmer names survive. A MIME type that is not an allowed kind becomes octet-stream.
    """
    if mime_type not in _EXTENSION_OF:
        mime_type = "application/octet-stream"
    name = safe_name(original_name, _EXTENSION_OF.get(mime_type, "bin"))
    stem, suffix = _split_name(name)
    ascii_name = ".".join(part for part in (_ascii(stem) or "file", _ascii(suffix)) if part)
    return {
        "Content-Type": mime_type,
        "Content-Disposition": (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
        ),
        "X-Content-Type-Options": "nosniff",
    }


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9 ._()+-]+", "_", text)
    return text.strip(" ._")
