"""What is next with frameworks and curricula, for an administrator's home page: versions
imported or started as drafts and not published yet (nobody can train on them)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..frameworks.models import Framework
from ..navigation import Todo
from ..users.models import User
from ..versioning import Status
from .models import Curriculum


def admin(user: User, now: datetime) -> list[Todo]:
    """Draft frameworks and draft curricula, counted (one query)."""
    drafts = [
        sa.select(sa.func.count()).select_from(model).where(model.status == Status.DRAFT)
        for model in (Framework, Curriculum)
    ]
    frameworks, curricula = db.session.execute(
        sa.select(drafts[0].scalar_subquery(), drafts[1].scalar_subquery())
    ).one()
    kinds = (
        (
            "draft_frameworks",
            _l("Draft frameworks not published"),
            "frameworks.list_frameworks",
            frameworks,
        ),
        (
            "draft_curricula",
            _l("Draft curricula not published"),
            "curricula.list_curricula",
            curricula,
        ),
    )
    return [
        Todo(code, title, endpoint, (("status", Status.DRAFT.value),), count=count)
        for code, title, endpoint, count in kinds
        if count
    ]
