"""A licence number two councils have given is ambiguous: enrolling by it, on the page or in a
CSV list, is refused with the holders named, until the council is given; nothing is enrolled."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.database import utcnow
from lms.errors import DomainError, ImportRejected
from lms.extensions import db
from lms.training import services as training
from lms.training.models import Enrolment
from lms.users.models import Council

from .. import factories
from ..conftest import km


def council(code: str) -> int:
    return db.session.scalar(sa.select(Council.id).where(Council.code == code))


@pytest.fixture
def twins(app):
    """A midwife and a nurse whose councils both gave licence number 0042."""
    midwife = factories.user(
        family_name_en="KEO",
        given_name_en="Sophea",
        council_id=council("CMWC"),
        licence_number="0042",
    )
    nurse = factories.user(
        family_name_en="CHAN",
        given_name_en="Vy",
        council_id=council("CCN"),
        licence_number="0042",
    )
    db.session.commit()
    return midwife, nurse


def enrolled(cohort) -> list[int]:
    return list(
        db.session.scalars(sa.select(Enrolment.trainee_id).where(Enrolment.cohort_id == cohort.id))
    )


def test_an_ambiguous_licence_names_the_holders_and_enrols_nobody(cohort, instructor, twins):
    with pytest.raises(DomainError) as refused:
        training.enrol_named(instructor, cohort, "0042", utcnow())
    message = str(refused.value.message)
    assert "KEO Sophea (CMWC)" in message and "CHAN Vy (CCN)" in message
    assert refused.value.field == "trainee"
    db.session.rollback()
    assert enrolled(cohort) == []


def test_the_council_tells_the_holders_apart(cohort, instructor, twins):
    midwife, nurse = twins
    enrolment = training.enrol_named(instructor, cohort, "0042", utcnow(), "ccn")
    assert enrolment.trainee_id == nurse.id
    assert training.find_trainee("0042", "CMWC") == midwife


def test_a_licence_one_council_gave_needs_no_council(cohort, instructor, twins):
    other = factories.user(council_id=council("PCC"), licence_number="0777")
    db.session.commit()
    assert training.find_trainee("0777") == other


def test_a_csv_row_with_an_ambiguous_licence_rejects_the_whole_list(cohort, instructor, twins):
    single = factories.user(username="alone")
    db.session.commit()
    with pytest.raises(ImportRejected) as rejected:
        training.import_enrolments(instructor, cohort, "trainee\nalone\n0042\n", utcnow())
    [error] = rejected.value.errors
    assert (error.line, error.field) == (3, "trainee") and "CMWC" in str(error.message)
    db.session.rollback()
    assert enrolled(cohort) == []
    enrolments = training.import_enrolments(
        instructor, cohort, "trainee,council\nalone,\n0042,CMWC\n", utcnow()
    )
    assert [e.trainee_id for e in enrolments] == [single.id, twins[0].id]


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_page_shows_the_holders_and_takes_a_council(
    client, login, cohort, instructor, twins, lang
):
    login(instructor)
    client.set_cookie("lang", lang)
    page = client.post(
        f"/cohorts/{cohort.id}/enrolments", data={"trainee": "0042"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "CHAN Vy (CCN)" in page
    if lang == "km":
        assert km("Only needed when two councils have given the same licence number.") in page
    assert enrolled(cohort) == []
    client.post(f"/cohorts/{cohort.id}/enrolments", data={"trainee": "0042", "council": "CMWC"})
    assert enrolled(cohort) == [twins[0].id]


def test_a_trainee_is_found_by_full_name_in_either_script(cohort, instructor, twins):
    midwife, _nurse = twins
    assert training.find_trainee("KEO Sophea") == midwife
    assert training.find_trainee("  sophea   keo ") == midwife
    assert training.find_trainee(f"{midwife.family_name_km} {midwife.given_name_km}") == midwife
    enrolment = training.enrol_named(instructor, cohort, "Keo Sophea", utcnow())
    assert enrolment.trainee_id == midwife.id


def test_a_shared_name_names_the_people_by_login(cohort, instructor, twins):
    factories.user(username="other.keo", family_name_en="KEO", given_name_en="Sophea")
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        training.find_trainee("Keo Sophea")
    assert "other.keo" in str(refused.value.message) and refused.value.field == "trainee"
