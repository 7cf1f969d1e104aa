"""Editing drafts: frameworks' trees and curricula, through services and forms."""

import pytest
import sqlalchemy as sa

from lms.auth.roles import Role
from lms.curricula import importer
from lms.curricula import services as curricula
from lms.curricula.editing import edit
from lms.curricula.services import UncoveredRequirements
from lms.database import utcnow
from lms.errors import DomainError
from lms.extensions import db
from lms.frameworks import editing
from lms.frameworks import services as frameworks
from lms.frameworks.models import Competency
from lms.frameworks.spec import Status


def test_published_versions_cannot_be_edited(loaded):
    framework, curriculum = loaded
    node = db.session.scalar(sa.select(Competency).where(Competency.code == "D2"))
    with pytest.raises(DomainError):
        editing.save_competency(None, framework, editing.NodeData("D3", "ថ្មី", "New"), utcnow())
    with pytest.raises(DomainError):
        editing.delete_competency(None, framework, node, utcnow())
    with pytest.raises(DomainError):
        curricula.publish_curriculum(None, curriculum, utcnow())


def test_new_version_edit_and_diff(loaded):
    framework, _curriculum = loaded
    draft = frameworks.new_draft_version(None, framework, utcnow())
    assert (draft.version, draft.status) == (2, Status.DRAFT)
    d2 = db.session.scalar(
        sa.select(Competency).where(Competency.framework_id == draft.id, Competency.code == "D2")
    )
    d1 = db.session.scalar(
        sa.select(Competency).where(Competency.framework_id == draft.id, Competency.code == "D1")
    )
    editing.save_competency(
        None, draft, editing.NodeData("D2.1", "ថ្មី", "New one", parent_id=d2.id), utcnow()
    )
    editing.save_competency(
        None,
        draft,
        editing.NodeData("D2", "ដែនទីពីរ", "Domain 2", parent_id=d1.id),
        utcnow(),
        d2,
    )
    leaf = db.session.scalar(
        sa.select(Competency).where(
            Competency.framework_id == draft.id, Competency.code == "D1.1.1"
        )
    )
    editing.delete_competency(None, draft, leaf, utcnow())
    db.session.commit()
    changes = frameworks.diff(
        frameworks.read_framework(framework), frameworks.read_framework(draft)
    )
    assert [n.code for n in changes.added] == ["D2.1"]
    assert [n.code for n in changes.removed] == ["D1.1.1"]
    assert [(c.code, c.fields) for c in changes.changed] == [("D2", ["title_en", "parent"])]
    moved = db.session.scalar(
        sa.select(Competency).where(Competency.framework_id == draft.id, Competency.code == "D2.1")
    )
    assert moved.depth == 2  # D1 > D2 > D2.1
    frameworks.publish_framework(None, draft, utcnow())
    assert draft.status == Status.PUBLISHED and framework.status == Status.PUBLISHED


def test_a_node_cannot_move_under_itself(loaded):
    framework, _ = loaded
    draft = frameworks.new_draft_version(None, framework, utcnow())
    nodes = {c.code: c for c in frameworks.competencies_of(draft.id)}
    with pytest.raises(DomainError) as refused:
        editing.save_competency(
            None,
            draft,
            editing.NodeData("D1", "ដែនទីមួយ", "Domain one", parent_id=nodes["D1.1.1"].id),
            utcnow(),
            nodes["D1"],
        )
    assert refused.value.field == "parent_id"


def test_move_up_and_down(loaded):
    framework, _ = loaded
    draft = frameworks.new_draft_version(None, framework, utcnow())
    nodes = {c.code: c for c in frameworks.competencies_of(draft.id)}
    editing.move_competency(None, draft, nodes["D2"], -1, utcnow())
    roots = [c.code for c in frameworks.competencies_of(draft.id) if c.depth == 0]
    assert roots == ["D2", "D1"]


def test_publishing_a_curriculum_checks_coverage(loaded):
    _framework, curriculum = loaded
    draft = curricula.new_draft_version(None, curriculum, utcnow())

    def require_d2(spec):
        spec.required_competencies.append("D2")

    edit(None, draft, require_d2, "test", utcnow())
    with pytest.raises(UncoveredRequirements) as refused:
        curricula.publish_curriculum(None, draft, utcnow())
    assert refused.value.codes == ["D2"]
    curricula.publish_curriculum(None, draft, utcnow(), confirm_uncovered=True)
    assert draft.status == Status.PUBLISHED


