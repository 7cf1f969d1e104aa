"""Frameworks and curricula through the browser: every role, both languages."""

import io

import pytest
import sqlalchemy as sa
import yaml

from lms.auth.roles import Role
from lms.curricula import importer
from lms.curricula.models import Curriculum
from lms.database import utcnow
from lms.extensions import db
from lms.frameworks.models import Competency, Framework
from lms.frameworks.spec import Status

from ..conftest import count_queries, km
from . import samples


@pytest.mark.parametrize("role", list(Role))
def test_everyone_browses_frameworks_and_curricula(client, login_as, loaded, role):
    framework, curriculum = loaded
    login_as(role)
    for url in (
        "/frameworks",
        f"/frameworks/{framework.id}",
        "/curricula",
        f"/curricula/{curriculum.id}",
        f"/frameworks/{framework.id}/download/yaml",
        f"/frameworks/{framework.id}/download/moodle",
        f"/frameworks/{framework.id}/download/case",
    ):
        assert client.get(url).status_code == 200, url
    staff = role in (Role.ADMIN, Role.INSTRUCTOR, Role.OFFICER)
    assert client.get(f"/curricula/{curriculum.id}/download/yaml").status_code == (
        200 if staff else 403
    )


@pytest.mark.parametrize("role", list(Role))
def test_only_administrators_change_anything(client, login_as, loaded, role):
    framework, curriculum = loaded
    login_as(role)
    expected = 302 if role is Role.ADMIN else 403
    assert client.post(f"/frameworks/{framework.id}/versions").status_code == expected
    assert client.post(f"/curricula/{curriculum.id}/versions").status_code == expected
    assert client.get("/curricula/import").status_code == (200 if role is Role.ADMIN else 403)
    versions = db.session.scalar(sa.select(sa.func.count()).select_from(Framework))
    assert versions == (2 if role is Role.ADMIN else 1)


def test_question_bank_is_hidden_from_trainees(client, login_as, loaded):
    _framework, curriculum = loaded
    login_as(Role.TRAINEE)
    client.set_cookie("lang", "en")
    html = client.get(f"/curricula/{curriculum.id}").get_data(as_text=True)
    assert "Right" not in html and "correct" not in html
    client.post("/logout")
    login_as(Role.INSTRUCTOR)
    html = client.get(f"/curricula/{curriculum.id}").get_data(as_text=True)
    assert "Right" in html


def test_pages_in_both_languages(client, login_as, loaded):
    framework, curriculum = loaded
    login_as(Role.TRAINEE)
    client.set_cookie("lang", "km")
    html = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert "ក្របខណ្ឌសាកល្បង" in html and km("Proficiency scale") in html
    client.set_cookie("lang", "en")
    html = client.get(f"/curricula/{curriculum.id}").get_data(as_text=True)
    assert "Test course" in html and "Coverage" in html and "Module one" in html


def test_search_in_both_scripts(client, login_as, loaded):
    login_as(Role.TRAINEE)
    for term in ("សាកល្បង", "test", "TST-FW"):
        html = client.get(f"/frameworks?q={term}").get_data(as_text=True)
        assert "TST-FW" in html, term
    assert "TST-FW" not in client.get("/frameworks?q=zzz").get_data(as_text=True)


def _grow(framework: Framework, n: int) -> None:
    for i in range(n):
        db.session.add(
            Competency(
                framework_id=framework.id,
                code=f"X{i}",
                title_en=f"X {i}",
                title_km="ខ",
                depth=0,
                position=100 + i,
            )
        )
    db.session.commit()


def test_tree_page_uses_a_fixed_number_of_statements(client, login_as, loaded):
    framework, _curriculum = loaded
    login_as(Role.TRAINEE)
    with count_queries() as small:
        assert client.get(f"/frameworks/{framework.id}").status_code == 200
    _grow(framework, 300)
    with count_queries() as large:
        html = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert "X299" in html
    assert large.count == small.count <= 10, large.statements


def test_curriculum_page_uses_a_fixed_number_of_statements(client, login_as, loaded, tmp_path):
    framework, curriculum = loaded
    login_as(Role.ADMIN)
    with count_queries() as small:
        assert client.get(f"/curricula/{curriculum.id}").status_code == 200
    _grow(framework, 100)
    with count_queries() as large:
        assert client.get(f"/curricula/{curriculum.id}").status_code == 200
    assert large.count == small.count <= 25, large.statements


def test_coverage_flags_unassessed_required_competencies(client, login_as, app, tmp_path):
    doc = samples.curriculum(status="draft")
    doc["completion"]["required_competencies"].append("D2")
    paths = [
        samples.write(tmp_path, "fw.yaml", samples.framework()),
        samples.write(tmp_path, "cur.yaml", doc),
    ]
    importer.import_paths(None, paths, utcnow())
    db.session.commit()
    curriculum = db.session.scalar(sa.select(Curriculum))
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    html = client.get(f"/curricula/{curriculum.id}").get_data(as_text=True)
    assert "not assessed" in html and "confirm_uncovered" in html
    client.post(f"/curricula/{curriculum.id}/publish")
    db.session.refresh(curriculum)
    assert curriculum.status == Status.DRAFT  # not confirmed
    client.post(f"/curricula/{curriculum.id}/publish", data={"confirm_uncovered": "1"})
    db.session.refresh(curriculum)
    assert curriculum.status == Status.PUBLISHED


def test_upload_import_page(client, login_as, app):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    fw = yaml.safe_dump(samples.framework(), allow_unicode=True).encode()
    bad = samples.curriculum()
    bad["modules"][0]["outcomes"][0]["competencies"] = ["NOPE"]
    cur = yaml.safe_dump(bad, allow_unicode=True).encode()
    response = client.post(
        "/curricula/import",
        content_type="multipart/form-data",
        data={"files": [(io.BytesIO(fw), "fw.yaml"), (io.BytesIO(cur), "cur.yaml")]},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was imported" in html
    assert "modules[0].outcomes[0].competencies[0]" in html and "cur.yaml" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Framework)) == 0
    response = client.post(
        "/curricula/import",
        content_type="multipart/form-data",
        data={"files": [(io.BytesIO(fw), "fw.yaml")]},
    )
    assert response.status_code == 200 and "TST-FW" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Framework)) == 1
