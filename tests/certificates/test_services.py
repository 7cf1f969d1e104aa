"""Eligibility, issuing, PDFs read back, revocation and look-ups, without HTTP."""

import hashlib
import io
import json
import re
from datetime import datetime, timedelta

import pytest
import segno
import sqlalchemy as sa
from pypdf import PdfReader

from lms.audit import services as audit
from lms.audit.models import AuditEvent
from lms.certificates import pdf
from lms.certificates import services as certificates
from lms.certificates.models import Certificate, CertificateStatus, IssueKind, RevocationReason
from lms.certificates.pdf import fetcher, khmer_breaks
from lms.certificates.services import add_months, issuing
from lms.errors import DomainError
from lms.extensions import db
from lms.training.models import CohortStatus

from .. import clock, factories
from ..curricula import samples

NOW = clock.now()  # the suite's clock (tests/clock.py)
YEAR = NOW.year
BASE = "https://lms.example.gov.kh"


def test_eligibility_explains_every_unmet_condition(graduates, cohort):
    _keo, _chan, nobody = graduates
    assert certificates.check_eligibility(graduates[0], NOW).ok
    found = certificates.check_eligibility(nobody, NOW)
    assert not found.ok
    assert {r.code for r in found.reasons} == {"competencies", "logbook"}
    competencies = next(r for r in found.reasons if r.code == "competencies")
    assert competencies.detail == "D1.1, D1.2"


def test_open_cohort_is_not_eligible(graduates, cohort):
    cohort.status = CohortStatus.RUNNING
    reasons = certificates.check_eligibility(graduates[0], NOW).reasons
    assert [r.code for r in reasons] == ["cohort_open"]


def test_issue_renders_a_bilingual_pdf_and_is_idempotent(graduates, folder):
    keo = graduates[0]
    certificate, created = certificates.issue(None, keo, NOW, folder, BASE)
    db.session.commit()
    assert created and certificate.serial == f"TST-CUR-{YEAR}-00001"
    assert len(certificate.verification_code) >= 32  # 192 random bits, url-safe
    again, created_again = certificates.issue(None, keo, NOW, folder, BASE)
    assert again.id == certificate.id and not created_again
    data = certificates.stored_pdf(certificate, folder)
    assert len(data) < 100 * 1024
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    text = reader.pages[0].extract_text()
    assert f"TST-CUR-{YEAR}-00001" in text and "KEO Sreymom" in text and "CERTIFICATE" in text
    assert f"/verify/{certificate.verification_code}" in text.replace("\n", "")
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object()  # embedded
            fonts.add(font.get_object()["/BaseFont"])
    assert all(re.match(r"/[A-Z]{6}\+", name) for name in fonts)  # subset
    annotations = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    assert any(
        a.get("/A", {}).get("/URI", "").endswith(certificate.verification_code) for a in annotations
    )


def test_serials_are_gapless_per_curriculum_and_year(graduates, folder):
    keo, chan, _nobody = graduates
    first, _ = certificates.issue(None, keo, NOW, folder, BASE)
    second, _ = certificates.issue(None, chan, NOW, folder, BASE)
    assert (first.serial, second.serial) == (f"TST-CUR-{YEAR}-00001", f"TST-CUR-{YEAR}-00002")
    assert first.verification_code != second.verification_code


def test_ineligible_enrolment_is_refused_and_nothing_written(graduates, folder):
    with pytest.raises(certificates.NotEligible):
        certificates.issue(None, graduates[2], NOW, folder, BASE)
    db.session.rollback()
    assert db.session.query(Certificate).count() == 0
    assert not folder.exists() or not any(folder.iterdir())


def test_snapshot_does_not_follow_later_renames(graduates, folder):
    keo = graduates[0]
    certificate, _ = certificates.issue(None, keo, NOW, folder, BASE)
    keo.trainee.family_name_en = "RENAMED"
    keo.cohort.curriculum.title_en = "Edited title"
    db.session.commit()
    assert certificate.data["holder_en"] == "KEO Sreymom"
    assert certificate.data["curriculum_en"] == "Test course"


def test_expiry_from_curriculum_validity_and_status_from_dates(graduates, folder):
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    expiry = add_months(NOW.date(), 24)
    assert certificate.expires_on == expiry
    assert certificate.status_on(expiry) == CertificateStatus.VALID
    assert certificate.status_on(expiry + timedelta(days=1)) == CertificateStatus.EXPIRED


def test_revocation_needs_a_reason(graduates, folder):
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    with pytest.raises(DomainError):
        certificates.revoke(None, certificate, None, "x", NOW)
    certificates.revoke(None, certificate, RevocationReason.ISSUED_IN_ERROR, "wrong cohort", NOW)
    assert certificate.status_on(NOW.date()) == CertificateStatus.REVOKED
    new, created = certificates.issue(None, graduates[0], NOW, folder, BASE)
    assert created and new.id != certificate.id  # a revoked certificate is no longer active


