"""How a certificate renews, as the service decides it and its page says it (issue 17, item 3)."""

from datetime import datetime

import pytest

from lms.auth.roles import Role
from lms.certificates import services as certificates
from lms.certificates.models import Certificate, IssueKind, RevocationReason
from lms.certificates.services import add_months
from lms.curricula.services import find_curriculum
from lms.errors import DomainError
from lms.extensions import db
from lms.training import services as training
from lms.training.models import CohortStatus

from .. import clock, factories
from ..conftest import count_queries, km
from ..curricula import samples
from .test_services import _complete_other_course

NOW = clock.now()
BASE = "https://lms.example.gov.kh"


def _refresher_place(tmp_path, instructor, trainee, *, closed=True, complete=True):
    """The trainee's place in a cohort of the refresher TST-REF (TST-CUR names it)."""
    refresher = find_curriculum("TST-REF", 1) or samples.publish(
        tmp_path, samples.curriculum(code="TST-REF", type="refresher"), NOW
    )
    cohort = factories.cohort(
        refresher,
        instructor,
        code=f"REF-{trainee.id}",
        title_km="វគ្គរំលឹក",
        title_en="Refresher cohort",
        end_date=clock.days(-1) if closed else clock.days(4),
        status=CohortStatus.RUNNING,
        now=NOW,
    )
    if complete:
        enrolment = factories.graduate(instructor, cohort, trainee, NOW)
    else:
        enrolment = training.enrol(instructor, cohort, trainee, NOW)
    if closed:
        cohort.status = CohortStatus.CLOSED
    db.session.commit()
    return enrolment


def test_a_certificate_that_does_not_expire_needs_no_renewal(issued, curriculum):
    issued.expires_on = None
    curriculum.renewal_cpd_credits = 10
    assert certificates.renewal_of(issued, NOW).way == "no_expiry"
    with pytest.raises(DomainError, match="does not expire"):
        certificates.renew_on_cpd(None, issued, NOW, "unused", BASE)


def test_a_curriculum_without_a_renewal_path_cannot_be_renewed(issued):
    renewal = certificates.renewal_of(issued, NOW)
    assert (renewal.way, renewal.refused) == ("none", None)


def test_cpd_renewal_opens_six_months_before_expiry_and_counts_what_is_short(
    issued, curriculum, instructor, tmp_path, folder
):
    curriculum.renewal_cpd_credits = 10
    renewal = certificates.renewal_of(issued, NOW)
    assert renewal.way == "paths" and renewal.refresher_code is None
    assert renewal.opens_on == add_months(issued.expires_on, -6)
    assert renewal.cpd_refused == ("not_yet", "credits") and renewal.cpd.short == 10
    with pytest.raises(DomainError, match="Renewal opens on"):
        certificates.renew_on_cpd(None, issued, NOW, folder, BASE)

    inside = datetime.combine(renewal.opens_on, NOW.time())
    end = add_months(NOW.date(), 3)
    _complete_other_course(tmp_path, instructor, issued.holder, "CPD-A", 4, end)
    renewal = certificates.renewal_of(issued, inside)
    assert renewal.cpd_refused == ("credits",) and renewal.cpd.short == 6
    _complete_other_course(tmp_path, instructor, issued.holder, "CPD-B", 7, end)
    renewal = certificates.renewal_of(issued, inside)
    assert renewal.cpd_ready and renewal.cpd.short == 0
    renewed = certificates.renew_on_cpd(None, issued, inside, folder, BASE)
    assert renewed.kind == IssueKind.RENEWAL
    assert certificates.renewal_of(issued, inside).refused == "superseded"


def test_refresher_places_say_which_one_renews(issued, curriculum, instructor, tmp_path):
    curriculum.renewed_by = "TST-REF"
    renewal = certificates.renewal_of(issued, NOW)
    assert renewal.refresher_code == "TST-REF" and renewal.places == ()
    assert renewal.cpd is None and not renewal.cpd_refused
    running = _refresher_place(tmp_path, instructor, issued.holder, closed=False)
    (place,) = certificates.renewal_of(issued, NOW).places
    assert place.enrolment.id == running.id and not place.closed and not place.eligible
    assert certificates.renewal_of(issued, NOW).refresher.code == "TST-REF"


def test_a_completed_refresher_place_is_ready_and_issuing_it_renews(
    issued, curriculum, instructor, tmp_path, folder
):
    curriculum.renewed_by = "TST-REF"
    place = _refresher_place(tmp_path, instructor, issued.holder)
    (ready,) = certificates.renewal_of(issued, NOW).ready_places
    assert ready.enrolment.id == place.id
    renewed, created = certificates.issue(None, place, NOW, folder, BASE)
    assert created and renewed.supersedes_id == issued.id
    # The renewal's page offers the same place no more: it has its certificate.
    assert certificates.renewal_of(renewed, NOW).places == ()


