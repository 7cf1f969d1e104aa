"""Certificates through the browser: officers, holders, and anyone verifying."""

import io
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from lms import i18n
from lms.auth.roles import Role
from lms.certificates import routes
from lms.certificates import services as certificates
from lms.certificates.models import Certificate, RevocationReason
from lms.database import utcnow
from lms.extensions import db
from lms.training.models import CohortStatus

from .. import clock, factories
from ..conftest import count_queries, km
from .test_services import _complete_other_course


def test_officer_sees_eligibility_and_bulk_issues(client, login_as, graduates, cohort):
    login_as(Role.OFFICER)
    client.set_cookie("lang", "en")
    html = client.get(f"/certificates/cohorts/{cohort.id}").get_data(as_text=True)
    assert "2 trainees are eligible" in html
    assert "Required competencies are not all achieved." in html  # the third trainee
    client.post(f"/certificates/cohorts/{cohort.id}/issue", data={"confirmed": "1"})
    assert db.session.query(Certificate).count() == 2
    client.set_cookie("lang", "km")
    response = client.post(
        f"/certificates/cohorts/{cohort.id}/issue", data={"confirmed": "1"}, follow_redirects=True
    )
    message = (
        "%(issued)s certificates issued; %(existing)s already had one; %(ineligible)s not eligible."
    )
    assert km(message, issued="០", existing="២", ineligible="១") in response.get_data(as_text=True)
    serials = sorted(c.serial for c in db.session.query(Certificate))
    year = clock.today().year
    assert serials == [f"TST-CUR-{year}-00001", f"TST-CUR-{year}-00002"]


