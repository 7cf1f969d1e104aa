"""The demo data as a world for the access table: one person per role, and for every URL
parameter an object that person would naturally open (tests/test_access_table.py)."""

from __future__ import annotations

import sqlalchemy as sa

from lms import demo
from lms.assessments import services as assessments
from lms.assessments.models import AssessmentRecord, LogbookEntry
from lms.auth.roles import Role
from lms.certificates.models import Certificate, CertificateReview
from lms.curricula.services import find_curriculum
from lms.curricula.spec import InstrumentType
from lms.extensions import db
from lms.i18n import local_date
from lms.orgunits.models import Facility, OperationalDistrict
from lms.quality.actions import ActionData, add_action
from lms.quality.models import AssessmentStatus, ImprovementAction, QualityAssessment, QualityTool
from lms.quality.results import failing_results
from lms.training import materials
from lms.training.models import Cohort, CohortSession, Enrolment
from lms.users.models import Cadre, Council, User

from .rules import fill_rule

# The persona of each role in the demo data (None: not logged in).
PERSONAS = {
    None: None,
    Role.TRAINEE: "trainee",
    Role.INSTRUCTOR: "instructor",
    Role.OFFICER: "officer",
    Role.QUALITY_ASSESSOR: "assessor",
    Role.ADMIN: "admin",
}


def _first(statement):
    return db.session.scalar(statement.limit(1))


def _instrument(curriculum, *types: InstrumentType) -> int:
    return next(i.id for i in curriculum.instruments if i.type in types)


def _an_action(actor, facility, now) -> ImprovementAction:
    """An improvement action for a failing indicator of the facility's newest submitted
    assessment (the demo plans none)."""
    for assessment in db.session.scalars(
        sa.select(QualityAssessment)
        .where(
            QualityAssessment.facility_id == facility.id,
            QualityAssessment.status != AssessmentStatus.DRAFT,
        )
        .order_by(QualityAssessment.id.desc())
    ):
        failing = failing_results(assessment)
        if failing:
            data = ActionData(failing[0].indicator.id, None, "Fix it", local_date(now), None, "X")
            return add_action(actor, assessment, data, now)
    raise AssertionError("the demo has no failing indicator to act on")


def load_world(now) -> dict:
    """Load the demo and return the values of every URL parameter, by name (and by
    endpoint where one endpoint needs another kind of object under the same name)."""
    demo.load()
    db.session.commit()
    bemonc = find_curriculum("BEMONC", 1)
    running = db.session.scalar(sa.select(Cohort).where(Cohort.code == demo.cohort_code(now, 1)))
    trainee = db.session.scalar(sa.select(User).where(User.username == "trainee"))
    enrolment = db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.cohort_id == running.id, Enrolment.trainee_id == trainee.id
        )
    )
    certificate = _first(sa.select(Certificate).order_by(Certificate.id))
    assessor = db.session.scalar(sa.select(User).where(User.username == "assessor"))
    facility = db.session.scalar(sa.select(Facility).where(Facility.code == "TK-HC-PL"))
    assessment = _first(
        sa.select(QualityAssessment)
        .where(QualityAssessment.facility_id == facility.id)
        .order_by(QualityAssessment.id.desc())
    )
    competency = bemonc.instruments[0].competencies[0]
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    material = materials.add_link(
        admin, running, bemonc.modules[0].id, "ឯកសារ", "Notes", "https://example.org/a", now
    )
    action = _an_action(admin, facility, now)
    instructor = db.session.scalar(sa.select(User).where(User.username == "instructor"))
    proposal = assessments.propose_panel_decision(
        instructor, enrolment, competency.id, True, "seen on placement", now
    )
    review = CertificateReview(certificate_id=certificate.id, opened_at=now, reason="test")
    db.session.add(review)
    db.session.commit()
    values = {
        "cohort_id": running.id,
        "enrolment_id": enrolment.id,
        "instrument_id": _instrument(bemonc, InstrumentType.DOPS, InstrumentType.OSCE),
        "competency_id": competency.id,
        "record_id": _first(sa.select(AssessmentRecord.id).order_by(AssessmentRecord.id)),
        "entry_id": _first(sa.select(LogbookEntry.id).order_by(LogbookEntry.id)),
        "certificate_id": certificate.id,
        "code": certificate.verification_code,
        "variant": "pdf",
        "curriculum_id": bemonc.id,
        "framework_id": bemonc.framework_id,
        "part": None,  # the first choice of the rule's any()
        "action": None,
        "index": "0",
        "number": "1",
        "fmt": "yaml",
        "kind": "facilities",
        "district_id": _first(sa.select(OperationalDistrict.id).order_by(OperationalDistrict.id)),
        "facility_id": facility.id,
        "assessment_id": assessment.id,
        "user_id": assessor.id,
        "tool_id": _first(sa.select(QualityTool.id).order_by(QualityTool.id)),
        "action_id": action.id,
        "decision_id": proposal.id,
        "review_id": review.id,
        "material_id": material.id,
        "session_id": _first(
            sa.select(CohortSession.id).where(CohortSession.cohort_id == running.id)
        ),
        "cadre_id": _first(sa.select(Cadre.id).order_by(Cadre.id)),
        "council_id": _first(sa.select(Council.id).order_by(Council.id)),
    }
    by_endpoint = {
        "assessments.record_paper_test": {
            "instrument_id": _instrument(bemonc, InstrumentType.KNOWLEDGE_TEST)
        },
        "assessments.take_test": {
            "instrument_id": _instrument(bemonc, InstrumentType.KNOWLEDGE_TEST)
        },
        "assessments.logbook": {"instrument_id": _instrument(bemonc, InstrumentType.LOGBOOK)},
    }
    # Query strings a page needs to show something (a diff needs the version to compare with).
    query = {"frameworks.diff_frameworks": f"?other={bemonc.framework_id}"}
    return {"values": values, "by_endpoint": by_endpoint, "query": query}


def url_for_rule(rule, world) -> str:
    """The rule's path with each parameter set from the world (and the query it needs)."""
    values = {**world["values"], **world["by_endpoint"].get(rule.endpoint, {})}
    path = fill_rule(rule, lambda _converter, name: values.get(name))
    return path + world["query"].get(rule.endpoint, "")
