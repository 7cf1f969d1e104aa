"""Database plumbing shared by every domain: engine settings, locks, column helpers."""

from __future__ import annotations

import sqlite3
import zlib
from datetime import UTC, datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo: every timestamp in the database is naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers go on while one writer writes; the busy timeout makes a second
    # writer wait instead of failing with "database is locked".
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def enum_column(enum_cls: type[Enum], **kwargs) -> sa.Enum:
    """A portable enum column storing the member's value as a short string."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        **kwargs,
    )


class AppLock(db.Model):
    """Rows that writers update to serialise a critical section on SQLite."""

    __tablename__ = "app_locks"
    name: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    counter: Mapped[int] = mapped_column(default=0)


def acquire_lock(name: str) -> None:
    """Hold a named lock until the current transaction ends.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write to `app_locks`, which takes
    the database's write lock, so the reads that follow see every earlier commit.
    """
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(name.encode()) - 2**31
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
        return
    result = session.execute(
        sa.update(AppLock).where(AppLock.name == name).values(counter=AppLock.counter + 1)
    )
    if result.rowcount == 0:
        session.execute(sa.insert(AppLock).values(name=name, counter=1))


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
