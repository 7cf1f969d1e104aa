"""A knowledge test's time limit, questions per page and review policy: read from the file,
checked, written back only when set (files written before them keep their content hash),
stored, and edited on a draft."""

import pytest

from lms.auth.roles import Role
from lms.curricula import files
from lms.curricula import services as curricula
from lms.curricula.spec import QUESTIONS_PER_PAGE, ReviewPolicy
from lms.curricula.writing import curriculum_to_data
from lms.database import utcnow
from lms.extensions import db

from . import samples


def _read(tmp_path, doc):
    paths = [
        samples.write(tmp_path, "fw.yaml", samples.framework()),
        samples.write(tmp_path, "cur.yaml", doc),
    ]
    loaded, errors = files.read_files(paths)
    return loaded[-1].spec if loaded else None, [(e.field, str(e.message)) for e in errors]


def test_the_fields_are_read_and_written_back(app, tmp_path):
    doc = samples.curriculum()
    doc["instruments"][1].update(time_limit_minutes=45, questions_per_page=1, review="answers")
    spec, errors = _read(tmp_path, doc)
    assert errors == []
    test = spec.instruments[1]
    assert (test.time_limit_minutes, test.questions_per_page, test.review) == (
        45,
        1,
        ReviewPolicy.ANSWERS,
    )
    again, problems = files.read_text(files.dump(spec), "again")
    assert problems == [] and again.spec == spec


def test_left_out_they_take_safe_defaults_and_are_not_written(app, tmp_path):
    spec, errors = _read(tmp_path, samples.curriculum())
    assert errors == []
    test = spec.instruments[1]
    assert test.time_limit_minutes is None and test.questions_per_page == QUESTIONS_PER_PAGE
    assert test.review is ReviewPolicy.SCORE  # the score, never the answers, unless allowed
    written = curriculum_to_data(spec)["instruments"][1]
    assert not {"time_limit_minutes", "questions_per_page", "review"} & set(written)


@pytest.mark.parametrize(
    ("change", "place"),
    [
        ({"time_limit_minutes": 0}, "instruments[1].time_limit_minutes"),
        ({"time_limit_minutes": 601}, "instruments[1].time_limit_minutes"),
        ({"questions_per_page": 0}, "instruments[1].questions_per_page"),
        ({"questions_per_page": 51}, "instruments[1].questions_per_page"),
        ({"review": "everything"}, "instruments[1].review"),
    ],
)
def test_bad_values_are_named(app, tmp_path, change, place):
    doc = samples.curriculum()
    doc["instruments"][1].update(change)
    _spec, errors = _read(tmp_path, doc)
    assert place in [f for f, _m in errors], errors


def test_only_a_test_has_them(app, tmp_path):
    doc = samples.curriculum()
    doc["instruments"][0].update(review="answers")
    _spec, errors = _read(tmp_path, doc)
    assert ("instruments[0].review", "This field does not belong to a osce instrument.") in errors


def test_they_are_stored_and_edited_on_a_draft(client, login_as, loaded):
    _framework, curriculum = loaded
    test = curriculum.instruments[1]
    assert test.review is ReviewPolicy.SCORE and test.questions_per_page == QUESTIONS_PER_PAGE
    draft = curricula.new_draft_version(None, curriculum, utcnow())
    db.session.commit()
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    url = f"/curricula/{draft.id}/instruments/1/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'name="time_limit_minutes"' in form and 'name="review"' in form
    response = client.post(
        url,
        data={
            "code": "KT",
            "type": "knowledge_test",
            "module": "M2",
            "title_km": "តេស្ត",
            "title_en": "Test",
            "competencies": "D1.2",
            "pass_mark_percent": "80",
            "attempts": "3",
            "time_limit_minutes": "20",
            "questions_per_page": "2",
            "review": "mistakes",
        },
    )
    assert response.status_code == 302
    spec = curricula.read_curriculum(curricula.load_curriculum(draft.id)).instruments[1]
    assert (spec.time_limit_minutes, spec.questions_per_page, spec.review) == (
        20,
        2,
        ReviewPolicy.MISTAKES,
    )
    assert len(spec.questions) == 1  # the questions are kept
    shown = client.get(f"/curricula/{draft.id}").get_data(as_text=True)
    assert "Time limit: 20 minutes." in shown
