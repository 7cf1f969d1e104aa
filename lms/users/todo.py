"""What is next with accounts, for an administrator's home page: people held back by login
delays (lift them), and temporary passwords that expired before they were changed (an
imported or new account that never logged in: give a new one)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..auth.models import LoginThrottle
from ..extensions import db
from ..i18n import local_date
from ..navigation import Fact, Todo
from .models import User

MOST = 5  # accounts of one kind listed; past that, one more item leads to the list of users


def _person(code: str, title, user_id: int, names, count=None, facts=()) -> Todo:
    fkm, gkm, fen, gen = names
    return Todo(
        code,
        title,
        "users.show_user",
        (("user_id", user_id),),
        count=count,
        subject_km=f"{fkm} {gkm}",
        subject_en=f"{fen} {gen}",
        facts=facts,
    )


NAMES = (User.family_name_km, User.given_name_km, User.family_name_en, User.given_name_en)


def admin(user: User, now: datetime) -> list[Todo]:
    """Active accounts whose logins wait (a delay is running on one of their counts), with
    their failed attempts, and active accounts whose temporary password expired unchanged
    (two queries)."""
    delayed = db.session.execute(
        sa.select(User.id, *NAMES, sa.func.max(LoginThrottle.failures))
        .join(LoginThrottle, LoginThrottle.user_id == User.id)
        .where(User.active.is_(True))
        .group_by(User.id, *NAMES)
        .having(sa.func.max(LoginThrottle.next_at) > now)
        .order_by(sa.func.max(LoginThrottle.next_at).desc(), User.id)
        .limit(MOST + 1)
    ).all()
    found = [
        _person(
            "login_delayed", _l("Failed logins: the account must wait"), row[0], row[1:5], row[5]
        )
        for row in delayed[:MOST]
    ]
    expired = db.session.execute(
        sa.select(User.id, *NAMES, User.password_expires_at)
        .where(
            User.active.is_(True),
            User.must_change_password.is_(True),
            User.password_expires_at <= now,
        )
        .order_by(User.password_expires_at.desc(), User.id)
        .limit(MOST + 1)
    ).all()
    found += [
        _person(
            "temporary_password_expired",
            _l("Temporary password expired unused: give a new one"),
            row[0],
            row[1:5],
            facts=(Fact(_l("Expired on %(value)s"), local_date(row[5])),),
        )
        for row in expired[:MOST]
    ]
    if len(delayed) > MOST or len(expired) > MOST:
        found.append(Todo("more_accounts", _l("More accounts"), "users.list_users"))
    return found
