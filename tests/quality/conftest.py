"""A small quality tool over the sample curriculum, a health centre, a round and two assessors."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml

from lms.auth.roles import Role
from lms.certificates.models import Certificate
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import local_today
from lms.quality import actions, importer, results
from lms.quality import services as quality
from lms.quality.models import QualityTool
from lms.quality.services import AnswerInput, applicable, load_tool
from lms.training.models import Cohort, Enrolment, EnrolmentStatus

from .. import clock, factories


def tool_data(**changes) -> dict:
    data = {
        "kind": "quality_tool",
        "code": "QA-T",
        "version": 1,
        "status": "published",
        "effective_date": clock.days(-320),
        "title": {"km": "ឧបករណ៍សាកល្បង", "en": "Test tool"},
        "facility_types": ["health_centre", "health_post"],
        "scoring": {"pass_percent": 70, "critical_cap_percent": 59},
        "domains": [
            {
                "code": "IPC",
                "title": {"km": "ការបង្ការការចម្លងរោគ", "en": "Infection prevention"},
                "weight": 1,
                "indicators": [
                    {
                        "code": "HH",
                        "text": {"km": "អនាម័យដៃ", "en": "Hand hygiene"},
                        "method": "observation",
                        "answer": "yes_no",
                        "critical": True,
                    },
                    {
                        "code": "WASTE",
                        "text": {"km": "សំណល់", "en": "Waste sorted"},
                        "method": "observation",
                        "answer": "yes_partial_no",
                    },
                    {
                        "code": "PCT",
                        "text": {"km": "ភាគរយ", "en": "Share of rooms with soap"},
                        "method": "record_review",
                        "answer": "number",
                        "min": 0,
                        "max": 100,
                        "thresholds": {"met": 80, "partial": 50},
                        "allow_na": True,
                    },
                    {
                        "code": "POST",
                        "text": {"km": "ប៉ុស្តិ៍", "en": "Only at health posts"},
                        "method": "interview",
                        "answer": "yes_no",
                        "facility_types": ["health_post"],
                    },
                ],
            },
            {
                "code": "MNC",
                "title": {"km": "មាតា និងទារក", "en": "Maternal care"},
                "weight": 1,
                "curricula": ["TST-CUR"],
                "indicators": [
                    {
                        "code": "V-PPH",
                        "text": {"km": "ករណីសិក្សា", "en": "PPH vignette"},
                        "method": "clinical_vignette",
                        "answer": "yes_no",
                        "area": "PPH",
                        "competencies": ["TST-FW:D1.1"],
                    },
                    {
                        "code": "O-PPH",
                        "text": {"km": "ការសង្កេត", "en": "PPH observed"},
                        "method": "observation",
                        "answer": "yes_no",
                        "area": "PPH",
                    },
                ],
            },
            {
                "code": "WF",
                "title": {"km": "បុគ្គលិក", "en": "Workforce"},
                "weight": 1,
                "indicators": [
                    {
                        "code": "WF-1",
                        "text": {"km": "ឆ្មបម្នាក់", "en": "A certified midwife"},
                        "answer": "computed",
                        "critical": True,
                        "compute": {
                            "type": "certified_staff_count",
                            "curricula": ["TST-CUR"],
                            "cadres": ["MIDWIFE"],
                        },
                        "thresholds": {"met": 1},
                    },
                    {
                        "code": "WF-2",
                        "text": {"km": "ភាគរយឆ្មប", "en": "Share certified"},
                        "answer": "computed",
                        "compute": {
                            "type": "certified_staff_share",
                            "curricula": ["TST-CUR"],
                            "cadres": ["MIDWIFE"],
                        },
                        "thresholds": {"met": 80, "partial": 50},
                    },
                ],
            },
        ],
    }
    data.update(changes)
    return data


def write_tool(tmp_path, name="tool.yaml", data=None) -> object:
    path = tmp_path / name
    path.write_text(
        data
        if isinstance(data, str)
        else yaml.safe_dump(data or tool_data(), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def tool(curriculum, tmp_path):
    importer.import_tools(None, [write_tool(tmp_path)], utcnow())
    db.session.commit()
    return db.session.query(QualityTool).filter_by(code="QA-T").one()


@pytest.fixture
def hc(app):
    return factories.facility(code="HC-A", province_code="21")


@pytest.fixture
def round_(app):
    today = local_today()
    r = quality.save_round(
        None,
        quality.RoundData(
            "R-NOW", "ជុំ", "This round", today - timedelta(days=30), today + timedelta(days=30)
        ),
        utcnow(),
    )
    db.session.commit()
    return r


def _assessor(username, province="21"):
    person = factories.user(roles=[Role.QUALITY_ASSESSOR], username=username)
    quality.set_scopes(None, person, [factories.province(province).id], [], utcnow())
    db.session.commit()
    return person


@pytest.fixture
def assessor(app):
    return _assessor("qa.one")


@pytest.fixture
def validator(app):
    return _assessor("qa.two")


def answer_all(assessor, assessment, choice="yes", number=90):
    """Answer every answered indicator of the sample tool."""
    tool = load_tool(assessment.tool_id)
    given = {}
    for domain in applicable(tool, assessment.facility.type.value):
        for i in domain.indicators:
            if i.is_computed:
                continue
            if i.answer_type.value == "number":
                given[i.id] = AnswerInput(value=number)
            else:
                given[i.id] = AnswerInput(choice=choice)
    quality.save_answers(assessor, assessment, given, utcnow())
    db.session.commit()
    return {i.code: i for d in tool.domains for i in d.indicators}


def certify(person, curriculum, issued, expires=None, revoked=None):
    """A certificate row for `person` (no PDF: only its dates matter here)."""
    cohort = db.session.query(Cohort).first()
    enrolment = Enrolment(
        cohort_id=cohort.id, trainee_id=person.id, status=EnrolmentStatus.ENROLLED
    )
    db.session.add(enrolment)
    db.session.flush()
    cert = Certificate(
        serial=f"T-{person.id}-{issued}",
        verification_code=f"code-{person.id}-{issued}",
        enrolment_id=enrolment.id,
        holder_id=person.id,
        curriculum_id=curriculum.id,
        issued_on=issued,
        expires_on=expires,
        snapshot="{}",
        revoked_at=revoked,
    )
    db.session.add(cert)
    db.session.flush()
    return cert


def assess(assessor, validator, facility, round_, day=None, choice="yes", failing=("O-PPH",)):
    """A validated assessment: every indicator `choice`, those in `failing` answered no."""
    a = quality.start_assessment(assessor, facility, round_, day or local_today(), [], utcnow())
    codes = answer_all(assessor, a, choice=choice)
    if failing:
        quality.save_answers(
            assessor,
            a,
            {codes[c].id: quality.AnswerInput(choice="no") for c in failing},
            utcnow(),
        )
    quality.submit(assessor, a, utcnow())
    quality.validate(validator, a, utcnow())
    db.session.commit()
    return a


def plan_action(assessor, assessment):
    """An improvement action ("Drill", due in 9 days) on the assessment's first failing
    indicator."""
    failing = next(r.indicator for r in results.indicator_results(assessment) if r.score == 0)
    return actions.add_action(
        assessor,
        assessment,
        actions.ActionData(
            failing.id, "", "Drill", local_today() + timedelta(days=9), None, "Head midwife"
        ),
        utcnow(),
    )
