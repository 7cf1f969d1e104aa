"""The issue's "done when", on the demo data, at service level (the browser walk is manual)."""

from __future__ import annotations

import sqlalchemy as sa

from lms.database import utcnow
from lms.demo import cohort_code
from lms.extensions import db
from lms.i18n import local_today
from lms.orgunits.models import Facility
from lms.quality import results
from lms.quality import services as quality
from lms.users.models import User


def test_demo_assessment_to_training_needs(runner):
    assert runner.invoke(args=["setup", "--demo"]).exit_code == 0
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    hc = db.session.scalar(sa.select(Facility).where(Facility.code == "TK-HC-PL"))
    earlier = results.results_of(hc.id)
    assert len(earlier) == 2  # two validated rounds give the trend
    current = quality.rounds()[-1]
    a = quality.start_assessment(users["assessor"], hc, current, local_today(), [], utcnow())
    tool = quality.load_tool(a.tool_id)
    given = {}
    for domain in quality.applicable(tool, hc.type.value):
        for i in domain.indicators:
            if i.is_computed:
                continue
            given[i.id] = (
                quality.AnswerInput(value=i.met)
                if i.answer_type.value == "number"
                else quality.AnswerInput(choice="yes")
            )
    quality.save_answers(users["assessor"], a, given, utcnow())
    quality.submit(users["assessor"], a, utcnow())
    quality.validate(users["assessor2"], a, utcnow())
    db.session.commit()
    card = results.scorecard(hc, local_today())
    wf = {r.indicator.code: r for r in card.indicators if r.indicator.is_computed}
    count = next(
        r
        for r in wf.values()
        if r.indicator.computation.value.endswith("count")
        and r.indicator.compute_curricula == ["BEMONC"]
    )
    assert count.answer.value == 1 and count.answer.detail["staff"] == 3  # sok.channary
    needs = {n.curriculum.code: n for n in results.training_needs(hc, local_today())}
    bemonc = needs["BEMONC"]
    assert {"chum.sreyleak", "pich.sokunthea"} <= {u.username for u in bemonc.staff}
    assert "sok.channary" not in {u.username for u in bemonc.staff}
    assert [c.code for c, _left in bemonc.cohorts] == [cohort_code(utcnow(), 1)]
