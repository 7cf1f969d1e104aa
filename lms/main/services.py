"""What the home page and the health check ask of this server: each role's list of what to do
now, gathered from the domains' `todo` modules, and whether the database answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from ..assessments import todo as assessments
from ..auth.roles import Role
from ..certificates import todo as certificates
from ..curricula import todo as curricula
from ..extensions import db
from ..navigation import Group, Todo
from ..quality import todo as quality
from ..training import todo as training
from ..users import todo as users

Provider = Callable[[object, datetime], list[Todo]]

# Each role's list, in the order its parts are shown; every provider takes (user, now) and
# reads a fixed number of queries.
PROVIDERS: tuple[tuple[Role, tuple[Provider, ...]], ...] = (
    (Role.TRAINEE, (training.trainee, assessments.trainee, certificates.trainee)),
    (Role.INSTRUCTOR, (training.instructor, assessments.instructor)),
    (Role.OFFICER, (certificates.officer,)),
    (Role.QUALITY_ASSESSOR, (quality.assessor,)),
    (Role.ADMIN, (users.admin, training.admin, curricula.admin)),
)


@dataclass(frozen=True)
class Section:
    """What one of the user's roles has waiting (`items` empty: nothing)."""

    role: Role
    items: tuple[Todo, ...]

    @property
    def groups(self) -> list[tuple[Group | None, list[Todo]]]:
        """The items by group, each group where its first item is (ungrouped ones first)."""
        found: dict[Group | None, list[Todo]] = {None: []}
        for item in self.items:
            found.setdefault(item.group, []).append(item)
        return [(group, items) for group, items in found.items() if items]


def what_is_next(user, now: datetime) -> list[Section]:
    """A section for each role the user holds, in a fixed order, with what waits there."""
    return [
        Section(role, tuple(item for provider in providers for item in provider(user, now)))
        for role, providers in PROVIDERS
        if user.has_role(role)
    ]


def database_answers() -> bool:
    """Whether this server reaches its database; a failure is logged and rolled back so the
    session stays usable."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("health check: the database does not answer")
        return False
    return True
