"""Indicators computed from staff assignments and certificates at the assessment date."""

from __future__ import annotations

from datetime import date, timedelta

from lms.database import utcnow
from lms.extensions import db
from lms.i18n import local_date, local_today
from lms.quality import computed
from lms.users import services as users
from lms.users.models import StaffAssignment

from .. import factories
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
    day = date(2026, 6, 1)
    valid = factories.user()
    expired = factories.user()
    revoked_later = factories.user()
    revoked_before = factories.user()
    future = factories.user()
    certify(valid, curriculum, date(2026, 1, 1), date(2027, 1, 1))
    certify(expired, curriculum, date(2024, 1, 1), date(2026, 5, 31))
    certify(
        revoked_later,
        curriculum,
        date(2026, 1, 1),
        None,
        revoked=utcnow().replace(year=2026, month=7, day=1),
    )
    certify(
        revoked_before,
        curriculum,
        date(2026, 1, 1),
        None,
        revoked=utcnow().replace(year=2026, month=5, day=1),
    )
    certify(future, curriculum, date(2026, 6, 2))
    held = computed.certified_on(
        [valid.id, expired.id, revoked_later.id, revoked_before.id, future.id], day
    )
    assert set(held) == {valid.id, revoked_later.id}
    assert held[valid.id] == {"TST-CUR"}


def test_count_and_share_split_by_sex():
    from types import SimpleNamespace as NS

    from lms.quality.spec import Computation

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
    # 20:00 UTC on 24 November is 03:00 on the 25th in Cambodia: valid for all of the 24th.
    from datetime import datetime

    person = factories.user()
    certify(person, curriculum, date(2026, 1, 1), None, revoked=datetime(2026, 11, 24, 20, 0))
    assert set(computed.certified_on([person.id], date(2026, 11, 24))) == {person.id}
    assert computed.certified_on([person.id], date(2026, 11, 25)) == {}
