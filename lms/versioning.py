"""Versioned things: competency frameworks and curricula (and, in the same way, quality tools).

Each is stored as numbered versions of one code. A version is a draft while it is written; once
published it never changes (a change is a new draft version); a published version may be
retired, and an import may move it back. `Versioned` declares the columns every versioned table
has, with the names and types those tables already use; the functions below are the rules all
versioned kinds share, so each domain states only what is its own (what a publication checks,
how a version's content is copied).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .audit import services as audit
from .auth.roles import Role
from .database import enum_column, utcnow
from .enums import LabelledEnum
from .errors import DomainError
from .extensions import db


class Status(LabelledEnum):
    DRAFT = "draft", _l("Draft"), "warn"
    PUBLISHED = "published", _l("Published"), "ok"
    RETIRED = "retired", _l("Retired"), "off"


# An import may move a stored version only between these statuses.
IMPORT_MOVES = {(Status.PUBLISHED, Status.RETIRED), (Status.RETIRED, Status.PUBLISHED)}


class Versioned:
    """One version of a versioned thing (a mixin for a model; `(code, version)` is unique).

    `audit_type` names the kind in the audit trail and in messages ("framework").
    """

    audit_type: ClassVar[str]

    code: Mapped[str] = mapped_column(sa.String(40), index=True)
    version: Mapped[int]
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.DRAFT)
    effective_date: Mapped[date | None]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (sa.UniqueConstraint("code", "version"),)

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class Publishable:
    """When a version was published (a mixin beside `Versioned`, for tables that record it)."""

    published_at: Mapped[datetime | None]


V = TypeVar("V", bound=Versioned)


# --- Finding versions ------------------------------------------------------------------------


def list_filters(q: str | None, status: str | None) -> tuple[str | None, str | None]:
    """A list page's search text (trimmed, at most 100 characters) and status (a known one);
    None for what was not asked for."""
    q = (q or "").strip()[:100] or None
    return q, status if status in {s.value for s in Status} else None


def latest_versions(
    model: type[V], search: str | None = None, status: str | None = None, *options
) -> list[V]:
    """The newest version of each code, by code; `search` matches the code or a title
    (`title_km`, `title_en`), `status` keeps one status; `options` are loader options for
    what the list shows."""
    newest = (
        sa.select(model.code, sa.func.max(model.version).label("v")).group_by(model.code).subquery()
    )
    stmt = sa.select(model).join(
        newest, sa.and_(model.code == newest.c.code, model.version == newest.c.v)
    )
    if options:
        stmt = stmt.options(*options)
    if search:
        like = f"%{search}%"
        stmt = stmt.where(
            sa.or_(model.code.ilike(like), model.title_en.ilike(like), model.title_km.like(like))
        )
    if status:
        stmt = stmt.where(model.status == status)
    return list(db.session.scalars(stmt.order_by(model.code)))


def versions_of(model: type[V], code: str) -> list[V]:
    """Every version of a code, newest first."""
    return list(
        db.session.scalars(
            sa.select(model).where(model.code == code).order_by(model.version.desc())
        )
    )


def find_version(model: type[V], code: str, version: int | None = None) -> V | None:
    """Version `version` of a code if it is stored, or the code's newest version when
    `version` is None."""
    stmt = sa.select(model).where(model.code == code)
    if version is not None:
        stmt = stmt.where(model.version == version)
    return db.session.scalar(stmt.order_by(model.version.desc()).limit(1))


def next_version(model: type[V], code: str) -> int:
    """The number a new version of `code` takes: one above the highest stored."""
    return (
        db.session.scalar(sa.select(sa.func.max(model.version)).where(model.code == code)) or 0
    ) + 1


# --- What may be done to a version -----------------------------------------------------------


@dataclass(frozen=True)
class VersionActions:
    """The buttons a version's page shows its reader (plain values for the template): a
    manager edits and publishes a draft, and makes a new draft version of any other version."""

    manage: bool  # the reader manages versions
    edit: bool  # ...and this is a draft
    retire: bool  # ...and this is a published version, which may be retired


def actions_for(
    user, thing: Versioned, managers: tuple[Role, ...] = (Role.ADMIN,)
) -> VersionActions:
    """What `user` may do to this version: managers edit and publish drafts, and make new
    versions of the others; only a published version is retired."""
    manage = user.has_role(*managers)
    return VersionActions(
        manage=manage, edit=manage and thing.is_draft, retire=manage and thing.is_published
    )


def require_draft(thing: Versioned) -> None:
    """Refuse to change a version that is no longer a draft."""
    if not thing.is_draft:
        raise DomainError(_l("Only a draft can be changed. Make a new version to edit it."))


def record_event(actor, thing: Versioned, event: str, now, **details: Any) -> None:
    """Write `<kind>.<event>` about this version (its code and version number, and `details`)
    to the audit trail."""
    kind = type(thing).audit_type
    audit.record(
        actor, f"{kind}.{event}", thing, now=now, code=thing.code, version=thing.version, **details
    )


def publish(actor, thing: Versioned, now, content_hash: str, **details: Any) -> None:
    """Publish a draft whose own checks passed: it never changes again. `content_hash` is the
    hash of its content as published; `details` go into the audit record."""
    require_draft(thing)
    thing.status = Status.PUBLISHED
    if isinstance(thing, Publishable):
        thing.published_at = now
    thing.content_hash = content_hash
    record_event(actor, thing, "published", now, **details)


def retire(actor, thing: Versioned, now) -> None:
    """Retire a published version (it stays readable; new work uses other versions)."""
    if not thing.is_published:
        raise DomainError(_l("Only a published version can be retired."))
    thing.status = Status.RETIRED
    record_event(actor, thing, "retired", now)


def new_draft_version(actor, source: V, now, write: Callable[[int], V]) -> V:
    """A new draft version of `source`'s code, which `write(version)` stores (a copy of
    `source`'s content, as the domain copies it); recorded with the version it came from."""
    draft = write(next_version(type(source), source.code))
    record_event(actor, draft, "version_created", now, **{"from": source.version})
    return draft


