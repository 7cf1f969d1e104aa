"""Imported accounts' temporary passwords, handed out once: sealed while held, the slips and
the CSV once each, then wiped (or after a short time); audited; only for the key's holder."""

import json

import pytest
import sqlalchemy as sa

from lms import sealing
from lms.audit.models import AuditEvent
from lms.auth.passwords import verify_password
from lms.auth.roles import Role
from lms.errors import DomainError
from lms.extensions import db
from lms.users import services
from lms.users.models import HandoutEnd, PasswordHandout, User
from lms.users.services.handouts import SEALED_FOR, Access, Part, end_expired

from .. import clock, factories

HEADER = "username,family_name_km,given_name_km,family_name_en,given_name_en,sex\n"
ROWS = "keo.sreymom,កែវ,ស្រីមុំ,KEO,Sreymom,female\nly.vanna,លី,វណ្ណា,LY,Vanna,male\n"


@pytest.fixture
def admin(app):
    return factories.user(roles=[Role.ADMIN], username="the.admin")


@pytest.fixture
def imported(admin):
    handout, key = services.import_accounts(admin, (HEADER + ROWS).encode(), clock.now())
    db.session.commit()
    return handout, key


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


# --- Sealing ---------------------------------------------------------------------------------


def test_sealing_opens_only_with_its_key_and_unchanged_bytes():
    key = sealing.new_key()
    sealed = sealing.seal(key, b"ABCD-EFGH-JKLM", SEALED_FOR)
    assert b"ABCD" not in sealed
    assert sealing.unseal(key, sealed, SEALED_FOR) == b"ABCD-EFGH-JKLM"
    assert sealing.unseal(sealing.new_key(), sealed, SEALED_FOR) is None
    assert sealing.unseal(None, sealed, SEALED_FOR) is None
    tampered = sealed[:20] + bytes([sealed[20] ^ 1]) + sealed[21:]
    assert sealing.unseal(key, tampered, SEALED_FOR) is None
    assert sealing.unseal(key, sealing.seal(key, b"", SEALED_FOR), SEALED_FOR) == b""
    assert sealing.seal(key, b"same", SEALED_FOR) != sealing.seal(
        key, b"same", SEALED_FOR
    )  # a fresh nonce each time


# --- Held, then given once -------------------------------------------------------------------


def test_the_passwords_are_held_sealed_and_nowhere_in_clear(imported):
    handout, key = imported
    assert [u.username for u in handout.accounts] == ["keo.sreymom", "ly.vanna"]
    passwords = json.loads(sealing.unseal(key, handout.sealed, SEALED_FOR))
    assert len(passwords) == 2
    for user in handout.accounts:
        password = passwords[str(user.id)]
        assert verify_password(user.password_hash, password) and user.must_change_password
        assert password.encode() not in handout.sealed
        details = " ".join(e.details for e in db.session.scalars(sa.select(AuditEvent)))
        assert password not in details
    assert handout.held_until == handout.created_at + services.HELD_FOR


def test_the_slips_once_and_the_csv_once_then_the_passwords_are_wiped(admin, imported):
    handout, key = imported
    now = clock.now()
    slips = services.reveal(admin, handout, key, Part.SLIPS, now)
    assert slips.access == Access.HELD
    assert [s.username for s in slips.slips] == ["keo.sreymom", "ly.vanna"]
    first = slips.slips[0]
    user = db.session.get(User, first.user_id)
    assert verify_password(user.password_hash, first.password)
    assert first.full_name_km == "កែវ ស្រីមុំ" and first.expires_at == user.password_expires_at
    assert services.reveal(admin, handout, key, Part.SLIPS, now).access == Access.ALREADY
    assert handout.sealed is not None  # the CSV is still to come
    csv = services.reveal(admin, handout, key, Part.CSV, now)
    assert csv.access == Access.HELD and csv.slips == slips.slips
    assert handout.sealed is None and handout.ended_why == HandoutEnd.TAKEN
    again = services.reveal(admin, handout, key, Part.CSV, now)
    assert again == services.handouts.Revealed(Access.ENDED, [])


