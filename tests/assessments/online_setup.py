"""A knowledge test of many questions, its own curriculum and cohort, and a trainee in it."""

from __future__ import annotations

from dataclasses import dataclass

from lms.assessments import online_tests
from lms.curricula.models import Instrument
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training

from .. import factories
from ..curricula import samples


def questions(n: int) -> list[dict]:
    """`n` questions of three options, the first one right (the attempt shuffles them)."""
    return [
        {
            "text": {"km": f"សំណួរ {k}", "en": f"Question text {k}"},
            "options": [
                {"text": {"km": f"ត្រូវ {k}", "en": f"Right {k}"}, "correct": True},
                {"text": {"km": f"ខុស {k}", "en": f"Wrong {k}"}},
                {"text": {"km": f"ខុសទៀត {k}", "en": f"Also wrong {k}"}},
            ],
        }
        for k in range(1, n + 1)
    ]


@dataclass
class Online:
    trainee: object
    enrolment: object
    test: Instrument
    instructor: object

    def start(self, now=None):
        return online_tests.start_attempt(self.trainee, self.enrolment, self.test, now or utcnow())

    def right(self, attempt) -> dict[int, int]:
        """The right answer to every question of the attempt."""
        return {
            q.id: next(o.id for o in opts if o.correct) for q, opts in online_tests.paper(attempt)
        }

    def wrong(self, attempt) -> dict[int, int]:
        return {
            q.id: next(o.id for o in opts if not o.correct)
            for q, opts in online_tests.paper(attempt)
        }


def maker(tmp_path, instructor):
    """`make(review=..., minutes=..., n=..., per_page=..., attempts=...)`: a trainee enrolled
    in a cohort whose curriculum has one knowledge test of `n` questions (the sample framework
    must be imported: the `curriculum` fixture)."""
    made = []

    def make(review="mistakes", minutes=30, n=12, per_page=5, attempts=2, username="sok.t"):
        code = f"TST-ONLINE-{len(made) + 1}"
        test = {
            "code": "KT-LONG",
            "type": "knowledge_test",
            "module": "M2",
            "title": {"km": "តេស្តវែង", "en": "Long test"},
            "competencies": ["D1.2"],
            "pass_mark_percent": 75,
            "attempts": attempts,
            "questions_per_page": per_page,
            "review": review,
            "questions": questions(n),
        }
        if minutes:
            test["time_limit_minutes"] = minutes
        data = samples.curriculum(code=code, instruments=[test])
        data["completion"] = {**data["completion"], "required_competencies": ["D1.2"]}
        found = samples.publish(tmp_path, data)
        cohort = factories.cohort(found, instructor, code=f"C-{code}")
        trainee = factories.user(username=username)
        enrolment = training.enrol(instructor, cohort, trainee, utcnow())
        db.session.commit()
        made.append(code)
        return Online(trainee, enrolment, found.instruments[0], instructor)

    return make