def test_lookup_by_serial_and_family_name(graduates, folder):
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    db.session.commit()
    assert certificates.by_serial_and_family_name(f"tst-cur-{YEAR}-00001", "keo") == certificate
    assert certificates.by_serial_and_family_name(f"TST-CUR-{YEAR}-00001", "សុខ") == certificate
    assert certificates.by_serial_and_family_name(f"TST-CUR-{YEAR}-00001", "CHAN") is None
    assert certificates.by_code(certificate.verification_code) == certificate
    assert certificates.by_code("x" * 65) is None


def test_khmer_is_marked_for_line_breaks():
    marked = khmer_breaks("ការថែទាំសម្ភពបន្ទាន់ និងទារកទើបនឹងកើត")
    assert "\u200b" in marked and marked.replace("\u200b", "") == (
        "ការថែទាំសម្ភពបន្ទាន់ និងទារកទើបនឹងកើត"
    )
    assert khmer_breaks("Plain English") == "Plain English"


def test_the_renderer_fetches_nothing_outside(app):
    for url in (
        "file:///etc/passwd",
        "http://169.254.169.254/",
        "https://example.org/x.png",
        "file:///work/../etc/passwd.ttf",
    ):
        with pytest.raises(ValueError):
            fetcher().fetch(url)


def test_completing_the_refresher_renews_the_certificate(
    graduates, folder, curriculum, instructor, tmp_path
):
    keo = graduates[0]
    first, _ = certificates.issue(None, keo, NOW, folder, BASE)
    curriculum.renewed_by = "TST-REF"
    refresher = samples.publish(tmp_path, samples.curriculum(code="TST-REF", type="refresher"), NOW)
    later = datetime.combine(add_months(NOW.date(), 21) + timedelta(days=10), NOW.time())
    cohort = factories.cohort(
        refresher,
        instructor,
        code="REF-1",
        title_km="វគ្គរំលឹក",
        title_en="Refresher",
        start_date=later.date() - timedelta(days=2),
        end_date=later.date(),
        status=CohortStatus.PLANNED,
        now=NOW,
    )
    enrolment = factories.graduate(instructor, cohort, keo.trainee, NOW)
    cohort.status = CohortStatus.CLOSED
    renewed, created = certificates.issue(None, enrolment, later, folder, BASE)
    assert created and renewed.kind == IssueKind.RENEWAL and renewed.supersedes_id == first.id
    assert (
        renewed.curriculum_id == first.curriculum_id
        and renewed.serial == f"TST-CUR-{later.year}-00001"
    )
    assert renewed.expires_on == add_months(later.date(), 24)
    assert first.status_on(later.date()) == CertificateStatus.SUPERSEDED
    assert renewed.data["curriculum_en"] == "Test course"


def test_bulk_issue_renders_in_worker_processes_with_the_same_result(
    graduates, cohort, folder, monkeypatch
):
    """Large cohorts render their PDFs in a process pool; what is stored and audited is the
    same as issuing one by one."""
    monkeypatch.setattr(issuing, "PARALLEL_FROM", 2)
    result = certificates.bulk_issue(None, cohort, NOW, folder, BASE, workers=2)
    db.session.commit()

    assert [c.enrolment_id for c in result.issued] == [e.id for e in graduates[:2]]
    assert [e.id for e, _ in result.ineligible] == [graduates[2].id]
    for certificate in result.issued:
        data = certificates.stored_pdf(certificate, folder)
        assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert certificate.serial in text
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "certificate.issued")
        .order_by(AuditEvent.id)
    ).all()
    assert [json.loads(e.details)["sha256"] for e in events] == [
        c.pdf_sha256 for c in result.issued
    ]
    assert audit.verify_chain().ok


def _complete_other_course(tmp_path, instructor, trainee, code, credits, end):
    """The trainee completes another curriculum worth `credits` CPD credits, ending on `end`."""
    doc = samples.curriculum(code=code, type="cpd", cpd_credits=credits)
    other = samples.publish(tmp_path, doc, NOW)
    cohort = factories.cohort(
        other,
        instructor,
        code=f"{code}-1",
        title_en="Course",
        start_date=end - timedelta(days=2),
        end_date=end,
        status=CohortStatus.PLANNED,
        now=NOW,
    )
    factories.graduate(instructor, cohort, trainee, NOW)
    cohort.status = CohortStatus.CLOSED
    db.session.flush()


