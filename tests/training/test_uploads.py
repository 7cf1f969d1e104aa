"""Uploaded learning materials: kind decided by content, safe names, random storage, downloads."""

import hashlib
import io
import struct
import zipfile
import zlib
from urllib.parse import unquote

import pytest

from lms import uploads
from lms.uploads import UploadRejected, check_upload

MB = 1024 * 1024


# --- Real small files, built here ------------------------------------------------------------


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n"
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n"
        b"%%EOF\n"
    )


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32


def webp() -> bytes:
    body = b"WEBPVP8L" + struct.pack("<I", 5) + b"\x2f\x00\x00\x00\x00\x00"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def ooxml(*parts: str, extra: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        for part in parts:
            archive.writestr(part, '<?xml version="1.0"?><document/>')
        for n in range(extra):
            archive.writestr(f"{parts[0]}.{n}", b"")
    return buffer.getvalue()


def odf(subtype: str, *, stored: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        mimetype = f"application/vnd.oasis.opendocument.{subtype}"
        compression = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        archive.writestr("mimetype", mimetype, compress_type=compression)
        archive.writestr(
            "content.xml", "<office:document-content/>", compress_type=zipfile.ZIP_DEFLATED
        )
    return buffer.getvalue()


def ole2() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100 + b"This program cannot be run"


def message(exc_info) -> str:
    return str(exc_info.value.message)


# --- Accepted kinds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename,data,kind,mime_type",
    [
        ("notes.pdf", pdf(), "pdf", "application/pdf"),
        ("photo.png", png(), "png", "image/png"),
        ("photo.jpg", jpeg(), "jpeg", "image/jpeg"),
        ("photo.jpeg", jpeg(), "jpeg", "image/jpeg"),
        ("photo.webp", webp(), "webp", "image/webp"),
        (
            "lesson.docx",
            ooxml("word/document.xml"),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "scores.xlsx",
            ooxml("xl/workbook.xml"),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "slides.pptx",
            ooxml("ppt/presentation.xml"),
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("lesson.odt", odf("text"), "odt", "application/vnd.oasis.opendocument.text"),
        ("scores.ods", odf("spreadsheet"), "ods", "application/vnd.oasis.opendocument.spreadsheet"),
        (
            "slides.odp",
            odf("presentation"),
            "odp",
            "application/vnd.oasis.opendocument.presentation",
        ),
        ("lesson.doc", ole2(), "doc", "application/msword"),
        ("scores.xls", ole2(), "xls", "application/vnd.ms-excel"),
        ("slides.ppt", ole2(), "ppt", "application/vnd.ms-powerpoint"),
    ],
)
def test_each_allowed_kind_is_accepted(filename, data, kind, mime_type):
    checked = check_upload(filename, data, MB)
    assert (checked.kind, checked.mime_type) == (kind, mime_type)
    assert checked.extension == filename.rsplit(".", 1)[1]
    assert checked.extension in uploads.ALLOWED[kind].extensions
    assert checked.original_name == filename


def test_every_kind_in_allowed_has_a_test():
    assert set(uploads.ALLOWED) == {
        *("pdf", "png", "jpeg", "webp", "docx", "xlsx", "pptx"),
        *("odt", "ods", "odp", "doc", "xls", "ppt"),
    }


def test_extension_case_does_not_matter():
    checked = check_upload("REPORT.PDF", pdf(), MB)
    assert (checked.extension, checked.original_name) == ("pdf", "REPORT.PDF")


def test_size_and_sha256_are_of_the_bytes():
    data = pdf()
    checked = check_upload("a.pdf", data, MB)
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_checked_upload_is_frozen():
    checked = check_upload("a.pdf", pdf(), MB)
    with pytest.raises(AttributeError):
        checked.kind = "docx"


# --- Refused files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename,data",
    [
        ("page.pdf", HTML),
        ("drawing.png", SVG),
        ("archive.docx", plain_zip()),
        ("setup.pdf", EXE),
        ("setup.docx", EXE + ooxml("word/document.xml")),  # a zip appended to an executable
        ("notes.pdf", b"just some text\n"),
        ("installer.doc.msi", ole2()),
        ("mixed.docx", ooxml("word/document.xml", "xl/workbook.xml")),  # which one is it?
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 60),
        ("lesson.odt", odf("text", stored=False)),
        ("template.ott", odf("text-template")),
    ],
)
def test_content_that_is_not_an_allowed_kind_is_refused(filename, data):
    with pytest.raises(UploadRejected) as exc_info:
        check_upload(filename, data, MB)
    assert exc_info.value.field == "file"
    assert "not allowed" in message(exc_info)