def test_a_revoked_certificate_cannot_be_renewed(issued, curriculum):
    curriculum.renewal_cpd_credits = 10
    certificates.revoke(None, issued, RevocationReason.ISSUED_IN_ERROR, "", NOW)
    assert certificates.renewal_of(issued, NOW).refused == "revoked"


def _page(client, certificate, language="en") -> str:
    client.set_cookie("lang", language)
    response = client.get(f"/certificates/{certificate.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_says_how_the_certificate_renews_in_both_languages(
    client, login_as, issued, curriculum
):
    login_as(Role.OFFICER)
    assert "This certificate cannot be renewed" in _page(client, issued)
    assert km(
        "This certificate cannot be renewed: its curriculum names no refresher course and no "
        "renewal on CPD credits. Once it expires, the holder takes the course again for a new "
        "certificate."
    ) in _page(client, issued, "km")
    curriculum.renewal_cpd_credits = 10
    db.session.commit()
    html = _page(client, issued)
    assert "It is renewed on 10 CPD credits" in html and "10 more CPD credits" in html
    assert "Renewal opens on" in html and "Renew on CPD credits</button>" not in html
    html = _page(client, issued, "km")
    assert km("%(short)s more CPD credits are needed.", short="១០") in html
    issued.expires_on = None
    db.session.commit()
    assert "This certificate does not expire: it needs no renewal." in _page(client, issued)


def test_the_page_offers_issuing_the_renewal_from_a_completed_refresher(
    client, login_as, issued, curriculum, instructor, tmp_path
):
    curriculum.renewed_by = "TST-REF"
    place = _refresher_place(tmp_path, instructor, issued.holder)
    login_as(Role.OFFICER)
    html = _page(client, issued)
    action = f"/certificates/cohorts/{place.cohort_id}/enrolments/{place.id}/issue"
    assert "Completing the refresher course" in html and f'action="{action}"' in html
    asked = client.post(action)  # it asks once, and says it renews
    text = asked.get_data(as_text=True)
    assert f"Renew certificate {issued.serial}" in text and 'name="confirmed"' in text
    assert db.session.query(Certificate).count() == 1
    client.set_cookie("lang", "km")
    response = client.post(action, data={"confirmed": "1"}, follow_redirects=True)
    renewed = db.session.query(Certificate).filter(Certificate.id != issued.id).one()
    assert response.request.path == f"/certificates/{renewed.id}"
    message = km("Certificate %(serial)s renews the earlier one.", serial=renewed.serial)
    assert message in response.get_data(as_text=True)
    assert renewed.supersedes_id == issued.id and renewed.kind == IssueKind.RENEWAL
    assert km(
        "This certificate was replaced by a newer one: it is the newer one that is renewed."
    ) in _page(client, issued, "km")


def test_the_holder_reads_how_it_renews_without_the_officers_actions(
    client, login, issued, curriculum, instructor, tmp_path
):
    curriculum.renewed_by = "TST-REF"
    _refresher_place(tmp_path, instructor, issued.holder)
    login(issued.holder)
    html = _page(client, issued)
    assert "Completed: the renewal can be issued." in html and "Issue the renewal" not in html
    assert "/revoke" not in html
    issued.expires_on = clock.days(30)
    db.session.commit()
    client.set_cookie("lang", "km")
    mine = client.get("/my/certificates").get_data(as_text=True)
    assert km("Expires in %(n)s days.", n="៣០") in mine  # and where it says how it renews
    assert f'href="/certificates/{issued.id}#renewal">{km("How it is renewed")}</a>' in mine


def test_the_page_takes_a_fixed_number_of_queries(
    client, login_as, issued, curriculum, instructor, tmp_path
):
    """Whatever the number of refresher places (and so of CPD courses counted: the
    refresher's credits count too); queries grow with the curricula followed, not the places."""
    curriculum.renewed_by = "TST-REF"
    curriculum.renewal_cpd_credits = 10
    issued.issued_on = clock.days(-100)
    _refresher_place(tmp_path, instructor, issued.holder)
    login_as(Role.OFFICER)
    _page(client, issued)
    with count_queries() as one:
        assert "5 of 10" in _page(client, issued)
    other = factories.user()  # a second place: the holder's, in another refresher cohort
    second = _refresher_place(tmp_path, instructor, other)
    second.trainee_id = issued.holder_id
    db.session.commit()
    with count_queries() as two:
        html = _page(client, issued)
    assert "10 of 10" in html and html.count("Completed: the renewal can be issued.") == 2
    assert two.count == one.count, two.statements


def test_a_renewal_on_cpd_credits_that_is_refused_asks_nothing(client, login_as, issued):
    login_as(Role.OFFICER)
    client.set_cookie("lang", "en")
    response = client.post(f"/certificates/{issued.id}/renew", follow_redirects=True)
    assert "not renewed on CPD credits" in response.get_data(as_text=True)  # no question
    assert db.session.query(Certificate).count() == 1
