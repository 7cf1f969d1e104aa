"""Indicators computed from staff assignments and certificates at the assessment date."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from types import SimpleNamespace as NS

from lms.database import utcnow
from lms.extensions import db
from lms.i18n import local_date, local_today
from lms.quality import computed
from lms.quality.spec import Computation
from lms.users import services as users
from lms.users.models import StaffAssignment

from .. import clock, factories
from .conftest import certify


def test_staff_on_a_date_follow_assignments(app):
    a, b = factories.facility(code="HC-1"), factories.facility(code="HC-2")
    factories.user(roles=["admin"])
    person = factories.user(facility_id=a.id, cadre_id=factories.cadre().id)
    today = local_today()
    assert [s.user_id for s in computed.staff_on(a.id, today)] == [person.id]
    data = users.UserData(
        **{
            k: getattr(person, k)
            for k in (
                "username",
                "family_name_km",
                "given_name_km",
                "family_name_en",
                "given_name_en",
                "sex",
                "cadre_id",
            )
        },
        roles=person.roles,
        facility_id=b.id,
    )
    later = utcnow() + timedelta(days=10)
    later_day = local_date(later)  # the assignment changes on that day in Cambodia
    users.update_user(None, person, data, later)
    db.session.flush()
    assert [s.user_id for s in computed.staff_on(a.id, today)] == [person.id]
    assert computed.staff_on(a.id, later_day) == []
    assert [s.user_id for s in computed.staff_on(b.id, later_day)] == [person.id]
    assert [s.cadre for s in computed.staff_on(b.id, later_day)] == ["MIDWIFE"]
    spans = (
        db.session.query(StaffAssignment)
        .filter_by(user_id=person.id)
        .order_by(StaffAssignment.started_on)
        .all()
    )
    assert spans[0].ended_on == later_day and spans[1].ended_on is None


def test_certificates_valid_on_the_day(cohort, curriculum):
    day = clock.days(-170)
    before, after = day - timedelta(days=151), day + timedelta(days=30)
    valid = factories.user()
    expired = factories.user()
    revoked_later = factories.user()
    revoked_before = factories.user()
    future = factories.user()
    certify(valid, curriculum, before, day + timedelta(days=214))
    certify(expired, curriculum, day - timedelta(days=880), day - timedelta(days=1))
    certify(
        revoked_later,
        curriculum,
        before,
        None,
        revoked=datetime.combine(after, time(3, 0)),
    )
    certify(
        revoked_before,
        curriculum,
        before,
        None,
        revoked=datetime.combine(day - timedelta(days=31), time(3, 0)),
    )
    certify(future, curriculum, day + timedelta(days=1))
    held = computed.certified_on(
        [valid.id, expired.id, revoked_later.id, revoked_before.id, future.id], day
    )
    assert set(held) == {valid.id, revoked_later.id}
    assert held[valid.id] == {"TST-CUR"}


def test_count_and_share_split_by_sex():
    staff = [
        computed.StaffMember(1, "MIDWIFE", "female"),
        computed.StaffMember(2, "MIDWIFE", "female"),
        computed.StaffMember(3, "MIDWIFE", "male"),
        computed.StaffMember(4, "NURSE", "female"),
    ]
    held = {1: {"BEMONC"}, 3: {"BEMONC"}, 4: {"BEMONC"}}
    share = NS(
        compute_curricula=["BEMONC"],
        compute_cadres=["MIDWIFE"],
        computation=Computation.STAFF_SHARE,
    )
    value, detail = computed.evaluate(share, staff, held)
    assert value == 66.7 and detail["staff"] == 3 and detail["certified"] == 2
    assert detail["by_sex"] == {"female": [1, 2], "male": [1, 1]}
    count = NS(compute_curricula=["BEMONC"], compute_cadres=[], computation=Computation.STAFF_COUNT)
    assert computed.evaluate(count, staff, held)[0] == 3
    assert computed.evaluate(share, [], held)[0] is None  # a share of nobody does not count


def test_revoked_early_in_the_morning_in_phnom_penh_it_was_valid_the_day_before(cohort, curriculum):
    # 20:00 UTC is 03:00 the next day in Cambodia: valid for all of the day before.
    person = factories.user()
    day = clock.days(-2)
    revoked = datetime.combine(day, time(20, 0))
    certify(person, curriculum, clock.days(-320), None, revoked=revoked)
    assert set(computed.certified_on([person.id], day)) == {person.id}
    assert computed.certified_on([person.id], day + timedelta(days=1)) == {}
