"""Fixtures of the rounds and matrix tests: a curriculum with two OSCE stations (it replaces the
shared one in this folder) and a cohort of three trainees."""

from __future__ import annotations

import copy

import pytest

from lms.assessments import services as assessments
from lms.assessments.rules import Mark
from lms.curricula import importer
from lms.curricula.services import find_curriculum
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training

from ... import clock, factories
from ...curricula import samples

# (family, given) in English and in Khmer, in the roster's order (by the English name)
NAMES = (
    ("CHEA", "Bopha", "ជា", "បុប្ផា"),
    ("KEO", "Dara", "កែវ", "ដារា"),
    ("SOK", "Vanna", "សុខ", "វណ្ណា"),
)


def full_name(language: str, n: int) -> str:
    """The full name of the nth trainee of the round (0, 1, 2) in `language`."""
    family, given, family_km, given_km = NAMES[n]
    return f"{family} {given}" if language == "en" else f"{family_km} {given_km}"


def _two_stations() -> dict:
    data = samples.curriculum()
    second = copy.deepcopy(data["instruments"][0])
    second.update(code="OSCE-2", title={"km": "ស្ថានីយទីពីរ", "en": "Second station"})
    second["competencies"] = ["D1.2"]
    data["instruments"].insert(1, second)
    return data


@pytest.fixture
def curriculum(app, tmp_path):
    """The sample curriculum with a second OSCE station (it replaces the shared fixture)."""
    paths = [
        samples.write(tmp_path, "fw.yaml", samples.framework()),
        samples.write(tmp_path, "cur.yaml", _two_stations()),
    ]
    importer.import_paths(None, paths, utcnow())
    db.session.commit()
    return find_curriculum("TST-CUR", 1)


@pytest.fixture
def round_of_three(cohort, instructor, curriculum):
    """The cohort's three enrolments (in roster order) and its stations by code."""
    enrolments = []
    for family, given, family_km, given_km in reversed(NAMES):  # the roster sorts them
        trainee = factories.user(
            family_name_en=family,
            given_name_en=given,
            family_name_km=family_km,
            given_name_km=given_km,
        )
        enrolments.append(training.enrol(instructor, cohort, trainee, utcnow()))
    db.session.commit()
    stations = {i.code: i for i in curriculum.instruments}
    return list(reversed(enrolments)), stations


def enrol_many(instructor, cohort, n: int) -> list:
    """`n` new trainees enrolled in the cohort (made large enough for them), committed."""
    cohort.capacity = 100
    enrolments = [training.enrol(instructor, cohort, factories.user(), utcnow()) for _ in range(n)]
    db.session.commit()
    return enrolments


def assess(instructor, enrolment, instrument, *, passed=True, day=None, submit=True):
    """Record a checklist for the trainee: every item done (or the critical one not done)."""
    marks = {item.id: Mark.DONE for item in instrument.items}
    if not passed:
        marks[next(i.id for i in instrument.items if i.critical)] = Mark.NOT_DONE
    data = assessments.ChecklistData(marks, 3, day or clock.today())
    record = assessments.save_checklist(instructor, enrolment, instrument, data, submit, utcnow())
    db.session.commit()
    return record


def checklist_form(instrument, rating="3", action="submit", fail=False):
    """The posted form of a checklist with every item done (or the critical one not done)."""
    data = {f"item{item.id}": "done" for item in instrument.items}
    if fail:
        data[f"item{next(i.id for i in instrument.items if i.critical)}"] = "not_done"
    data.update(overall_rating=rating, action=action, assessed_on=clock.today().isoformat())
    return data
