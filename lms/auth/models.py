"""Server-side login sessions and the record of failed logins."""

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


class LoginFailure(db.Model):
    """A failed login, counted per account and per address over a sliding window."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(254), index=True)
    ip: Mapped[str | None] = mapped_column(sa.String(45), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