def test_public_verification_shows_only_what_anyone_may_know(client, issued):
    client.set_cookie("lang", "en")
    response = client.get(f"/verify/{issued.verification_code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Valid" in html and "KEO Sreymom" in html
    assert issued.holder.username not in html and "licence" not in html.lower()
    data = client.get(f"/verify/{issued.verification_code}.json").get_json()
    assert data["status"] == "valid" and data["holder"]["en"] == "KEO Sreymom"
    assert set(data) == {
        "serial",
        "status",
        "holder",
        "curriculum",
        "issued_on",
        "expires_on",
        "issuing_body",
        "revoked_on",
        "revocation_reason",
    }


def test_verification_page_in_khmer(client, issued):
    html = client.get(f"/verify/{issued.verification_code}").get_data(as_text=True)
    assert km("Certificate verification") in html and km("Valid") in html


@pytest.mark.parametrize("code", ["does-not-exist", "x" * 80, "%27%20OR%201%3D1"])
def test_unknown_or_malformed_codes_are_a_plain_404(client, code):
    assert client.get(f"/verify/{code}").status_code == 404
    assert client.get(f"/verify/{code}.json").status_code == 404


def test_lookup_by_serial_and_family_name(client, issued):
    serial = f"TST-CUR-{clock.today().year}-00001"
    response = client.get(f"/verify?serial={serial}&family_name=keo")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(issued.verification_code)
    assert client.get(f"/verify?serial={serial}&family_name=chan").status_code == 404


def test_lookups_are_rate_limited_per_address(client, issued):
    url = f"/verify/{issued.verification_code}"
    for _ in range(30):
        assert client.get(url, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200
    assert client.get(url, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 429
    assert client.get(url, environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 200


def test_revocation_shows_on_the_public_page_at_once(client, login_as, issued):
    login_as(Role.OFFICER)
    client.set_cookie("lang", "en")
    refused = client.post(
        f"/certificates/{issued.id}/revoke", data={"reason": ""}, follow_redirects=True
    )
    assert "Choose the reason for revoking." in refused.get_data(as_text=True)
    client.post(
        f"/certificates/{issued.id}/revoke", data={"reason": "issued_in_error", "confirmed": "1"}
    )
    html = client.get(f"/verify/{issued.verification_code}").get_data(as_text=True)
    assert "Revoked" in html and "Issued in error" in html


def test_downloads_return_the_exact_stored_bytes(client, login, issued, graduates, app):
    login(graduates[0].trainee)
    stored = certificates.stored_pdf(issued, Path(app.config["UPLOAD_FOLDER"]) / "certificates")
    response = client.get(f"/certificates/{issued.id}/pdf")
    assert response.status_code == 200 and response.data == stored
    pdfa = client.get(f"/certificates/{issued.id}/pdfa")
    assert pdfa.status_code == 200
    reader = PdfReader(io.BytesIO(pdfa.data))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata and b"pdfaid:conformance" in metadata
    assert "/OutputIntents" in reader.trailer["/Root"] and len(reader.pages) == 2
    other = app.test_client()
    stranger = factories.user()
    db.session.commit()
    other.post("/login", data={"login": stranger.username, "password": factories.PASSWORD})
    assert other.get(f"/certificates/{issued.id}/pdf").status_code == 403


def test_holder_sees_own_certificates(client, login, issued, graduates):
    login(graduates[0].trainee)
    client.set_cookie("lang", "en")
    html = client.get("/my/certificates").get_data(as_text=True)
    assert issued.serial in html


@pytest.mark.parametrize(
    "role,status",
    [
        (Role.OFFICER, 200),
        (Role.ADMIN, 200),
        (Role.INSTRUCTOR, 403),
        (Role.TRAINEE, 403),
        (Role.QUALITY_ASSESSOR, 403),
    ],
)
def test_registry_access_and_csv(client, login_as, issued, role, status):
    login_as(role)
    assert client.get("/certificates").status_code == status
    if status == 200:
        csv_text = client.get("/certificates?format=csv").get_data(as_text=True)
        assert issued.serial in csv_text and "holder_en" in csv_text


def test_names_with_markup_are_escaped_on_pages_and_in_the_pdf(
    client, login_as, graduates, app, cohort
):
    trainee = graduates[1].trainee
    trainee.given_name_en = "<script>alert(1)</script>"
    db.session.commit()
    folder = Path(app.config["UPLOAD_FOLDER"]) / "certificates"
    certificate, _ = certificates.issue(
        None, graduates[1], utcnow(), folder, app.config["LMS_BASE_URL"]
    )
    db.session.commit()
    html = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    text = (
        PdfReader(io.BytesIO(certificates.stored_pdf(certificate, folder))).pages[0].extract_text()
    )
    assert "<script>alert(1)</script>" in text  # shown as text, never run


def test_corrected_reissue_keeps_the_serial_and_supersedes(client, login_as, issued):
    login_as(Role.OFFICER)
    client.set_cookie("lang", "en")
    holder = issued.holder
    holder.given_name_en = "Sreymum"
    db.session.commit()
    response = client.post(
        f"/certificates/{issued.id}/reissue", data={"reissue-reason": "given name misspelt"}
    )
    assert response.status_code == 302
    new = db.session.query(Certificate).filter(Certificate.id != issued.id).one()
    assert new.serial == f"{issued.serial}-A" and new.data["holder_en"] == "KEO Sreymum"
    assert new.issued_on == issued.issued_on and new.expires_on == issued.expires_on
    old_page = client.get(f"/verify/{issued.verification_code}").get_data(as_text=True)
    assert "Replaced by a newer certificate" in old_page and new.serial in old_page
    new_page = client.get(f"/verify/{new.verification_code}.json").get_json()
    assert new_page["status"] == "valid"
    client.post(f"/certificates/{new.id}/reissue", data={"reissue-reason": "again"})
    serials = sorted(c.serial for c in db.session.query(Certificate))
    assert serials[-1] == f"{issued.serial}-B"


def test_registry_filters_expiring_and_province(client, login_as, issued):
    login_as(Role.OFFICER)
    assert issued.serial not in client.get("/certificates?expiring=1").get_data(as_text=True)
    issued.expires_on = utcnow().date() + timedelta(days=30)
    db.session.commit()
    html = client.get("/certificates?expiring=1").get_data(as_text=True)
    assert issued.serial in html
    assert issued.serial in client.get("/certificates?curriculum=tst-cur").get_data(as_text=True)
    assert issued.serial not in client.get("/certificates?curriculum=OTHER").get_data(as_text=True)


def test_a_search_keeps_its_filters_in_the_csv_link(client, login_as, issued):
    # A search with a name used to fail (500): the CSV link passed `q` twice.
    login_as(Role.OFFICER)
    family = issued.data["family_name_en"]
    response = client.get(f"/certificates?q={family}&status=valid")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert issued.serial in html
    assert f"/certificates?q={family}&amp;status=valid&amp;format=csv" in html


def test_registry_search_by_serial_prefix_and_by_name(client, login_as, issued):
    login_as(Role.OFFICER)
    listed = f"<code>{issued.serial}</code>"

    def found(q):
        return listed in client.get(f"/certificates?q={q}").get_data(as_text=True)

    assert found(issued.serial.rsplit("-", 1)[0].lower())  # a serial's beginning, any case
    assert found(issued.serial)
    assert not found(issued.serial + "9")
    assert found(issued.holder.given_name_en[1:-1])  # inside a name
    assert not found("Nobody")


def test_registry_finds_serials_whose_code_has_digits_or_underscores(client, login_as, issued):
    # Serials of codes such as MW2 went to the name search and were not found.
    issued.serial = "MW2_B-2026-00001"
    db.session.commit()
    login_as(Role.OFFICER)
    for q in ("mw2_b-2026", "MW2_B-2026-00001"):
        html = client.get(f"/certificates?q={q}").get_data(as_text=True)
        assert "<code>MW2_B-2026-00001</code>" in html
    assert "<code>MW2_B" not in client.get("/certificates?q=MW2XB-2026").get_data(as_text=True)


def test_settings_are_printed_on_new_certificates_only(client, login_as, graduates, issued, app):
    login_as(Role.ADMIN)
    response = client.post(
        "/certificates/settings",
        data={
            "issuing_body_km": "មជ្ឈមណ្ឌលជាតិគាំពារមាតា និងទារក",
            "issuing_body_en": "National Maternal and Child Health Centre",
            "signatory_name_km": "",
            "signatory_name_en": "",
            "signatory_title_km": "នាយក",
            "signatory_title_en": "Director",
            "place_km": "ភ្នំពេញ",
            "place_en": "Phnom Penh",
            "curriculum_code": "tst-cur",
        },
    )
    assert response.status_code == 302
    certificate, _ = certificates.issue(
        None,
        graduates[1],
        utcnow(),
        Path(app.config["UPLOAD_FOLDER"]) / "certificates",
        "http://localhost",
    )
    assert certificate.data["issuing_body_en"] == "National Maternal and Child Health Centre"
    assert issued.data["issuing_body_en"] == "Ministry of Health"


def test_certificate_page_renews_on_cpd_credits(
    client, login_as, issued, curriculum, instructor, tmp_path
):
    today = utcnow().date()
    issued.issued_on = today - timedelta(days=400)
    issued.expires_on = today + timedelta(days=100)  # renewal opens six months before expiry
    curriculum.renewal_cpd_credits = 10
    trainee = issued.holder
    _complete_other_course(tmp_path, instructor, trainee, "CPD-A", 6, today - timedelta(days=30))
    db.session.commit()

    login_as(Role.OFFICER)
    client.set_cookie("lang", "en")
    html = client.get(f"/certificates/{issued.id}").get_data(as_text=True)
    assert 'name="reissue-reason"' in html  # the form was rendered empty before
    assert "Renewal on CPD credits" in html and "6 of 10" in html
    assert "Renew on CPD credits</button>" not in html
    response = client.post(f"/certificates/{issued.id}/renew")
    assert response.status_code == 302 and db.session.query(Certificate).count() == 1

    _complete_other_course(tmp_path, instructor, trainee, "CPD-B", 5, today - timedelta(days=2))
    db.session.commit()
    client.set_cookie("lang", "km")
    html = client.get(f"/certificates/{issued.id}").get_data(as_text=True)
    assert km("Renewal on CPD credits") in html and km("Renew on CPD credits") in html
    asked = client.post(f"/certificates/{issued.id}/renew")  # it asks once
    assert asked.status_code == 200 and 'name="confirmed"' in asked.get_data(as_text=True)
    assert db.session.query(Certificate).count() == 1
    response = client.post(f"/certificates/{issued.id}/renew", data={"confirmed": "1"})
    new = db.session.query(Certificate).filter(Certificate.id != issued.id).one()
    assert response.headers["Location"].endswith(f"/certificates/{new.id}")
    assert new.supersedes_id == issued.id and new.expires_on > date.today()
    client.set_cookie("lang", "en")
    old_page = client.get(f"/certificates/{issued.id}").get_data(as_text=True)
    assert f"Replaced by {new.serial}" in old_page and "Renewal on CPD credits" not in old_page


def test_trainee_cannot_renew(client, login_as, issued, curriculum):
    curriculum.renewal_cpd_credits = 1
    db.session.commit()
    login_as(Role.TRAINEE)
    assert client.post(f"/certificates/{issued.id}/renew").status_code == 403


def test_cohort_eligibility_page_queries_do_not_grow(
    client, login_as, graduates, cohort, instructor, curriculum
):
    login_as(Role.OFFICER)
    client.get(f"/certificates/cohorts/{cohort.id}")  # reads the curriculum's structure once
    with count_queries() as three:
        assert client.get(f"/certificates/cohorts/{cohort.id}").status_code == 200
    cohort.status, cohort.capacity = CohortStatus.RUNNING, 10
    for _ in range(4):
        factories.graduate(instructor, cohort)
    cohort.status = CohortStatus.CLOSED
    db.session.commit()
    with count_queries() as seven:
        html = client.get(f"/certificates/cohorts/{cohort.id}").get_data(as_text=True)
    assert html.count("badge-ok") >= 6
    assert seven.count == three.count, seven.statements


def test_a_cached_verification_page_follows_a_revocation_at_once(client, issued):
    url = f"/verify/{issued.verification_code}"
    client.set_cookie("lang", "en")
    first = client.get(url)
    assert "Valid" in first.get_data(as_text=True)
    assert "Set-Cookie" not in first.headers  # no session for a visitor: the page can be kept
    with count_queries() as q:
        again = client.get(url)
    assert again.get_data() == first.get_data()
    assert q.count == 1  # the certificate's state only: the page came from the cache
    officer = factories.user(roles=[Role.OFFICER])
    certificates.revoke(officer, issued, RevocationReason.ISSUED_IN_ERROR, "", utcnow())
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "Revoked" in html and "Issued in error" in html
    client.set_cookie("lang", "km")
    assert km("Issued in error") in client.get(url).get_data(as_text=True)


def test_status_and_revocation_dates_are_the_day_in_phnom_penh(client, issued, monkeypatch):
    # 23:30 UTC on the expiry day is 06:30 the next morning in Cambodia: already expired there.

    moment = datetime.combine(issued.expires_on, time(23, 30))
    monkeypatch.setattr(i18n, "utcnow", lambda: moment)
    monkeypatch.setattr(routes, "utcnow", lambda: moment)
    client.set_cookie("lang", "en")
    assert "Expired" in client.get(f"/verify/{issued.verification_code}").get_data(as_text=True)
    issued.revoked_at = moment
    db.session.commit()
    data = client.get(f"/verify/{issued.verification_code}.json").get_json()
    assert data["revoked_on"] == date.fromordinal(issued.expires_on.toordinal() + 1).isoformat()


def test_issuing_to_an_ineligible_trainee_says_why(client, login_as, graduates, cohort):
    login_as(Role.OFFICER)
    client.set_cookie("lang", "en")
    issue = "/certificates/cohorts/{}/enrolments/{}/issue"
    response = client.post(issue.format(cohort.id, graduates[2].id), follow_redirects=True)
    assert response.request.path == f"/certificates/cohorts/{cohort.id}"
    reasons = "Required competencies are not all achieved.; The logbook is not complete."
    assert f"Not eligible: {reasons}" in response.get_data(as_text=True)
    # An enrolment under another cohort's address is not found there.
    assert client.post(issue.format(cohort.id + 1, graduates[0].id)).status_code == 404
    assert db.session.query(Certificate).count() == 0
