"""The certificate snapshot: a typed, versioned value; snapshots stored before versions load."""

import json
from datetime import date

import pytest

from lms.certificates import services as certificates
from lms.certificates.models import Certificate
from lms.certificates.snapshot import SNAPSHOT_VERSION, CertificateSnapshot

# A snapshot as certificates stored it before it had a version: a flat dict, dates as ISO text.
OLD_FORMAT = {
    "holder_km": "កែវ ស្រីមុំ",
    "holder_en": "KEO Sreymom",
    "family_name_en": "KEO",
    "family_name_km": "កែវ",
    "cadre_km": "ឆ្មប",
    "cadre_en": "Midwife",
    "licence": "CMC-000042",
    "curriculum_code": "BEMONC",
    "curriculum_version": 1,
    "curriculum_km": "ការថែទាំសម្ភពបន្ទាន់",
    "curriculum_en": "Basic emergency obstetric care",
    "hours": 60.0,
    "cpd_credits": 12.0,
    "competencies": [["D1.1", "ការវាយតម្លៃ", "Assessment"], ["D1.2", "ការថែទាំ", "Care"]],
    "issued_on": "2017-01-15",
    "expires_on": "2019-01-15",
    "issuing_body_km": "ក្រសួងសុខាភិបាល",
    "issuing_body_en": "Ministry of Health",
    "signatory_name_km": "",
    "signatory_name_en": "",
    "signatory_title_km": "រដ្ឋមន្ត្រីក្រសួងសុខាភិបាល",
    "signatory_title_en": "Minister of Health",
    "place_km": "ភ្នំពេញ",
    "place_en": "Phnom Penh",
    "renewed_by_refresher": "BEMONC-REF",
}


def _certificate(stored: dict) -> Certificate:
    return Certificate(
        serial="BEMONC-2017-00001",
        verification_code="abc",
        issued_on=date(2017, 1, 15),
        expires_on=date(2019, 1, 15),
        snapshot=json.dumps(stored, ensure_ascii=False),
    )


def test_a_snapshot_stored_without_a_version_loads_typed():
    snapshot = _certificate(OLD_FORMAT).data
    assert isinstance(snapshot, CertificateSnapshot) and snapshot.version == SNAPSHOT_VERSION
    assert snapshot.holder_en == "KEO Sreymom" and snapshot.family_name_km == "កែវ"
    assert snapshot.issued_on == date(2017, 1, 15) and snapshot.expires_on == date(2019, 1, 15)
    assert snapshot.competencies == (
        ("D1.1", "ការវាយតម្លៃ", "Assessment"),
        ("D1.2", "ការថែទាំ", "Care"),
    )
    assert snapshot.renewed_by_refresher == "BEMONC-REF"
    assert snapshot.renewed_by_cpd_credits is None
    # Item access gives the stored form, as the dict it used to be did.
    assert snapshot["curriculum_en"] == "Basic emergency obstetric care"
    assert snapshot["issued_on"] == "2017-01-15"
    assert snapshot["competencies"] == OLD_FORMAT["competencies"]


def test_it_is_stored_again_with_the_same_keys_and_a_version():
    snapshot = CertificateSnapshot.from_dict(OLD_FORMAT)
    stored = json.loads(snapshot.to_json())
    assert stored == {"version": SNAPSHOT_VERSION, **OLD_FORMAT}
    assert list(stored)[1:] == list(OLD_FORMAT)  # the same order of keys
    assert CertificateSnapshot.from_json(snapshot.to_json()) == snapshot
    assert {**snapshot} == stored


def test_a_snapshot_lacking_a_later_key_reads_it_as_empty():
    older = {k: v for k, v in OLD_FORMAT.items() if not k.startswith(("place_", "signatory_"))}
    older["expires_on"] = None
    snapshot = CertificateSnapshot.from_dict(older)
    assert snapshot.place_en == "" and snapshot.signatory_title_km == ""
    assert snapshot.expires_on is None and "renewed_by_cpd_credits" not in snapshot.to_dict()


def test_a_newer_version_is_refused():
    with pytest.raises(ValueError, match="newer"):
        CertificateSnapshot.from_dict({**OLD_FORMAT, "version": SNAPSHOT_VERSION + 1})


def test_the_pdf_and_the_public_page_read_an_old_snapshot(app):
    certificate = _certificate(OLD_FORMAT)
    context = certificates.pdf_context(certificate, "https://lms.example.gov.kh")
    assert context["holder_en"] == "KEO Sreymom" and context["hours"] == "60"
    assert context["expires_en"] == "15 January 2019"
    assert context["competencies"][1] == ("D1.2", "ការថែទាំ", "Care")
    public = certificates.public_record(certificate, date(2018, 1, 1))
    assert public["issued_on"] == "2017-01-15" and public["expires_on"] == "2019-01-15"
    assert public["holder"] == {"km": "កែវ ស្រីមុំ", "en": "KEO Sreymom"}
    assert public["status"] == "valid"