def as_new_draft(spec, version: int):
    """`spec` (a version's content as plain data) renumbered as a new draft, not yet effective."""
    spec.version = version
    spec.status = Status.DRAFT
    spec.effective_date = None
    return spec


# --- Importing versions ----------------------------------------------------------------------


def import_version(
    actor,
    model: type[V],
    spec,
    content_hash: Callable[[Any], str],
    write: Callable[[V | None], V],
    now,
    source: str,
) -> str:
    """Store an imported version by the version rules; returns what was done.

    A new version is "created"; a draft is "replaced" by the file; a stored version whose file
    is the same is "unchanged", or changes "status" between published and retired. A published
    version whose file differs is refused (raise the version), and none becomes a draft again.
    `write(existing)` stores the spec's content (a new row when `existing` is None).
    """
    existing = find_version(model, spec.code, spec.version)
    action = "created"
    if existing is not None:
        action = _import_action(existing, spec, content_hash)
        if action == "unchanged":
            return action
        if action == "status":
            existing.status = spec.status
            record_event(actor, existing, spec.status.value, now)
            return action
    stored = write(existing)
    published = spec.status == Status.PUBLISHED and isinstance(stored, Publishable)
    if published and stored.published_at is None:
        stored.published_at = now
    record_event(actor, stored, f"imported.{action}", now, source=source)
    return action


def _import_action(existing: Versioned, spec, content_hash) -> str:
    """What importing `spec` does to the stored version `existing` (see `import_version`)."""
    if existing.is_draft:
        return "replaced"
    if existing.content_hash != content_hash(spec):
        raise DomainError(
            _l(
                "%(kind)s %(code)s version %(version)s is published and differs from this file. "
                "Published versions never change: raise the version number.",
                kind=type(existing).audit_type.capitalize(),
                code=spec.code,
                version=spec.version,
            ),
            "version",
        )
    if Status(existing.status.value) == spec.status:
        return "unchanged"
    if (Status(existing.status.value), spec.status) not in IMPORT_MOVES:
        raise DomainError(_l("A published version cannot become a draft again."), "status")
    return "status"
