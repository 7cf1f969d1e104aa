"""Panel decisions: the cohort's instructors override a computed competency state, with a reason."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...audit import services as audit
from ...errors import DomainError
from ...extensions import db
from ...frameworks.models import Competency
from ...training.models import Enrolment
from ..models import PanelDecision
from .records import require_assessor


def record_panel_decision(
    actor, enrolment: Enrolment, competency_id: int, achieved: bool, reason: str, now: datetime
) -> PanelDecision:
    """A panel of the cohort's instructors overrides the computed state, with a reason."""
    require_assessor(actor, enrolment)
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the panel's decision."), "reason")
    framework_id = enrolment.cohort.curriculum.framework_id
    competency = db.session.get(Competency, competency_id)
    if competency is None or competency.framework_id != framework_id:
        raise DomainError(
            _l("Choose a competency of this curriculum's framework."), "competency_id"
        )
    decision = PanelDecision(
        enrolment_id=enrolment.id,
        competency_id=competency.id,
        achieved=achieved,
        reason=reason.strip(),
        decided_by_id=actor.id,
        decided_at=now,
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(
        actor,
        "competency.panel_decision",
        enrolment,
        {"competency": competency.code, "achieved": achieved},
        now=now,
    )
    return decision


def panel_decisions(enrolment: Enrolment, competency: Competency) -> list[PanelDecision]:
    """The panel's decisions on one competency of an enrolment, the latest (counting) first."""
    return list(
        db.session.scalars(
            sa.select(PanelDecision)
            .where(
                PanelDecision.enrolment_id == enrolment.id,
                PanelDecision.competency_id == competency.id,
            )
            .order_by(PanelDecision.id.desc())
        )
    )
