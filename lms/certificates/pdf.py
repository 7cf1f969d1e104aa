"""Certificate PDFs: plain context -> HTML template -> WeasyPrint, fetching nothing outside.

Khmer has no spaces between words and WeasyPrint does not find Khmer word boundaries itself,
so every Khmer text is given zero-width spaces at ICU's line-break positions first.

WeasyPrint is imported where it is first used: importing it takes about 1.5 s, which every
application start and every command would otherwise pay, most of them drawing no PDF.
"""

from __future__ import annotations

import atexit
import base64
import gc
import multiprocessing
import re
import struct
import threading
import zlib
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import icu
import segno
from flask import render_template

from ..assets import PDF_FONTS, PDF_WEIGHTS

KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
ZWSP = "\u200b"
MUOL_LIGHT = Path("/usr/share/fonts/truetype/khmeros/KhmerOSmuollight.ttf")
ALLOWED_FILES = {PDF_FONTS.resolve(), MUOL_LIGHT.parent.resolve()}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "certificates"
STYLESHEET = TEMPLATES / "pdf.css"
UA_STYLESHEET = TEMPLATES / "pdf-ua.css"


_local = threading.local()


def _line_breaker():
    """One ICU break iterator per thread: they keep state and are costly to create."""
    breaker = getattr(_local, "breaker", None)
    if breaker is None:
        breaker = _local.breaker = icu.BreakIterator.createLineInstance(icu.Locale("km"))
    return breaker


def khmer_breaks(text: str | None) -> str:
    """Mark the places a Khmer line may break with zero-width spaces (ICU's dictionary)."""
    if not text or not KHMER.search(text):
        return text or ""
    breaker = _line_breaker()
    breaker.setText(text)
    pieces, start = [], 0
    for end in breaker:
        pieces.append(text[start:end])
        start = end
    out = pieces[0] if pieces else ""
    for piece in pieces[1:]:
        joins_khmer = KHMER.match(out[-1:]) and KHMER.match(piece[:1])
        out += (ZWSP if joins_khmer else "") + piece
    return out


QR_PREFIX = "data:image/png;base64,"


def qr_png(url: str) -> str:
    """The verification address as a QR code PNG data URI (error correction M), one pixel per
    module with the standard four-module quiet zone. The template scales it up with
    `image-rendering: pixelated`, so PDF viewers draw sharp modules (Interpolate false) and
    WeasyPrint has a few hundred pixels, not thousands, to decode and re-encode. The PNG is
    8-bit grey, which WeasyPrint takes as it is (segno's 1-bit PNG it converted to RGB and
    encoded twice)."""
    rows = [
        bytes(0 if dark else 255 for dark in row)
        for row in segno.make(url, error="m").matrix_iter(scale=1, border=4)
    ]
    return QR_PREFIX + base64.b64encode(_grey_png(rows)).decode()


