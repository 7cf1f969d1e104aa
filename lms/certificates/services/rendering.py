"""Certificate PDFs from the frozen snapshot: the template's plain context, rendering and
storing (at once or in a pool of processes), and reading the stored bytes back."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l

from ... import uploads
from ...audit import services as audit
from ...errors import DomainError
from ...i18n import khmer_digits, official_date_km, official_date_line_km
from ...storage import Area, as_area
from .. import pdf
from ..models import Certificate

MAX_PDF_BYTES = 10 * 1024 * 1024
log = logging.getLogger(__name__)


def _number(value) -> str:
    return f"{value:g}"


def _line(text: str | None) -> str:
    return " ".join((text or "").split())


def _km(text: str | None) -> str:
    return pdf.khmer_breaks(_line(text))


def pdf_context(certificate: Certificate, base_url: str) -> dict:
    """Plain values for the PDF template, each on one line (the template sets its lines with
    `white-space: pre-line`, so a line break inside a title would start a new one), every
    Khmer text marked for line breaking."""
    d = certificate.data
    issued, expires = d.issued_on, d.expires_on
    verify_url = f"{base_url}/verify/{certificate.verification_code}"
    return {
        "serial": certificate.serial,
        "serial_km": khmer_digits(certificate.serial),
        "verify_url": verify_url,
        "qr": pdf.qr_png(verify_url),
        "holder_km": _km(d.holder_km),
        "holder_en": _line(d.holder_en),
        "cadre_km": _km(d.cadre_km),
        "cadre_en": _line(d.cadre_en),
        "licence": _line(d.licence),
        "licence_km": khmer_digits(_line(d.licence)),
        "licence_council_km": _km(d.licence_council_km),
        "licence_council_en": _line(d.licence_council_en),
        "curriculum_km": _km(d.curriculum_km),
        "curriculum_en": _line(d.curriculum_en),
        "hours": _number(d.hours),
        "hours_km": khmer_digits(_number(d.hours)),
        "cpd": _number(d.cpd_credits),
        "cpd_km": khmer_digits(_number(d.cpd_credits)),
        "issued_km": _km(official_date_line_km(d.place_km, issued)),
        "issued_en": _line(f"Done at {d.place_en}, {issued.day} {issued:%B} {issued.year}"),
        "expires_km": _km(official_date_km(expires)) if expires else None,
        "expires_en": f"{expires.day} {expires:%B} {expires.year}" if expires else None,
        "issuing_body_km": _km(d.issuing_body_km),
        "issuing_body_en": _line(d.issuing_body_en),
        "signatory_name_km": _km(d.signatory_name_km),
        "signatory_name_en": _line(d.signatory_name_en),
        "signatory_title_km": _km(d.signatory_title_km),
        "signatory_title_en": _line(d.signatory_title_en),
        "competencies": [
            (code, _km(title_km), _line(title_en)) for code, title_km, title_en in d.competencies
        ],
        "by_panel": set(d.by_panel),
    }


class Renderer:
    """Renders and stores certificate PDFs: at once, or with a pool side by side in other
    processes until `finish`. Each certificate's audit entry, which carries the SHA-256 of its
    PDF, is written once the PDF is stored, in the order they were added."""

    def __init__(self, folder: Area | Path, base_url: str, pool=None):
        self.folder, self.base_url, self.pool = folder, base_url, pool
        self.pending: list = []

    def add(
        self, certificate: Certificate, actor, action: str, details: dict, now: datetime
    ) -> None:
        """Render the certificate's PDF; once it is stored, record `action` with `details` and
        the PDF's SHA-256 in the audit trail."""
        entry = (actor, action, details, now)
        html = pdf.certificate_html(pdf_context(certificate, self.base_url))
        if self.pool is None:
            self._store(certificate, pdf.html_to_pdf(html), entry)
        else:
            self.pending.append((certificate, self.pool.submit(pdf.html_to_pdf, html), entry))

    def finish(self) -> None:
        """Store the PDFs the pool has rendered, and write their audit entries."""
        pending, self.pending = self.pending, []
        for certificate, future, entry in pending:
            self._store(certificate, future.result(), entry)

    def _store(self, certificate: Certificate, data: bytes, entry: tuple) -> None:
        checked = uploads.check_upload(f"{certificate.serial}.pdf", data, MAX_PDF_BYTES)
        certificate.pdf_token = as_area(self.folder).put(data, checked.sha256)
        certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
        certificate.pdf_size = len(data)
        actor, action, details, now = entry
        audit.record(actor, action, certificate, now=now, **details, sha256=certificate.pdf_sha256)


class FailedCheck(DomainError):
    """The stored certificate file is gone or no longer has the SHA-256 kept at issue;
    `problem` says which ("missing", "changed") in the log and the audit trail."""

    def __init__(self, message, problem: str):
        super().__init__(message)
        self.problem = problem


def stored_pdf(certificate: Certificate, folder: Area | Path) -> bytes:
    """The exact bytes issued, checked against the SHA-256 kept at issue time (`FailedCheck`
    when the file is missing or changed)."""
    try:
        data = as_area(folder).read(certificate.pdf_token or "")
    except (OSError, ValueError) as exc:
        raise FailedCheck(_l("The stored certificate file is missing."), "missing") from exc
    if hashlib.sha256(data).hexdigest() != certificate.pdf_sha256:
        raise FailedCheck(
            _l("The stored certificate file does not match its fingerprint."), "changed"
        )
    return data


def download_pdf(actor, certificate: Certificate, folder: Area | Path, now) -> bytes | FailedCheck:
    """The stored PDF for `actor` to download, or the failure when it fails its check: then it
    is logged and written to the audit trail (the caller commits) for an officer to
    re-issue the certificate from its snapshot."""
    try:
        return stored_pdf(certificate, folder)
    except FailedCheck as failure:
        log.error(
            "certificate %s: stored PDF %s (SHA-256 check)", certificate.serial, failure.problem
        )
        audit.record(
            actor,
            "certificate.file_failed_check",
            certificate,
            now=now,
            serial=certificate.serial,
            problem=failure.problem,
        )
        return failure


def archival_pdf(certificate: Certificate, base_url: str) -> bytes:
    """The PDF/A-3b variant for archiving, drawn afresh from the same frozen snapshot."""
    return pdf.render_pdf(pdf_context(certificate, base_url), pdfa=True)