def test_renewal_on_cpd_credits_earned_after_issue(
    graduates, curriculum, instructor, folder, tmp_path
):
    keo = graduates[0]
    first, _ = certificates.issue(None, keo, NOW, folder, BASE)
    assert certificates.cpd_renewal(first, NOW) is None  # the curriculum does not say so
    curriculum.renewal_cpd_credits = 10
    later = datetime.combine(add_months(NOW.date(), 18) + timedelta(days=8), NOW.time())

    _complete_other_course(
        tmp_path,
        instructor,
        keo.trainee,
        "CPD-A",
        6,
        add_months(NOW.date(), 3) + timedelta(days=10),
    )
    check = certificates.cpd_renewal(first, later)
    assert (check.earned, check.required, check.ok) == (6, 10, False)
    with pytest.raises(DomainError, match="6 of 10"):
        certificates.renew_on_cpd(None, first, later, folder, BASE)

    _complete_other_course(
        tmp_path,
        instructor,
        keo.trainee,
        "CPD-B",
        5,
        add_months(NOW.date(), 14) + timedelta(days=8),
    )
    # a course that ends after the day of renewal does not count yet
    _complete_other_course(
        tmp_path, instructor, keo.trainee, "CPD-C", 20, later.date() + timedelta(days=30)
    )
    check = certificates.cpd_renewal(first, later)
    assert [c.code for c, _day in check.counted] == ["CPD-A", "CPD-B"] and check.ok

    renewed = certificates.renew_on_cpd(None, first, later, folder, BASE)
    db.session.commit()
    assert renewed.kind == IssueKind.RENEWAL and renewed.supersedes_id == first.id
    assert renewed.enrolment_id == first.enrolment_id
    assert renewed.issued_on == later.date()
    assert renewed.expires_on == add_months(later.date(), 24)
    assert renewed.data["renewed_by_cpd_credits"] == 11
    assert renewed.data["competencies"] == first.data["competencies"]
    assert first.status_on(later.date()) == CertificateStatus.SUPERSEDED
    assert hashlib.sha256(certificates.stored_pdf(renewed, folder)).hexdigest()
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "certificate.renewed")
    )
    assert json.loads(event.details)["renewed_by_cpd_credits"] == 11
    with pytest.raises(DomainError):  # the earlier one is no longer current
        certificates.renew_on_cpd(None, first, later, folder, BASE)


def test_pdf_qr_code_is_the_verification_address_drawn_sharp(graduates, folder):
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    reader = PdfReader(io.BytesIO(certificates.stored_pdf(certificate, folder)))
    (picture,) = reader.pages[0].images
    assert picture.indirect_reference.get_object()["/Interpolate"].value is False
    image = picture.image.convert("L")
    url = f"{BASE}/verify/{certificate.verification_code}"
    expected = [list(row) for row in segno.make(url, error="m").matrix_iter(scale=1, border=4)]
    assert image.size == (len(expected), len(expected))
    pixels = image.load()
    found = [[pixels[x, y] < 128 for x in range(image.width)] for y in range(image.height)]
    assert found == [[bool(bit) for bit in row] for row in expected]


def test_issued_early_in_the_morning_in_phnom_penh_carries_that_day(graduates, folder):
    # 23:30 UTC on 31 December is 06:30 on 1 January in Cambodia: the certificate says the
    # new year.
    certificate, _ = certificates.issue(
        None, graduates[0], datetime(YEAR, 12, 31, 23, 30), folder, BASE
    )
    assert certificate.issued_on.isoformat() == f"{YEAR + 1}-01-01"
    assert certificate.serial == f"TST-CUR-{YEAR + 1}-00001"


def test_the_template_uses_only_elements_its_user_agent_stylesheet_declares(graduates, folder):
    # The certificate replaces WeasyPrint's stylesheet for all of HTML with pdf-ua.css, which
    # declares the few elements pdf.html uses; an element added without a rule there would
    # render with the wrong display (a <p> inline, a <ul> without bullets).
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    html = pdf.certificate_html(certificates.pdf_context(certificate, BASE))
    used = {tag.lower() for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html)}
    declared = pdf.UA_STYLESHEET.read_text(encoding="utf-8")
    blocks = re.search(r"^([a-z0-9, ]+)\{ display: block \}", declared, re.M).group(1)
    block = {name.strip() for name in blocks.split(",")}
    inside_head = {"head", "meta", "title"}
    inline = {"span", "a", "b", "img"}  # inline is CSS's initial display
    assert "head { display: none }" in declared
    assert used - block - inside_head - inline == set()
    assert {"div", "p", "h1", "h2"} <= used & block


def test_pdf_has_bookmarks_and_a_transcript_line_per_competency(graduates, folder):
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    reader = PdfReader(io.BytesIO(certificates.stored_pdf(certificate, folder)))
    (title, transcript) = reader.outline[0], reader.outline[1][0]
    assert title["/Title"] == "វិញ្ញាបនបត្រ"
    assert transcript["/Title"].endswith("Competencies achieved")
    page = reader.pages[1].extract_text()
    for code, _title_km, title_en in certificate.data["competencies"]:
        line = next(line for line in page.splitlines() if line.startswith(code))
        assert line.endswith(f" / {title_en}")


def test_pdf_texts_are_one_line_each(graduates, folder):
    # The template sets its lines with white-space: pre-line, so a line break kept in a title
    # (a YAML block scalar, a pasted name) would otherwise start a line of its own.
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    certificate.snapshot = json.dumps(
        {
            **certificate.data,
            "curriculum_en": "Basic emergency\nobstetric  care\n",
            "holder_km": "កែវ\nស្រីមុំ",
            "competencies": [["C1", "ការ\nថែទាំ", "Emergency\r\ncare"]],
        }
    )
    context = certificates.pdf_context(certificate, BASE)
    assert context["curriculum_en"] == "Basic emergency obstetric care"
    assert context["holder_km"] == "កែវ ស្រីមុំ"
    assert context["competencies"] == [("C1", "ការ ថែទាំ", "Emergency care")]
    db.session.rollback()
