"""Certificate PDFs: plain context -> HTML template -> WeasyPrint, fetching nothing outside.

Khmer has no spaces between words and WeasyPrint does not find Khmer word boundaries itself,
so every Khmer text is given zero-width spaces at ICU's line-break positions first.
"""

from __future__ import annotations

import base64
import io
import multiprocessing
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from flask import render_template

from ..assets import PDF_FONTS

KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
ZWSP = "\u200b"
MUOL_LIGHT = Path("/usr/share/fonts/truetype/khmeros/KhmerOSmuollight.ttf")
ALLOWED_FILES = {PDF_FONTS.resolve(), MUOL_LIGHT.parent.resolve()}


_local = threading.local()


def _line_breaker():
    """One ICU break iterator per thread: they keep state and are costly to create."""
    breaker = getattr(_local, "breaker", None)
    if breaker is None:
        import icu

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
    WeasyPrint has a few hundred pixels, not thousands, to decode and re-encode."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=1, border=4)
    return QR_PREFIX + base64.b64encode(buffer.getvalue()).decode()


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


@cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def certificate_html(context: dict) -> str:
    """The certificate's HTML (needs the application, for the template)."""
    return render_template(
        "certificates/pdf.html",
        c=context,
        font_regular=(PDF_FONTS / "noto-sans-khmer-regular.ttf").as_uri(),
        font_bold=(PDF_FONTS / "noto-sans-khmer-bold.ttf").as_uri(),
        font_heading=heading_font().as_uri() if heading_font() else None,
    )


def html_to_pdf(html: str, pdfa: bool = False) -> bytes:
    """WeasyPrint, fetching nothing but the certificate fonts and the QR code. Needs no
    application, so render-pool processes can run it."""
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=fetcher(), base_url="file:///nonexistent/")
    options = {"font_config": _font_config(), "uncompressed_pdf": False}
    if pdfa:
        options["pdf_variant"] = "pdf/a-3b"
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
