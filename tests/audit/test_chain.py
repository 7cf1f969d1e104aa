"""The audit trail detects an edited or deleted event."""

import sqlalchemy as sa

from lms.audit import services as audit
from lms.audit.models import AuditEvent
from lms.database import utcnow
from lms.extensions import db

from .. import factories


def _three_events():
    admin = factories.user(username="chief")
    for n in range(3):
        audit.record_about(
            admin, "test.event", "thing", n, now=utcnow(), **{"n": n, "ខ្មែរ": "ឈ្មោះ"}
        )
    db.session.commit()


def test_intact_chain_verifies(app):
    _three_events()
    result = audit.verify_chain()
    assert result.ok and result.checked == 4  # the user creation and three events


def test_edited_event_is_detected(app):
    _three_events()
    second = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()[2]
    db.session.execute(
        sa.update(AuditEvent).where(AuditEvent.id == second.id).values(details='{"n":99}')
    )
    db.session.commit()
    result = audit.verify_chain()
    assert not result.ok and result.bad_id == second.id


def test_deleted_event_is_detected(app):
    _three_events()
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == events[1].id))
    db.session.commit()
    result = audit.verify_chain()
    assert not result.ok and result.bad_id == events[2].id


def test_cli_verify(runner, app):
    _three_events()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    db.session.execute(sa.update(AuditEvent).values(actor_username="someone-else"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "broken" in result.output


def test_events_record_the_client_address(client, login_as):
    from lms.auth.roles import Role

    login_as(Role.ADMIN)
    client.post(
        "/cadres/new",
        data={
            "code": "CHW",
            "name_km": "ភ្នាក់ងារសុខាភិបាលសហគមន៍",
            "name_en": "Community health worker",
            "active": "y",
        },
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "cadre.created")
    ).one()
    assert event.ip == "203.0.113.7"


def test_deleting_the_newest_event_is_detected(app):
    _three_events()
    last = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == last.id))
    db.session.commit()
    result = audit.verify_chain()
    assert not result.ok and result.bad_id == last.id
