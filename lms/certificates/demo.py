"""Demo certificates: the signatory they print, and some graduates of the finished demo cohort
hold theirs already (the demo officer issues the rest). Certificates coming up for renewal are
in demo_renewals.py."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from .. import storage
from ..extensions import db
from ..training.models import Cohort, Enrolment
from ..users.models import User
from . import services

# Who signs the demo's certificates (a made-up person; the settings page changes it).
SIGNATORY = {
    **services.DEFAULT_SETTINGS,
    "signatory_name_km": "ឯក សុភ័ក្ត្រ",
    "signatory_name_en": "EK Sopheak",
    "signatory_title_km": "ប្រធាននាយកដ្ឋានអភិវឌ្ឍន៍ធនធានមនុស្ស",
    "signatory_title_en": "Director, Department of Human Resource Development",
}


def load(now, cohort_code: str, usernames: list[str]) -> None:
    """Save the signatory for every curriculum, then issue the certificates of these trainees
    of the cohort `cohort_code` (the caller commits)."""
    services.save_settings(None, None, SIGNATORY, now)
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
