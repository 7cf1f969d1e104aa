"""Panel decisions: the cohort's instructors override a computed competency state, with a reason.

A decision is a committee's act. One member proposes it; it takes effect only when a second,
different member confirms it (another instructor of the cohort, or an administrator). A
decision that gives a competency without the evidence for it, or without the second assessor
an instrument requires, says so, and the certificate's record keeps that the competency was
decided by the panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ... import events
from ...audit import services as audit
from ...curricula.models import Instrument
from ...errors import DomainError
from ...extensions import db
from ...frameworks.models import Competency
from ...training.models import Cohort, Enrolment, EnrolmentStatus
from .. import rules
from ..models import AssessmentRecord, LogbookEntry, PanelDecision, PanelStatus, TestAttempt
from .matrix import curriculum_structure, results_for
from .records import require_assessor


@dataclass(frozen=True)
class Overrides:
    """What a decision that gives a competency overrides."""

    missing_evidence: bool  # the rule does not find the competency shown
    second_assessor: bool  # an instrument that needs a second assessor has no verified result


def overrides(enrolment: Enrolment, competency: Competency, achieved: bool) -> Overrides:
    """What giving (`achieved`) the competency overrides, by the evidence as it stands."""
    if not achieved:
        return Overrides(False, False)
    curriculum = enrolment.cohort.curriculum
    structure = curriculum_structure(curriculum)
    mapped = structure.mapped.get(competency.id, [])
    outcome = rules.decide_competency(
        curriculum.competency_rule, mapped, results_for([enrolment.id])[enrolment.id]
    )
    shown = outcome.state == rules.CompetencyState.ACHIEVED
    second = set(
        db.session.scalars(
            sa.select(Instrument.id).where(
                Instrument.id.in_(mapped), Instrument.second_assessor.is_(True)
            )
        )
    )
    return Overrides(not shown, bool(second & set(outcome.missing)))


@dataclass(frozen=True)
class Evidence:
    """What exists for one competency of one enrolment, for the panel to look at first."""

    outcome: rules.CompetencyOutcome  # what the rule decides from it, without any panel
    instruments: list[Instrument]  # those mapped to the competency, in curriculum order
    records: list[AssessmentRecord]  # current checklists and paper tests, newest first
    attempts: list[TestAttempt]  # handed-in online test attempts
    entries: list[LogbookEntry]  # logbook cases, latest first


def evidence_for(enrolment: Enrolment, competency: Competency) -> Evidence:
    """The records, test attempts and logbook cases of the instruments mapped to the
    competency, and the rule's outcome from them (a fixed number of queries)."""
    curriculum = enrolment.cohort.curriculum
    mapped = curriculum_structure(curriculum).mapped.get(competency.id, [])
    outcome = rules.decide_competency(
        curriculum.competency_rule, mapped, results_for([enrolment.id])[enrolment.id]
    )

    def of(model, *where, order):
        return list(
            db.session.scalars(
                sa.select(model)
                .where(model.enrolment_id == enrolment.id, model.instrument_id.in_(mapped), *where)
                .order_by(order)
            )
        )

    return Evidence(
        outcome,
        [i for i in curriculum.instruments if i.id in set(mapped)],
        of(
            AssessmentRecord,
            AssessmentRecord.superseded.is_(False),
            order=AssessmentRecord.id.desc(),
        ),
        of(TestAttempt, TestAttempt.submitted_at.is_not(None), order=TestAttempt.id),
        of(LogbookEntry, order=LogbookEntry.case_date.desc()),
    )


def propose_panel_decision(
    actor, enrolment: Enrolment, competency_id: int, achieved: bool, reason: str, now: datetime
) -> PanelDecision:
    """One member of the panel proposes a decision, with a reason; it waits for a second."""
    require_assessor(actor, enrolment)
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the panel's decision."), "reason")
    framework_id = enrolment.cohort.curriculum.framework_id
    competency = db.session.get(Competency, competency_id)
    if competency is None or competency.framework_id != framework_id:
        raise DomainError(
            _l("Choose a competency of this curriculum's framework."), "competency_id"
        )
    found = overrides(enrolment, competency, achieved)
    decision = PanelDecision(
        enrolment_id=enrolment.id,
        competency_id=competency.id,
        achieved=achieved,
        reason=reason.strip(),
        decided_by_id=actor.id,
        decided_at=now,
        status=PanelStatus.PROPOSED,
        overrides_missing_evidence=found.missing_evidence,
        overrides_second_assessor=found.second_assessor,
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(
        actor,
        "competency.panel_proposed",
        enrolment,
        now=now,
        competency=competency.code,
        achieved=achieved,
        decision=decision.id,
        overrides_missing_evidence=found.missing_evidence,
        overrides_second_assessor=found.second_assessor,
    )
    return decision


def confirm_panel_decision(actor, decision: PanelDecision, now: datetime) -> PanelDecision:
    """A second, different member confirms the latest proposal: from now it counts."""
    enrolment = decision.enrolment
    require_assessor(actor, enrolment)
    if decision.is_confirmed:
        raise DomainError(_l("This decision is already confirmed."))
    if actor is not None and actor.id == decision.decided_by_id:
        raise DomainError(
            _l("A second member of the panel must confirm it: not the one who proposed it.")
        )
    later = db.session.scalar(
        sa.select(PanelDecision.id).where(
            PanelDecision.enrolment_id == decision.enrolment_id,
            PanelDecision.competency_id == decision.competency_id,
            PanelDecision.id > decision.id,
        )
    )
    if later is not None:
        raise DomainError(_l("A later decision was proposed: confirm that one instead."))
    decision.status = PanelStatus.CONFIRMED
    decision.confirmed_by_id, decision.confirmed_at = getattr(actor, "id", None), now
    audit.record(
        actor,
        "competency.panel_confirmed",
        enrolment,
        now=now,
        competency=decision.competency.code,
        achieved=decision.achieved,
        decision=decision.id,
    )
    events.evidence_changed(actor, enrolment, f"panel decision on {decision.competency.code}", now)
    return decision


def panel_decisions(enrolment: Enrolment, competency: Competency) -> list[PanelDecision]:
    """The panel's decisions on one competency of an enrolment, the latest first."""
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


def proposals_to_confirm(cohort: Cohort) -> list[PanelDecision]:
    """Proposals of a cohort still waiting for a second member, oldest first (only the latest
    on each competency of each enrolled trainee: an earlier one cannot be confirmed any more)."""
    latest = (
        sa.select(sa.func.max(PanelDecision.id))
        .join(Enrolment, Enrolment.id == PanelDecision.enrolment_id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .group_by(PanelDecision.enrolment_id, PanelDecision.competency_id)
    )
    return list(
        db.session.scalars(
            sa.select(PanelDecision)
            .options(
                joinedload(PanelDecision.enrolment).joinedload(Enrolment.trainee),
                joinedload(PanelDecision.competency),
                joinedload(PanelDecision.decided_by),
            )
            .where(PanelDecision.id.in_(latest), PanelDecision.status == PanelStatus.PROPOSED)
            .order_by(PanelDecision.id)
        )
    )
