"""The evidence behind one cell of the competency matrix: one trainee, one competency."""

from __future__ import annotations

from dataclasses import dataclass

from ...training.models import Enrolment
from .. import rules
from ..models import PanelDecision
from .matrix import CompetencyView, competency_table
from .panels import Evidence, evidence_for, panel_decisions


@dataclass(frozen=True)
class CompetencyEvidence:
    """A matrix cell and what it stands on."""

    competency: CompetencyView
    required: bool
    outcome: rules.CompetencyOutcome  # as the matrix shows it (a confirmed panel decision too)
    evidence: Evidence  # records, test attempts, logbook cases and the rule's own outcome
    decisions: list[PanelDecision]  # the panel's decisions on it, the latest first


def competency_evidence(enrolment: Enrolment, competency_id: int) -> CompetencyEvidence | None:
    """The evidence of one competency the trainee's curriculum assesses or requires, or None
    for any other competency (a fixed number of queries)."""
    table = competency_table(enrolment.cohort.curriculum, [enrolment.id])
    competency = next((c for c in table.competencies if c.id == competency_id), None)
    if competency is None:
        return None
    return CompetencyEvidence(
        competency,
        competency.id in table.required,
        table.outcomes[enrolment.id][competency.id],
        evidence_for(enrolment, competency),
        panel_decisions(enrolment, competency),
    )
