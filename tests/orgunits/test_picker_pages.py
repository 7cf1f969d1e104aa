"""Every page where a facility is picked, among the national 1,305: the cohort's venue, a
quality assessment's facility, an assessor's single facilities, a logbook case's facility.
Each page stays small and takes a fixed number of queries; its search step works."""

import pytest
import sqlalchemy as sa

from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.orgunits.models import Facility, Province
from lms.quality.models import AssessorScope
from lms.training import services as training

from .. import factories
from ..conftest import count_queries, km
from .national import admin_page, national_places, options

SMALL = 30_000  # bytes: the same page with every facility listed was well over 100 KB


@pytest.fixture
def national(app):
    national_places()


def _facility(code: str) -> Facility:
    return db.session.scalar(sa.select(Facility).where(Facility.code == code))


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_cohort_form_picks_its_venue_by_search(client, login_as, national, curriculum, lang):
    response, queries = admin_page(client, login_as, "/cohorts/new", lang)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(response.data) < SMALL
    assert options(html, "venue_id") == [""]
    assert len(options(html, "curriculum_id")) == 2  # a short list: a plain select
    assert 'name="curriculum_id-q"' not in html and 'name="venue_id-q"' in html
    assert queries.count <= 10, queries.statements
    step = client.post(
        "/cohorts/new", data={"code": "TK-1", "venue_id-q": "២១-HE-០០៧", "venue_id-find": "1"}
    )
    html = step.get_data(as_text=True)
    assert f'<option value="{_facility("21-HE-007").id}" selected>' in html
    assert 'value="TK-1"' in html
    found = "One match for “%(text)s”: it is chosen in the list."
    assert (km(found, text="២១-HE-០០៧") if lang == "km" else found % {"text": "២១-HE-០០៧"}) in html


def test_a_quality_assessment_is_started_at_a_facility_found_by_name(client, login_as, national):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    with count_queries() as queries:
        response = client.get("/quality/assessments/new")
    assert response.status_code == 200 and len(response.data) < SMALL
    assert queries.count <= 12, queries.statements
    html = client.post(
        "/quality/assessments/new",
        data={"facility_id-q": "takeo referral", "facility_id-find": "1"},
    ).get_data(as_text=True)
    listed = options(html, "facility_id")
    assert len(listed) > 2 and "Choose a facility." not in html  # a search step, not a post


def test_an_assessor_finds_only_the_facilities_they_may_assess(client, login_as, national):
    assessor = login_as(Role.QUALITY_ASSESSOR)
    takeo = db.session.scalar(sa.select(Province).where(Province.code == "21"))
    db.session.add(AssessorScope(user_id=assessor.id, province_id=takeo.id))
    db.session.commit()
    data = {"facility_id-q": "health centre", "facility_id-find": "1"}
    html = client.post("/quality/assessments/new", data=data).get_data(as_text=True)
    ids = {int(v) for v in options(html, "facility_id") if v}
    codes = set(db.session.scalars(sa.select(Facility.code).where(Facility.id.in_(ids))))
    assert codes and all(code.startswith("21-") for code in codes)
    outside = _facility("12-NA-015")
    refused = client.post("/quality/assessments/new", data={"facility_id": outside.id})
    assert 'id="facility_id-error"' in refused.get_data(as_text=True)


def test_an_assessors_single_facilities_are_ticked_from_a_search(client, login_as, national):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    person = factories.user(roles=[Role.QUALITY_ASSESSOR], username="assessor.x")
    db.session.commit()
    url = f"/quality/assessors/{person.id}"
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200 and len(response.data) < SMALL
    assert queries.count <= 10, queries.statements
    html = client.post(url, data={"facility_ids-q": "21-HE-007", "facility_ids-find": "1"})
    html = html.get_data(as_text=True)
    wanted = _facility("21-HE-007")
    assert f'name="facility_ids" value="{wanted.id}">' in html  # to tick, not yet ticked
    assert "One match for “21-HE-007”: tick it to add it." in html
    assert client.post(url, data={"facility_ids": str(wanted.id)}).status_code == 302
    scopes = db.session.scalars(sa.select(AssessorScope).where(AssessorScope.user_id == person.id))
    assert [s.facility_id for s in scopes] == [wanted.id]
    html = client.get(url).get_data(as_text=True)
    assert f'name="facility_ids" value="{wanted.id}" checked>' in html


def test_a_logbook_case_is_at_the_trainees_workplace_unless_another_is_found(
    client, login, national, cohort, instructor, curriculum
):
    workplace = _facility("21-HE-007")
    trainee = factories.user(username="keo.s", facility_id=workplace.id)
    enrolment = training.enrol(instructor, cohort, trainee, utcnow())
    db.session.commit()
    log = next(i for i in curriculum.instruments if i.code == "LOG")
    login(trainee)
    url = f"/enrolments/{enrolment.id}/logbook/{log.id}"
    with count_queries() as queries:
        response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(response.data) < SMALL
    assert options(html, "facility_id") == ["", str(workplace.id)]
    assert f'<option value="{workplace.id}" selected>' in html
    assert queries.count <= 16, queries.statements
