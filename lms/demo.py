"""The demo dataset: places, one account per role with a known password, the shipped
curricula, a running cohort, a finished cohort whose trainees passed (two of them certified),
certificates coming up for renewal (one on a refresher, two on CPD credits) and the quality
demo.

Each domain loads its own part (`lms/<domain>/demo.py`); this module runs them in order.
"""

from __future__ import annotations

import sqlalchemy as sa

from .assessments import demo as assessments_demo
from .certificates import demo as certificates_demo
from .certificates import demo_renewals
from .curricula import demo as curricula_demo
from .database import utcnow
from .extensions import db
from .orgunits import demo as orgunits_demo
from .quality import demo as quality_demo
from .training import demo as training_demo
from .training.demo import cohort_code
from .users import demo as users_demo
from .users.demo import ACCOUNTS
from .users.models import User

__all__ = [
    "ACCOUNTS",
    "CURRICULA",
    "cohort_code",
    "demo_accounts",
    "is_loaded",
    "load",
    "load_curricula",
]

CURRICULA = curricula_demo.SHIPPED
load_curricula = curricula_demo.load
CERTIFIED = 2  # graduates whose certificates the demo issues


def demo_accounts() -> list[tuple[str, str, str]]:
    """(login name, password, roles) of each demo account, for printing."""
    return [(a[0], a[1], ", ".join(sorted(str(r.label) for r in a[2]))) for a in ACCOUNTS]


def is_loaded() -> bool:
    """Whether the demo accounts are there (the demo administrator is)."""
    return (
        db.session.scalar(sa.select(User.id).where(User.username == "admin").limit(1)) is not None
    )


def load() -> None:
    """Add the whole demo dataset (the caller commits)."""
    now = utcnow()
    load_curricula(now)
    orgunits_demo.load(now)
    users_demo.load(now)
    graduates = users_demo.graduate_usernames()
    training_demo.load(now, graduates)
    finished = cohort_code(now, training_demo.FINISHED)
    assessments_demo.load(now, finished)
    training_demo.close(now)
    certificates_demo.load(now, finished, graduates[:CERTIFIED])
    demo_renewals.load(now)
    quality_demo.load(now)
