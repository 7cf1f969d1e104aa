"""Server-side login sessions and the counts of failed logins."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import utcnow
from ..extensions import db
from ..users.models import User


class LoginSession(db.Model):
    """One logged-in browser. The cookie holds only `token`; deleting the row ends the session."""

    __tablename__ = "login_sessions"
    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Failed logins counted under one key: a resolved account (`account:<id>`), an account
    from one address (`pair:<id>:<ip>`), or one address (`address:<ip>`). Past `failures` the
    next attempt waits until `next_at`, a delay that grows with each failure."""

    __tablename__ = "login_throttles"
    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    failures: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime]
    next_at: Mapped[datetime | None]


class PendingSubmission(db.Model):
    """A form post that arrived after its session or its CSRF token had ended, kept sealed for
    a short time so that its owner, once logged in again, finds the form filled in. The key
    that opens it is in the browser's signed cookie, not here."""

    __tablename__ = "pending_submissions"
    token: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(sa.String(500))
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
