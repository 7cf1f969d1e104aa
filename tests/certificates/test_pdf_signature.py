"""The certificate PDF's signature block, seal area and licence number, rendered and read back
(issue 17, item 15)."""

import io
import json

from pypdf import PdfReader

from lms.certificates import pdf
from lms.certificates import services as certificates
from lms.certificates.services import settings as settings_service
from lms.extensions import db
from lms.users.models import Council

from .. import clock

NOW = clock.now()
BASE = "https://lms.example.gov.kh"
SIGNATORY = {
    **settings_service.DEFAULT_SETTINGS,
    "signatory_name_km": "ចាន់ ដារា",
    "signatory_name_en": "CHAN Dara",
    "signatory_title_km": "ប្រធាននាយកដ្ឋានអភិវឌ្ឍន៍ធនធានមនុស្ស",
    "signatory_title_en": "Director, Department of Human Resource Development",
}


def _licensed(enrolment, number="MW-04127"):
    """The holder has a licence number from the Cambodian Midwives Council."""
    holder = enrolment.trainee
    holder.council_id = db.session.scalar(db.select(Council.id).where(Council.code == "CMWC"))
    holder.licence_number = number
    db.session.flush()


def _pdf(certificate, folder) -> PdfReader:
    return PdfReader(io.BytesIO(certificates.stored_pdf(certificate, folder)))


def test_the_pdf_names_the_signatory_and_the_holders_licence_on_one_page(graduates, folder):
    certificates.save_settings(None, None, SIGNATORY, NOW)
    _licensed(graduates[0])
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    assert certificate.data.licence_council_en == "Cambodian Midwives Council"
    reader = _pdf(certificate, folder)
    assert len(reader.pages) == 2  # the certificate, then its transcript: nothing overflows
    text = reader.pages[0].extract_text()
    for printed in (
        "CHAN Dara",
        "ចាន់ ដារា",
        "Director, Department of Human Resource",
        "Licence No. MW-04127, Cambodian Midwives Council",
        "MW-០៤១២៧",  # the Khmer line writes its digits in Khmer
        "ត្រា",  # the seal's place
        "Seal",
    ):
        assert printed in text, printed


def test_without_a_licence_or_a_signatorys_name_the_lines_are_left_out(graduates, folder):
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    context = certificates.pdf_context(certificate, BASE)
    assert context["licence"] == "" and context["signatory_name_en"] == ""
    html = pdf.certificate_html(context)
    assert "Licence No." not in html and "អាជ្ញាប័ណ្ណ" not in html
    assert 'class="signatory"' in html and 'class="seal"' in html  # the line and the seal stay
    assert len(_pdf(certificate, folder).pages) == 2


def test_an_older_snapshot_prints_its_licence_without_a_council(graduates, folder):
    _licensed(graduates[0])
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    stored = json.loads(certificate.snapshot)
    assert stored["version"] == 3 and stored["licence_council_km"] == "ក្រុមប្រឹក្សាឆ្មបកម្ពុជា"
    older = {k: v for k, v in stored.items() if not k.startswith("licence_council")}
    certificate.snapshot = json.dumps({**older, "version": 2}, ensure_ascii=False)
    context = certificates.pdf_context(certificate, BASE)
    assert context["licence"] == "MW-04127" and context["licence_council_en"] == ""
    html = pdf.certificate_html(context)
    assert "Licence No. MW-04127</span>" in html
    db.session.rollback()


def _positioned_boxes(html: str) -> dict[str, tuple[float, float, float, float]]:
    """The page-1 boxes of the positioned blocks, by class: (left, top, right, bottom) in px,
    as WeasyPrint lays them out."""
    css, fonts = pdf._stylesheet()
    document = pdf._document_class()(
        string=html, url_fetcher=pdf.fetcher(), base_url="file:///nonexistent/"
    ).render(stylesheets=[css], font_config=fonts)
    assert len(document.pages) == 2
    boxes = {}

    def walk(box):
        element = getattr(box, "element", None)
        name = element.get("class") if element is not None else None
        if name in ("col col-km", "col col-en", "qr", "sign", "seal") and name not in boxes:
            x, y = box.border_box_x(), box.border_box_y()
            boxes[name] = (x, y, x + box.border_width(), y + box.border_height())
        for child in getattr(box, "children", None) or ():
            walk(child)

    walk(document.pages[0]._page_box)
    return boxes


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_long_names_and_titles_overlap_nothing(graduates, folder):
    """The longest shipped curriculum title, a long name, a licence with its council and a
    two-line signatory's title: the columns, the QR code, the seal and the signature keep
    apart."""
    certificates.save_settings(None, None, SIGNATORY, NOW)
    _licensed(graduates[0], "CCN-0003391")
    certificate, _ = certificates.issue(None, graduates[0], NOW, folder, BASE)
    context = certificates.pdf_context(certificate, BASE)
    context.update(
        holder_km=pdf.khmer_breaks("សុខសំណាង ចាន់មុនីរ័ត្ន"),
        holder_en="SOKSAMNANG Chanmonirath",
        curriculum_km=pdf.khmer_breaks("វគ្គរំលឹកការថែទាំសម្ភពបន្ទាន់ និងទារកទើបនឹងកើតកម្រិតមូលដ្ឋាន"),
        curriculum_en="Infection prevention and control basics for clinical staff",
        licence_council_km=pdf.khmer_breaks("ក្រុមប្រឹក្សាគិលានុបដ្ឋាកកម្ពុជា"),
        licence_council_en="Cambodian Council of Nurses",
    )
    boxes = _positioned_boxes(pdf.certificate_html(context))
    assert set(boxes) == {"col col-km", "col col-en", "qr", "sign", "seal"}
    names = sorted(boxes)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            assert not _overlap(boxes[first], boxes[second]), (first, second, boxes)
