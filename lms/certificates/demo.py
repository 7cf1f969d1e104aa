"""Demo certificates: some graduates of the finished demo cohort hold theirs already (the
demo officer issues the rest)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from .. import storage
from ..extensions import db
from ..training.models import Cohort, Enrolment
from ..users.models import User
from . import services


def load(now, cohort_code: str, usernames: list[str]) -> None:
    """Issue the certificates of these trainees of the cohort `cohort_code` (the caller
    commits)."""
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .join(Cohort)
        .join(User, User.id == Enrolment.trainee_id)
        .where(Cohort.code == cohort_code, User.username.in_(usernames))
    )
    for enrolment in enrolments:
        services.issue(
            None,
            enrolment,
            now,
            storage.area("certificates"),
            current_app.config["LMS_BASE_URL"],
        )
