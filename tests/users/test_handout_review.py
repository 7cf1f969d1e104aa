"""Review fixes of the password handouts: whoever lacks the key learns nothing and is audited;
resetting from an older batch ends every batch still holding those accounts' passwords."""

import json

import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.auth.roles import Role
from lms.extensions import db
from lms.users import services
from lms.users.models import HandoutEnd
from lms.users.services.handouts import Access, Part

from .. import clock, factories
from .test_handouts import admin, imported  # noqa: F401 (fixtures)


def _refusals() -> list[dict]:
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "password_handout.refused")
    )
    return [json.loads(e.details) for e in events]


def test_without_the_key_nobody_learns_a_part_was_taken_and_the_try_is_audited(admin, imported):  # noqa: F811
    handout, key = imported
    services.reveal(admin, handout, key, Part.SLIPS, clock.now())
    other = factories.user(roles=[Role.ADMIN], username="other.admin")
    found = services.reveal(other, handout, None, Part.SLIPS, clock.now())
    assert found.access == Access.ELSEWHERE  # not ALREADY: when the slips were shown is theirs
    again = services.reveal(admin, handout, key, Part.SLIPS, clock.now())
    assert again.access == Access.ALREADY and again.slips == []
    db.session.commit()
    assert _refusals() == [
        {"part": "slips", "why": "elsewhere"},
        {"part": "slips", "why": "already"},
    ]


def test_resetting_from_an_older_batch_ends_the_newer_one_still_held(admin, imported):  # noqa: F811
    first, _key = imported
    second, second_key = services.reset_again(admin, first, clock.now())
    db.session.commit()
    assert second.sealed is not None
    third, third_key = services.reset_again(admin, first, clock.now())  # from the old page
    db.session.commit()
    assert second.sealed is None and second.ended_why == HandoutEnd.RESET
    assert services.reveal(admin, second, second_key, Part.SLIPS, clock.now()).slips == []
    slips = services.reveal(admin, third, third_key, Part.SLIPS, clock.now()).slips
    assert len(slips) == 2
