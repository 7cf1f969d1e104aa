"""Quality pages through the test client: every role, both languages, object access."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import format_number, local_today
from lms.quality import services
from lms.quality.models import AssessmentStatus, QualityAnswer, QualityAssessment
from lms.quality.services import AnswerInput
from lms.training.models import Enrolment
from lms.users.models import Sex

from .. import factories
from ..conftest import count_queries, csrf_token, km
from .conftest import answer_all, assess, certify

VIEW = {Role.ADMIN, Role.QUALITY_ASSESSOR, Role.OFFICER, Role.INSTRUCTOR}
ASSESS = {Role.ADMIN, Role.QUALITY_ASSESSOR}


@pytest.fixture
def scene(tool, hc, round_, assessor, validator, cohort, curriculum):
    midwives = [
        factories.user(facility_id=hc.id, cadre_id=factories.cadre().id, sex=sex)
        for sex in (Sex.FEMALE, Sex.FEMALE, Sex.MALE)
    ]
    certify(midwives[0], curriculum, local_today())
    db.session.commit()
    a = assess(assessor, validator, hc, round_)
    return {"hc": hc, "assessment": a, "midwives": midwives, "cohort": cohort}


def urls(scene):
    hc, a = scene["hc"], scene["assessment"]
    return {
        "/quality/league": VIEW,
        "/quality/league.csv": VIEW,
        "/quality/tools": VIEW,
        f"/quality/facilities/{hc.id}": VIEW,
        f"/quality/facilities/{hc.id}/training-needs": VIEW,
        "/quality/rounds": ASSESS,
        "/quality/assessments/new": ASSESS,
        "/quality/assessors": {Role.ADMIN},
        f"/quality/assessments/{a.id}": ASSESS,
        f"/quality/assessments/{a.id}/domains/1": ASSESS,
        f"/quality/assessments/{a.id}/actions": ASSESS,
    }


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_table(client, login_as, scene, role):
    user = login_as(role)
    if role == Role.QUALITY_ASSESSOR:
        services.set_scopes(None, user, [scene["hc"].province_id], [], utcnow())
        db.session.commit()
    for lang in ("en", "km"):
        client.set_cookie("lang", lang)
        for url, allowed in urls(scene).items():
            status = client.get(url).status_code
            assert status == (200 if role in allowed else 403), (url, lang, status)
    assert client.get("/quality/").status_code == (
        200 if role in ASSESS else 302 if role in VIEW else 403
    )


def test_anonymous_is_sent_to_login(client, scene):
    response = client.get(f"/quality/facilities/{scene['hc'].id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_assessor_outside_the_facility_sees_nothing(client, login_as, scene):
    login_as(Role.QUALITY_ASSESSOR)  # no assigned facility
    a = scene["assessment"]
    assert client.get(f"/quality/assessments/{a.id}").status_code == 403
    assert client.get(f"/quality/assessments/{a.id}/domains/1").status_code == 403
    assert client.post(f"/quality/assessments/{a.id}/validate").status_code == 403


def _post(client, url, data, page):
    data = dict(data, csrf_token=csrf_token(client.get(page).get_data(as_text=True)))
    return client.post(url, data=data)


def test_capture_on_a_phone_in_khmer(client, login, tool, hc, round_, assessor, validator):
    login(assessor)
    client.set_cookie("lang", "km")
    response = _post(
        client,
        "/quality/assessments/new",
        {
            "facility_id": hc.id,
            "round_id": round_.id,
            "assessed_on": local_today().isoformat(),
        },
        "/quality/assessments/new",
    )
    a = db.session.scalar(sa.select(QualityAssessment))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/quality/assessments/{a.id}/domains/1"
    )
    page = client.get(f"/quality/assessments/{a.id}/domains/1").get_data(as_text=True)
    assert km("Domain %(n)s of %(total)s", n="១", total="៣") in page
    ind = {i.code: i for d in tool.domains for i in d.indicators}
    bad = _post(
        client,
        f"/quality/assessments/{a.id}/domains/1",
        {f"c{ind['HH'].id}": "yes", f"c{ind['WASTE'].id}": "partial", f"v{ind['PCT'].id}": "140"},
        f"/quality/assessments/{a.id}/domains/1",
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert km("Some answers need correcting; nothing was saved.") in html
    assert km("Enter a number from %(min)s to %(max)s.", min=0, max=100) in html
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(QualityAnswer)
            .where(QualityAnswer.indicator_id == ind["HH"].id)
        )
        == 0
    )
    good = _post(
        client,
        f"/quality/assessments/{a.id}/domains/1",
        {
            f"c{ind['HH'].id}": "yes",
            f"c{ind['WASTE'].id}": "partial",
            f"v{ind['PCT'].id}": "90",
            f"n{ind['PCT'].id}": "ល្អ",
            "go": "next",
        },
        f"/quality/assessments/{a.id}/domains/1",
    )
    assert good.headers["Location"].endswith(f"/quality/assessments/{a.id}/domains/2")
    _post(
        client,
        f"/quality/assessments/{a.id}/domains/2",
        {f"c{ind['V-PPH'].id}": "yes", f"c{ind['O-PPH'].id}": "no", "go": "done"},
        f"/quality/assessments/{a.id}/domains/2",
    )
    summary = client.get(f"/quality/assessments/{a.id}").get_data(as_text=True)
    assert km("Submit for validation") in summary
    _post(client, f"/quality/assessments/{a.id}/submit", {}, f"/quality/assessments/{a.id}")
    db.session.expire_all()
    assert db.session.get(QualityAssessment, a.id).status == AssessmentStatus.SUBMITTED
    # The assessor cannot validate their own work; the second assessor can.
    assert (
        _post(
            client, f"/quality/assessments/{a.id}/validate", {}, f"/quality/assessments/{a.id}"
        ).status_code
        == 403
    )
    _post(client, "/logout", {}, "/")
    login(validator)
    client.set_cookie("lang", "en")
    page = client.get(f"/quality/assessments/{a.id}").get_data(as_text=True)
    assert "Validate" in page
    _post(
        client,
        f"/quality/assessments/{a.id}/validate",
        {"confirmed": "1"},
        f"/quality/assessments/{a.id}",
    )
    db.session.expire_all()
    assert db.session.get(QualityAssessment, a.id).status == AssessmentStatus.VALIDATED
    card = client.get(f"/quality/facilities/{hc.id}").get_data(as_text=True)
    assert "Overall score" in card and "44.4%" in card and "Below the pass mark" in card
    assert card.count('<svg class="chart"') == 1  # the trend; each domain's bar is its own
    assert card.count('<svg class="bar"') == card.count('<details class="card fold">') == 3
    assert "Know–do gap" in card


def test_pages_without_csrf_are_refused(app, client, login, scene, assessor):
    login(assessor)
    app.config["WTF_CSRF_ENABLED"] = True
    a = scene["assessment"]
    assert (
        client.post(f"/quality/assessments/{a.id}/correct", data={"reason": "x"}).status_code == 400
    )


def test_instructor_enrols_staff_from_training_needs(client, login, scene, instructor):
    login(instructor)
    client.set_cookie("lang", "en")
    hc, cohort = scene["hc"], scene["cohort"]
    page = client.get(f"/quality/facilities/{hc.id}/training-needs").get_data(as_text=True)
    assert cohort.code in page and "Enrol the chosen staff" in page
    lacking = scene["midwives"][1:]
    response = _post(
        client,
        f"/quality/facilities/{hc.id}/training-needs/enrol",
        {"cohort_id": cohort.id, "user_ids": [u.id for u in lacking]},
        f"/quality/facilities/{hc.id}/training-needs",
    )
    assert response.status_code == 302
    enrolled = set(
        db.session.scalars(sa.select(Enrolment.trainee_id).where(Enrolment.cohort_id == cohort.id))
    )
    assert {u.id for u in lacking} <= enrolled
    page = client.get(f"/quality/facilities/{hc.id}/training-needs").get_data(as_text=True)
    assert f"2 people enrolled in {cohort.code}." in page


def test_enrolment_from_needs_is_all_or_nothing(client, login, scene, instructor):
    login(instructor)
    hc, cohort = scene["hc"], scene["cohort"]
    cohort.capacity = 2  # one place is taken by the certified midwife: only one left
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment))
    response = _post(
        client,
        f"/quality/facilities/{hc.id}/training-needs/enrol",
        {"cohort_id": cohort.id, "user_ids": [u.id for u in scene["midwives"][1:]]},
        f"/quality/facilities/{hc.id}/training-needs",
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == before


def test_an_instructor_of_another_cohort_cannot_enrol(client, login_as, scene):
    login_as(Role.INSTRUCTOR)
    hc, cohort = scene["hc"], scene["cohort"]
    page = client.get(f"/quality/facilities/{hc.id}/training-needs").get_data(as_text=True)
    assert "Enrol the chosen staff" not in page
    response = _post(
        client,
        f"/quality/facilities/{hc.id}/training-needs/enrol",
        {"cohort_id": cohort.id, "user_ids": [scene["midwives"][1].id]},
        f"/quality/facilities/{hc.id}/training-needs",
    )
    assert response.status_code == 403


def test_league_csv(client, login_as, scene):
    login_as(Role.OFFICER)
    text = client.get(f"/quality/league.csv?province={scene['hc'].province_id}").get_data(
        as_text=True
    )
    header, first = text.splitlines()[:2]
    assert header.lstrip("\ufeff").startswith("rank,facility_code")
    assert first.startswith("1,HC-A,")


def test_league_page_in_khmer_uses_khmer_digits(client, login_as, scene):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "km")
    html = client.get(f"/quality/league?province={scene['hc'].province_id}").get_data(as_text=True)
    score = format_number(scene["assessment"].overall_score, "km")
    assert scene["assessment"].overall_score == 66.7 and score.startswith("៦៦")
    assert km("Facility league table") in html and f"{score}%" in html


def test_main_pages_use_a_fixed_number_of_queries(
    client, login_as, scene, assessor, validator, round_
):
    login_as(Role.ADMIN)
    hc = scene["hc"]
    pages = [
        f"/quality/facilities/{hc.id}",
        f"/quality/league?province={hc.province_id}",
        f"/quality/facilities/{hc.id}/training-needs",
    ]

    def counts():
        out = []
        for url in pages:
            db.session.expire_all()
            with count_queries() as q:
                assert client.get(url).status_code == 200
            out.append(q.count)
        return out

    small = counts()
    for n in range(4):
        facility = factories.facility(code=f"HC-X{n}", district_id=factories.district().id)
        factories.user(facility_id=hc.id, cadre_id=factories.cadre().id)
        factories.user(facility_id=facility.id, cadre_id=factories.cadre("NURSE").id)
        assess(assessor, validator, facility, round_)
    assert counts() == small


def test_the_league_is_paged_in_both_languages(client, login_as, scene):
    # The shared pagination macro once shadowed gettext (`_`) and failed on its "Next" link.
    for n in range(101):
        db.session.add(factories.facility(code=f"HC-P{n:03d}"))
    db.session.commit()
    login_as(Role.OFFICER)
    for lang, next_label in (("en", "Next"), ("km", km("Next"))):
        client.set_cookie("lang", lang)
        first = client.get("/quality/league").get_data(as_text=True)
        assert 'rel="next"' in first and next_label in first
        second = client.get("/quality/league?page=2").get_data(as_text=True)
        assert 'rel="prev"' in second and "HC-P" in second


def test_csv_cells_never_start_a_formula(client, login_as, scene):
    scene["hc"].name_en = '=HYPERLINK("http://evil")'
    db.session.commit()
    login_as(Role.OFFICER)
    text = client.get("/quality/league.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_a_capped_score_says_which_critical_indicators_cap_it(
    client, login, tool, hc, round_, assessor
):
    a = services.start_assessment(assessor, hc, round_, local_today(), [], utcnow())
    db.session.commit()
    codes = answer_all(assessor, a)
    tool.critical_cap_percent = 50  # hand hygiene not met leaves 55.6%: above the cap
    services.save_answers(assessor, a, {codes["HH"].id: AnswerInput(choice="no")}, utcnow())
    db.session.commit()
    login(assessor)
    client.set_cookie("lang", "en")
    html = client.get(f"/quality/assessments/{a.id}").get_data(as_text=True)
    assert (
        "The score is capped at 50% because these critical indicators are not fully met: HH" in html
    )