def test_module_and_question_forms(client, login_as, loaded):
    _framework, curriculum = loaded
    draft = curricula.new_draft_version(None, curriculum, utcnow())
    db.session.commit()
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    base = f"/curricula/{draft.id}"
    response = client.post(
        f"{base}/modules/new",
        data={
            "code": "M3",
            "title_km": "ម៉ូឌុលបី",
            "title_en": "Module three",
            "hours_theory": "1",
            "hours_practical": "0",
            "hours_clinical": "0",
            "outcomes-0-text_km": "លទ្ធផល",
            "outcomes-0-text_en": "Outcome",
            "outcomes-0-competencies": "D2",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"{base}/modules/new",
        data={
            "code": "M4",
            "title_km": "ម៉ូឌុលបួន",
            "title_en": "Module four",
            "hours_theory": "1",
            "hours_practical": "0",
            "hours_clinical": "0",
            "outcomes-0-text_km": "លទ្ធផល",
            "outcomes-0-text_en": "Outcome",
            "outcomes-0-competencies": "NOPE",
        },
    )
    assert response.status_code == 200
    assert "Unknown competency code NOPE." in response.get_data(as_text=True)
    response = client.post(
        f"{base}/instruments/1/questions/new",
        data={
            "text_km": "សំណួរថ្មី",
            "text_en": "New question",
            "options-0-text_km": "ក",
            "options-0-text_en": "A",
            "options-1-text_km": "ខ",
            "options-1-text_en": "B",
            "correct": "1",
        },
    )
    assert response.status_code == 302
    spec = curricula.read_curriculum(curricula.load_curriculum(draft.id))
    assert [m.code for m in spec.modules] == ["M1", "M2", "M3"]
    question = spec.instruments[1].questions[-1]
    assert question.text.en == "New question" and [o.correct for o in question.options] == [
        False,
        True,
    ]
    response = client.post(f"{base}/modules/0/delete")
    spec = curricula.read_curriculum(curricula.load_curriculum(draft.id))
    assert [m.code for m in spec.modules] == ["M2", "M3"]
    assert spec.instruments[0].module is None  # its module was deleted


MOODLE = (
    '"Parent ID number","ID number","Short name","Description","Description format",'
    '"Scale values","Scale configuration","Rule type (optional)","Rule outcome (optional)",'
    '"Rule config (optional)","Cross-referenced competency ID numbers",'
    '"Exported ID (optional)","Is framework","Taxonomy"\n'
    ',"NURSE-X","Nursing basics","",1,"Not yet competent,Competent",'
    '"[{""scaleid"":""2""},{""id"":1,""scaledefault"":1,""proficient"":0},'
    '{""id"":2,""scaledefault"":0,""proficient"":1}]",,,,,,1,"domain,competency"\n'
    ',"NX-1","Patient safety","",1,,,,0,null,,2,,\n'
)


def test_a_moodle_draft_is_published_once_it_has_khmer(client, login_as, app, tmp_path):
    path = tmp_path / "moodle.csv"
    path.write_text(MOODLE, encoding="utf-8")
    importer.import_paths(None, [path], utcnow())
    db.session.commit()
    framework = frameworks.find_framework("NURSE-X", 1)
    with pytest.raises(DomainError):
        frameworks.publish_framework(None, framework, utcnow())
    db.session.rollback()
    login_as(Role.ADMIN)
    page = client.get(f"/frameworks/{framework.id}/edit")
    assert page.status_code == 200
    response = client.post(
        f"/frameworks/{framework.id}/edit",
        data={
            "title_km": "មូលដ្ឋានគ្រឹះថែទាំ",
            "title_en": "Nursing basics",
            "scale_title_km": "កម្រិត",
            "scale_title_en": "Scale",
            "proficient": "2",
            "levels-0-value": "1",
            "levels-0-title_km": "មិនទាន់",
            "levels-0-title_en": "Not yet",
            "levels-1-value": "2",
            "levels-1-title_km": "មានសមត្ថភាព",
            "levels-1-title_en": "Competent",
        },
    )
    assert response.status_code == 302
    node = db.session.scalar(sa.select(Competency).where(Competency.code == "NX-1"))
    response = client.post(
        f"/frameworks/{framework.id}/competencies/{node.id}/edit",
        data={
            "code": "NX-1",
            "title_km": "សុវត្ថិភាពអ្នកជំងឺ",
            "title_en": "Patient safety",
            "parent_id": "",
        },
    )
    assert response.status_code == 302
    client.post(f"/frameworks/{framework.id}/publish")
    db.session.refresh(framework)
    assert framework.status == Status.PUBLISHED
    assert framework.title_km == "មូលដ្ឋានគ្រឹះថែទាំ"


def test_coverage_rows_stop_at_the_depth_the_curriculum_maps(loaded):
    framework, curriculum = loaded
    cover = curricula.coverage(
        curricula.read_curriculum(curriculum), frameworks.read_framework(framework)
    )
    assert [r.code for r in cover.rows] == ["D1", "D1.1", "D1.2", "D2"]  # no D1.1.1
    assert cover.unassessed_required == []
    d11 = cover.rows[1]
    assert d11.required and d11.taught == [True, False] and d11.assessed == [True, False]