@pytest.mark.parametrize(
    "filename,data,expected",
    [
        ("lesson.docx", pdf(), ".pdf"),
        ("lesson.pdf", ooxml("word/document.xml"), ".docx"),
        ("photo.png", jpeg(), ".jpg"),
        ("lesson.xls", odf("text"), ".odt"),
        ("lesson", pdf(), ".pdf"),
        ("", pdf(), ".pdf"),
    ],
)
def test_a_name_for_another_kind_is_refused(filename, data, expected):
    with pytest.raises(UploadRejected) as exc_info:
        check_upload(filename, data, MB)
    assert "does not match" in message(exc_info)
    assert message(exc_info).endswith(f"{expected}.")


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRejected) as exc_info:
        check_upload("empty.pdf", b"", MB)
    assert message(exc_info) == "The file is empty."
    assert exc_info.value.field == "file"


def test_size_limit_is_inclusive_and_named_in_mb():
    limit = 2 * MB
    data = pdf() + b"0" * (limit - len(pdf()))
    assert check_upload("big.pdf", data, limit).size == limit
    with pytest.raises(UploadRejected) as exc_info:
        check_upload("big.pdf", data + b"0", limit)
    assert message(exc_info) == "The file is larger than 2 MB."


def test_a_zip_with_too_many_entries_is_refused_without_extracting():
    data = ooxml("word/document.xml", extra=uploads.MAX_ZIP_ENTRIES)
    assert uploads.sniff(data) is None
    assert uploads.sniff(ooxml("word/document.xml", extra=100)) == "docx"


def test_ole2_kind_comes_from_the_extension_only():
    assert uploads.sniff(ole2(), "XLS") == "xls"
    assert uploads.sniff(ole2()) is None
    assert uploads.sniff(ole2(), "msi") is None


# --- Names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename,expected",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("/var/www/../lesson.pdf", "lesson.pdf"),
        ("bad\x00name\r\n\t.pdf", "badname.pdf"),
        ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
        ("មេរៀន ១.pdf", "មេរៀន ១.pdf"),
        ("cafe\u0301.pdf", "café.pdf"),
        ("  lesson.pdf. ", "lesson.pdf"),
        ("../.pdf", "file.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("\x01\x02.pdf", "file.pdf"),
    ],
)
def test_names_are_made_safe(filename, expected):
    assert check_upload(filename, pdf(), MB).original_name == expected


def test_long_names_are_cut_keeping_the_extension_and_khmer_clusters():
    latin = check_upload("a" * 300 + ".pdf", pdf(), MB).original_name
    assert latin == "a" * 146 + ".pdf"
    # "ស្រ" is three code points (consonant, coeng, consonant) that must stay together.
    khmer = check_upload("ក" + "ស្រ" * 100 + ".pdf", pdf(), MB).original_name
    assert len(khmer) <= uploads.MAX_NAME_LENGTH
    assert khmer.endswith("ស្រ.pdf")
    assert khmer.startswith("កស្រ")


def test_safe_name_falls_back_to_the_given_extension():
    assert uploads.safe_name("", "docx") == "file.docx"
    assert uploads.safe_name("../..", "pdf") == "file.pdf"


# --- Downloads -------------------------------------------------------------------------------


def test_download_headers_for_a_khmer_name():
    headers = uploads.download_headers("មេរៀន ១.pdf", "application/pdf")
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="file.pdf"' in disposition
    # ម U+1798, េ U+17C1 … space, ១ U+17E1
    assert "filename*=UTF-8''%E1%9E%98%E1%9F%81" in disposition
    assert disposition.endswith("%20%E1%9F%A1.pdf")
    assert unquote(disposition.split("UTF-8''")[1]) == "មេរៀន ១.pdf"
    assert disposition.isascii()
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Type"] == "application/pdf"


def test_download_headers_for_a_latin_name_keep_it_readable():
    disposition = uploads.download_headers('Résumé "final"; x.docx', "application/msword")[
        "Content-Disposition"
    ]
    assert 'filename="Resume _final_ x.docx"' in disposition
    assert "filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22%3B%20x.docx" in disposition


def test_download_headers_cannot_be_split_and_unknown_types_are_not_rendered():
    headers = uploads.download_headers("a\r\nSet-Cookie: x=1.html", "text/html")
    assert all("\r" not in v and "\n" not in v for v in headers.values())
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"].startswith("attachment; ")
