"""Bugs found in review, each with the test that failed before its fix."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.auth.roles import Role
from lms.database import utcnow
from lms.errors import DomainError, Forbidden
from lms.extensions import db
from lms.i18n import local_today
from lms.quality import actions, computed, results
from lms.quality import services as quality
from lms.quality.models import QualityAssessment
from lms.training.models import Enrolment
from lms.users import services as users

from .. import factories
from ..conftest import csrf_token
from .conftest import answer_all, assess, certify, plan_action


def test_a_save_on_a_stale_copy_is_refused(tool, hc, round_, assessor):
    a = quality.start_assessment(assessor, hc, round_, local_today(), [], utcnow())
    db.session.commit()
    # Another request submits it meanwhile; this request still holds its draft copy.
    db.session.execute(
        sa.update(QualityAssessment)
        .where(QualityAssessment.id == a.id)
        .values(status="submitted")
        .execution_options(synchronize_session=False)
    )
    assert a.status.value == "draft"
    with pytest.raises(DomainError, match="Only a draft"):
        answer_all(assessor, a)


def test_an_administrator_who_answers_cannot_validate(tool, hc, round_, assessor):
    admin = factories.user(roles=[Role.ADMIN])
    a = quality.start_assessment(assessor, hc, round_, local_today(), [], utcnow())
    answer_all(admin, a)
    quality.submit(assessor, a, utcnow())
    with pytest.raises(Forbidden):
        quality.validate(admin, a, utcnow())
    quality.validate(factories.user(roles=[Role.ADMIN]), a, utcnow())


def test_an_administrator_is_offered_validation(client, login, tool, hc, round_, assessor):
    a = quality.start_assessment(assessor, hc, round_, local_today(), [], utcnow())
    answer_all(assessor, a)
    quality.submit(assessor, a, utcnow())
    admin = factories.user(roles=[Role.ADMIN])
    db.session.commit()
    login(admin)
    client.set_cookie("lang", "en")
    page = client.get(f"/quality/assessments/{a.id}").get_data(as_text=True)
    assert f"/quality/assessments/{a.id}/validate" in page


def test_deactivated_staff_are_not_counted(tool, hc, cohort, curriculum):
    factories.user(roles=[Role.ADMIN])
    person = factories.user(facility_id=hc.id, cadre_id=factories.cadre().id)
    certify(person, curriculum, local_today())
    users.set_active(None, person, False, utcnow())
    assert computed.staff_on(hc.id, local_today()) == []
    assert results.coverage(local_today(), hc.province_id) == []


def test_enrolment_takes_only_the_people_offered_for_that_cohort(
    client, login, tool, hc, round_, assessor, validator, cohort, curriculum, instructor
):
    certified = factories.user(facility_id=hc.id, cadre_id=factories.cadre().id)
    certify(certified, curriculum, local_today())
    colleague = factories.user(
        roles=[Role.INSTRUCTOR], facility_id=hc.id, cadre_id=factories.cadre().id
    )
    lacking = factories.user(facility_id=hc.id, cadre_id=factories.cadre().id)
    db.session.commit()
    assess(assessor, validator, hc, round_)
    need = results.training_needs(hc, local_today())[0]
    assert {u.id for u in need.staff} == {colleague.id, lacking.id}
    assert need.enrollable == {lacking.id}  # the instructor account cannot be enrolled
    login(instructor)
    page = f"/quality/facilities/{hc.id}/training-needs"
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment))
    for people in ([certified.id], [colleague.id], [lacking.id, certified.id]):
        token = csrf_token(client.get(page).get_data(as_text=True))
        client.post(
            f"/quality/facilities/{hc.id}/training-needs/enrol",
            data={"csrf_token": token, "cohort_id": cohort.id, "user_ids": people},
        )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == before
    token = csrf_token(client.get(page).get_data(as_text=True))
    assert (
        client.post(
            f"/quality/facilities/{hc.id}/training-needs/enrol",
            data={"csrf_token": token, "cohort_id": 999999, "user_ids": [lacking.id]},
        ).status_code
        == 400
    )


def test_actions_are_reviewed_in_a_later_round_and_shown_at_the_next_visit(
    client, login, tool, hc, round_, assessor, validator, cohort, curriculum
):
    earlier = quality.save_round(
        None,
        quality.RoundData(
            "R-OLD",
            "ជុំ",
            "Old",
            local_today() - timedelta(days=200),
            local_today() - timedelta(days=100),
        ),
        utcnow(),
    )
    a = assess(assessor, validator, hc, round_)
    action = plan_action(assessor, a)
    with pytest.raises(DomainError, match="own round or a later one"):
        actions.review_action(assessor, action, action.status, "", earlier, utcnow())
    db.session.commit()
    # The facility's next visit (here: a correction started in the same round) lists it.
    b = quality.correct(assessor, a, "recount", utcnow())
    db.session.commit()
    login(assessor)
    client.set_cookie("lang", "en")
    page = client.get(f"/quality/assessments/{b.id}").get_data(as_text=True)
    assert "Improvement actions to review" in page and "Drill" in page


def test_the_scorecard_offers_the_review_of_its_actions(
    client, login, tool, hc, round_, assessor, validator, cohort, curriculum
):
    # The review form's status list unpacked WTForms choices as pairs: every scorecard with an
    # improvement action failed (500) for those who may review it. Found on the national data.
    plan_action(assessor, assess(assessor, validator, hc, round_))
    db.session.commit()
    login(assessor)
    for language in ("en", "km"):
        client.set_cookie("lang", language)
        response = client.get(f"/quality/facilities/{hc.id}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert 'name="status"' in html and '<option value="open" selected>' in html


def test_a_co_assessor_waits_for_a_validator_rather_than_being_offered_the_validation(
    client, login, tool, hc, round_, assessor, validator
):
    # The list of work offered "To validate" to everyone but the creator; a co-assessor was
    # then refused. One rule (services.on_team) decides for the list, the page and the service.
    a = quality.start_assessment(assessor, hc, round_, local_today(), [validator], utcnow())
    answer_all(assessor, a)
    quality.submit(assessor, a, utcnow())
    db.session.commit()
    login(validator)
    client.set_cookie("lang", "en")
    html = client.get("/quality/").get_data(as_text=True)
    to_validate = html.split("To validate", 1)[1].split("Waiting for a second assessor", 1)[0]
    assert hc.code not in to_validate
    assert hc.code in html.split("Waiting for a second assessor", 1)[1]
    page = client.get(f"/quality/assessments/{a.id}").get_data(as_text=True)
    assert f"/quality/assessments/{a.id}/validate" not in page
    with pytest.raises(Forbidden):
        quality.validate(validator, a, utcnow())
