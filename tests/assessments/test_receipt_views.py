"""A checklist or logbook post sent twice (double tap, two tabs, a retried queue) is saved
once, and the repeat answers what the first did."""

import re
from uuid import uuid4

import pytest
import sqlalchemy as sa

from lms.assessments.models import AssessmentRecord, LogbookEntry
from lms.extensions import db
from lms.receipts import guard
from lms.receipts import services as receipts
from lms.receipts.models import SubmissionReceipt

from .. import clock, factories
from ..conftest import km

SAVED = "This was already saved."
CONFLICT = "This form was already sent with other content"


def _records():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentRecord))


def _post(client, enrolment, osce, key, rating="3", **headers):
    data = {f"item{item.id}": "done" for item in osce.items}
    data.update(overall_rating=rating, action="submit", assessed_on=clock.days(-1).isoformat())
    if key is not None and not headers:
        data["idempotency_key"] = key
    url = f"/enrolments/{enrolment.id}/instruments/{osce.id}/checklist"
    return client.post(url, data=data, headers=headers)


@pytest.mark.parametrize("language", ["en", "km"])
def test_the_same_checklist_sent_twice_is_one_record(client, login, enrolled, instructor, language):
    enrolment, _trainee, instruments = enrolled
    osce = instruments["OSCE-1"]
    login(instructor)
    client.set_cookie("lang", language)
    page = client.get(f"/enrolments/{enrolment.id}/instruments/{osce.id}/checklist")
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', page.get_data(True))[1]
    first = _post(client, enrolment, osce, key)
    second = _post(client, enrolment, osce, key)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _records() == 1
    html = client.get(second.headers["Location"]).get_data(as_text=True)
    assert (km(SAVED) if language == "km" else SAVED) in html


@pytest.mark.parametrize("language", ["en", "km"])
def test_the_same_key_with_other_marks_is_a_conflict(client, login, enrolled, instructor, language):
    enrolment, _trainee, instruments = enrolled
    osce = instruments["OSCE-1"]
    login(instructor)
    client.set_cookie("lang", language)
    key = str(uuid4())
    assert _post(client, enrolment, osce, key).status_code == 302
    refused = _post(client, enrolment, osce, key, rating="2")
    assert refused.status_code == 409
    assert (km(CONFLICT) if language == "km" else CONFLICT) in refused.get_data(as_text=True)
    assert _records() == 1


def test_the_header_carries_a_key_too(client, login, enrolled, instructor):
    enrolment, _trainee, instruments = enrolled
    osce = instruments["OSCE-1"]
    login(instructor)
    key = str(uuid4())
    first = _post(client, enrolment, osce, key, **{"Idempotency-Key": key})
    second = _post(client, enrolment, osce, key, **{"Idempotency-Key": key})
    assert first.headers["Location"] == second.headers["Location"] and _records() == 1


def test_another_account_using_the_key_is_not_answered_the_first_ones_way(
    client, app, login, setting, instructor
):
    enrolment, _trainee, second, instruments = setting
    osce = instruments["OSCE-1"]
    key = str(uuid4())
    login(instructor)
    mine = _post(client, enrolment, osce, key)
    other = app.test_client()  # the second instructor, in their own browser
    other.post("/login", data={"login": second.username, "password": factories.PASSWORD})
    theirs = _post(other, enrolment, osce, key)
    assert theirs.status_code == 302 and theirs.headers["Location"] != mine.headers["Location"]
    assert _records() == 2


def test_without_a_key_the_form_works_as_before(client, login, enrolled, instructor):
    enrolment, _trainee, instruments = enrolled
    osce = instruments["OSCE-1"]
    login(instructor)
    assert _post(client, enrolment, osce, None).status_code == 302
    assert _post(client, enrolment, osce, None).status_code == 302
    assert _records() == 2  # no key, no receipt: each post is its own
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SubmissionReceipt)) == 0


@pytest.mark.parametrize("junk", ["x", "1" * 300, "not-a-uuid-at-all-but-36-characters!", "%00"])
def test_a_junk_key_is_a_bad_request(client, login, enrolled, instructor, junk):
    enrolment, _trainee, instruments = enrolled
    osce = instruments["OSCE-1"]
    login(instructor)
    assert _post(client, enrolment, osce, junk).status_code == 400
    assert _records() == 0


def test_a_copy_that_loses_the_race_answers_the_winners_way(
    client, login, enrolled, instructor, monkeypatch
):
    """Two tabs at once: both miss the receipt, both save; the unique key refuses the second
    receipt, its record is rolled back and it answers with the first one's redirect."""
    enrolment, _trainee, instruments = enrolled
    osce = instruments["OSCE-1"]
    login(instructor)
    key = str(uuid4())
    first = _post(client, enrolment, osce, key)
    found, misses = receipts.find, []

    def racing(user_id, k, now):
        if not misses:  # the second tab looked before the first had written its receipt
            misses.append(k)
            return None
        return found(user_id, k, now)

    monkeypatch.setattr(guard.receipts, "find", racing)
    second = _post(client, enrolment, osce, key)
    assert misses and second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _records() == 1
    assert km(SAVED) in client.get(second.headers["Location"]).get_data(as_text=True)


def test_a_logbook_case_sent_twice_is_one_entry(client, login, enrolled):
    enrolment, trainee, instruments = enrolled
    log = instruments["LOG"]
    login(trainee)
    url = f"/enrolments/{enrolment.id}/logbook/{log.id}"
    assert 'name="idempotency_key"' in client.get(url).get_data(as_text=True)
    data = {
        "case_type_id": log.case_types[0].id,
        "case_date": clock.days(-1).isoformat(),
        "reference": "ANC-0042",
        "role": "performed",
        "facility_id": "",
        "idempotency_key": str(uuid4()),
    }
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LogbookEntry)) == 1
