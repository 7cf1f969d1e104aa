"""Demo quality data: the shipped tools, three quarterly rounds, assessor assignments, staff at
a health centre, and validated assessments in earlier rounds so scorecards show a trend."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa

from ..datafiles import in_folder
from ..extensions import db
from ..i18n import local_date
from ..orgunits.models import Facility, Province
from ..users import demo as users_demo
from ..users.models import Sex, StaffAssignment, User
from . import services
from .files import TOOLS
from .importer import import_tools
from .models import Answer
from .services import AnswerInput

# (username, family km, given km, family en, given en, sex, cadre, facility)
STAFF = (
    ("chum.sreyleak", "ជុំ", "ស្រីលក្ខណ៍", "CHUM", "Sreyleak", Sex.FEMALE, "MIDWIFE", "TK-HC-PL"),
    ("pich.sokunthea", "ពេជ្រ", "សុគន្ធា", "PICH", "Sokunthea", Sex.FEMALE, "MIDWIFE", "TK-HC-PL"),
    ("touch.vuthy", "ទូច", "វុទ្ធី", "TOUCH", "Vuthy", Sex.MALE, "NURSE", "TK-HC-PL"),
    ("ouk.malis", "អ៊ុក", "ម៉ាលីស", "OUK", "Malis", Sex.FEMALE, "MIDWIFE", "TK-HC-ATS"),
    ("long.rithy", "ឡុង", "ឫទ្ធី", "LONG", "Rithy", Sex.MALE, "NURSE", "TK-HC-ATS"),
)
# Validated assessments in the two earlier rounds: (facility, share of indicators met).
EARLIER = (
    ("TK-HC-PL", 0.0, 0.15),
    ("TK-HC-ATS", 0.1, 0.3),
    ("TK-KV-RH", 0.2, 0.5),
    ("TK-PRH", 0.4, 0.7),
)


def _rounds(now) -> list:
    """The current quarter and the two before it."""
    return [services.save_round(None, data, now) for data in services.quarters(local_date(now), 3)]


def _met(facility: str, indicator: str, round_code: str, share: float) -> bool:
    digest = hashlib.sha256(f"{facility}|{indicator}|{round_code}".encode()).digest()
    return digest[0] / 255 < share


def _answers(assessment, share: float) -> dict[int, AnswerInput]:
    tool = services.load_tool(assessment.tool_id)
    given = {}
    for domain in services.applicable(tool, assessment.facility.type.value):
        for i in domain.indicators:
            if i.is_computed:
                continue
            # Critical practices are in place; the rest varies by facility and round.
            met = i.critical or _met(assessment.facility.code, i.code, assessment.round.code, share)
            if i.answer_type.value == "number":
                if i.higher_is_better:
                    value = i.met if met else (i.partial if i.partial is not None else i.minimum)
                else:
                    value = i.met if met else (i.maximum if i.maximum is not None else i.met * 2)
                given[i.id] = AnswerInput(value=value)
            elif i.answer_type.value == "yes_partial_no":
                given[i.id] = AnswerInput(choice=Answer.YES if met else Answer.PARTIAL)
            else:
                given[i.id] = AnswerInput(choice=Answer.YES if met else Answer.NO)
    return given


def load(now) -> None:
    """Add the demo quality data (the caller commits)."""
    import_tools(None, in_folder(TOOLS), now)
    rounds = _rounds(now)
    people = {
        u.username: u
        for u in db.session.scalars(
            sa.select(User).where(User.username.in_(["assessor", "assessor2"]))
        )
    }
    takeo = db.session.scalar(sa.select(Province.id).where(Province.code == "21"))
    for person in people.values():
        services.set_scopes(None, person, [takeo], [], now)
    users_demo.add_trainees(STAFF, now)
    facility = {f.code: f for f in db.session.scalars(sa.select(Facility))}
    # Demo staff have worked where they are for a year: earlier rounds count them too.
    db.session.execute(
        sa.update(StaffAssignment).values(started_on=local_date(now) - timedelta(days=365))
    )
    lead, second = people["assessor"], people["assessor2"]
    for round_, column in ((rounds[0], 1), (rounds[1], 2)):
        for code, *shares in EARLIER:
            day = round_.starts_on + timedelta(days=20 + len(code))
            assessment = services.start_assessment(
                lead,
                facility[code],
                round_,
                day,
                [],
                now.replace(
                    year=round_.ends_on.year, month=round_.ends_on.month, day=round_.ends_on.day
                ),
            )
            services.save_answers(lead, assessment, _answers(assessment, shares[column - 1]), now)
            services.submit(lead, assessment, now)
            services.validate(second, assessment, now)