def test_each_reveal_is_audited_with_who_and_whose(admin, imported):
    handout, key = imported
    services.reveal(admin, handout, key, Part.SLIPS, clock.now())
    services.reveal(admin, handout, key, Part.CSV, clock.now())
    db.session.commit()
    (shown,) = _events("password_handout.slips_shown")
    (downloaded,) = _events("password_handout.csv_downloaded")
    for event in (shown, downloaded):
        assert event.actor_username == "the.admin" and event.object_id == str(handout.id)
        details = json.loads(event.details)
        assert details == {"count": 2, "usernames": ["keo.sreymom", "ly.vanna"]}
    assert len(_events("password_handout.held")) == 1


def test_another_administrator_or_browser_gets_nothing(imported):
    handout, _key = imported
    other = factories.user(roles=[Role.ADMIN], username="other.admin")
    for key in (None, sealing.new_key()):
        found = services.reveal(other, handout, key, Part.SLIPS, clock.now())
        assert found.access == Access.ELSEWHERE and found.slips == []
    assert handout.slips_shown_at is None and handout.sealed is not None
    assert _events("password_handout.slips_shown") == []


def test_after_a_short_time_they_are_wiped(admin, imported):
    handout, key = imported
    later = handout.created_at + services.HELD_FOR
    assert services.handout_access(handout, key, later) == Access.ENDED
    found = services.reveal(admin, handout, key, Part.SLIPS, later)
    assert found.access == Access.ENDED
    assert handout.sealed is None and handout.ended_why == HandoutEnd.EXPIRED


def test_expired_handouts_are_wiped_whoever_looks(imported):
    handout, _key = imported
    assert end_expired(clock.now()) == 0
    assert end_expired(handout.held_until) == 1
    db.session.refresh(handout)
    assert handout.sealed is None and handout.ended_why == HandoutEnd.EXPIRED


def test_marked_as_handed_out_they_are_wiped_at_once(admin, imported):
    handout, key = imported
    services.mark_handed_out(admin, handout, clock.now())
    assert handout.sealed is None and handout.ended_why == HandoutEnd.DONE
    assert services.handout_access(handout, key, clock.now()) == Access.ENDED
    assert len(_events("password_handout.ended")) == 1


def test_reset_again_gives_new_passwords_to_those_still_on_one(admin, imported):
    handout, key = imported
    services.reveal(admin, handout, key, Part.SLIPS, clock.now())
    keo, ly = handout.accounts
    ly.must_change_password = False  # Ly logged in and chose a password
    old_hash = keo.password_hash
    fresh, fresh_key = services.reset_again(admin, handout, clock.now())
    assert handout.sealed is None and handout.ended_why == HandoutEnd.RESET
    assert fresh.replaces_id == handout.id and fresh.accounts == [keo]
    (slip,) = services.reveal(admin, fresh, fresh_key, Part.SLIPS, clock.now()).slips
    assert keo.password_hash != old_hash and verify_password(keo.password_hash, slip.password)
    assert services.handout_accounts(fresh) == [keo]


def test_reset_again_refuses_when_everyone_chose_a_password(admin, imported):
    handout, _key = imported
    for user in handout.accounts:
        user.must_change_password = False
    with pytest.raises(DomainError):
        services.reset_again(admin, handout, clock.now())


def test_a_rejected_file_holds_nothing(admin):
    with pytest.raises(Exception):  # noqa: B017 (ImportRejected: tested in test_import)
        services.import_accounts(admin, (HEADER + "bad,Keo,x,KEO,S,female\n").encode(), clock.now())
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordHandout)) == 0


def test_the_command_wipes_what_is_held_past_its_time(app, runner, imported):
    handout, _key = imported
    with clock.later(services.HELD_FOR):
        result = runner.invoke(args=["users", "wipe-passwords"])
    assert result.exit_code == 0 and result.output.startswith("1 batch")
    db.session.refresh(handout)
    assert handout.sealed is None and handout.ended_why == HandoutEnd.EXPIRED