def _grey_png(rows: list[bytes]) -> bytes:
    """An 8-bit greyscale PNG of equally long rows of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, 0, 0, 0, 0)
    scanlines = b"".join(b"\0" + row for row in rows)  # filter type 0 on every row
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(scanlines, 9)),
            chunk(b"IEND", b""),
        )
    )


def heading_font() -> Path | None:
    """Khmer OS Muol Light for titles when installed (Debian's fonts-khmeros)."""
    return MUOL_LIGHT if MUOL_LIGHT.exists() else None


def allowed_file(url: str) -> Path:
    """The local font file a URL names, if it is one the certificates may use."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        path = Path(unquote(parts.path)).resolve()
        if (
            any(path.is_relative_to(folder) for folder in ALLOWED_FILES)
            and path.is_file()
            and path.suffix == ".ttf"
        ):
            return path
    raise ValueError(f"certificate PDFs fetch nothing from {url!r}")


@cache
def fetcher():
    """A WeasyPrint URL fetcher serving the certificate fonts and the QR code only."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class CertificateFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(QR_PREFIX):
                body = base64.b64decode(url[len(QR_PREFIX) :], validate=True)
                return URLFetcherResponse(url, body, {"Content-Type": "image/png"})
            body = allowed_file(url).read_bytes()
            return URLFetcherResponse(url, body, {"Content-Type": "font/ttf"})

    return CertificateFetcher()


def stylesheet_source() -> str:
    """pdf.css with the fonts: Noto Sans Khmer (static instances), and Khmer OS Muol Light
    for headings when installed, else bold Noto Sans Khmer."""
    faces = [
        f'@font-face {{ font-family: "Noto Sans Khmer"; src: url("{(PDF_FONTS / name).as_uri()}");'
        f" font-weight: {weight}; }}"
        for name, weight in PDF_WEIGHTS.items()
    ]
    heading = heading_font()
    if heading:
        faces.append(f'@font-face {{ font-family: "Heading"; src: url("{heading.as_uri()}"); }}')
        faces.append('.heading { font-family: "Heading"; }')
    else:
        faces.append(".heading { font-weight: 700; }")
    faces.append("h2.heading { font-weight: normal; }")
    return "\n".join(faces) + "\n" + STYLESHEET.read_text(encoding="utf-8")


@cache
def _stylesheet():
    """The stylesheet parsed once per process, its fonts loaded into one FontConfiguration
    that every certificate then shares (parsing it for each took ~2 ms)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # Freed before interpreter shutdown: collected after WeasyPrint's C bindings are gone, its
    # FreeType handles print a TypeError.
    atexit.register(_stylesheet.cache_clear)
    css = CSS(
        string=stylesheet_source(),
        base_url=STYLESHEET.as_uri(),
        url_fetcher=fetcher(),
        font_config=font_config,
    )
    return css, font_config


@cache
def _document_class():
    """WeasyPrint's HTML with the certificate's own user-agent stylesheet (pdf-ua.css).
    `_ua_stylesheets` is the hook WeasyPrint's own test suite overrides the same way; it is
    private, so requirements.txt pins WeasyPrint and a test renders through this class."""
    from weasyprint import CSS, HTML

    user_agent = CSS(string=UA_STYLESHEET.read_text(encoding="utf-8"))

    class CertificateHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [user_agent]

    return CertificateHTML


def certificate_html(context: dict) -> str:
    """The certificate's HTML (needs the application, for the template)."""
    return render_template("certificates/pdf.html", c=context)


@contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while WeasyPrint works. A certificate allocates
    some 100,000 objects that live until it is written, so the collections they trigger free
    nothing, and the full ones walk the whole heap: in a process holding the application,
    6.4 ms of each render went to the collector, 1.5 ms with this (the ~5,000 objects in
    cycles that a render leaves are collected after it). The collector is resumed only if it
    was running, so overlapping renders in threads leave it as they found it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def html_to_pdf(html: str, pdfa: bool = False) -> bytes:
    """WeasyPrint, fetching nothing but the certificate fonts and the QR code. Needs no
    application, so render-pool processes can run it."""
    with _collector_paused():
        return _write_pdf(html, pdfa)


def _write_pdf(html: str, pdfa: bool) -> bytes:
    # A function of its own so that the document is freed (by reference counting) before
    # the collector resumes, which then has little left to look at.
    css, font_config = _stylesheet()
    options = {"stylesheets": [css], "font_config": font_config, "uncompressed_pdf": False}
    if pdfa:
        options["pdf_variant"] = "pdf/a-3b"
    document = _document_class()(
        string=html, url_fetcher=fetcher(), base_url="file:///nonexistent/"
    )
    return document.write_pdf(**options)


def render_pdf(context: dict, pdfa: bool = False) -> bytes:
    """The certificate (page 1) and its transcript (page 2) as PDF bytes."""
    return html_to_pdf(certificate_html(context), pdfa)


def _warm_up() -> None:
    """Load WeasyPrint and the fonts in a pool process before its first certificate."""
    html_to_pdf("<p>·</p>")


@contextmanager
def render_pool(workers: int):
    """Processes that render certificate HTML to PDF side by side (WeasyPrint holds the GIL,
    so threads would not help). Spawned, not forked: the parent holds database connections."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up) as pool:
        yield pool
