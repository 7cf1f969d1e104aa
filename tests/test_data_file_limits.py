"""Data files (curricula, frameworks, quality tools) cannot expand without bound: YAML anchors
and aliases are refused before anything is built, and a file over the size cap is refused
before it is read, on the command line and on upload, naming the file and the line."""

from __future__ import annotations

import io

import sqlalchemy as sa

from lms.auth.roles import Role
from lms.extensions import db
from lms.frameworks.models import Framework
from lms.frameworks.reader import MAX_DATA_FILE_BYTES, parse_yaml

from .conftest import km

# Each level refers ten times to the one before: 10**5 leaves from a few hundred bytes (the
# tester's file had nine levels, 10**9, and took 3.7 GB).
BOMB = "kind: framework\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 6)
)


def test_aliases_are_refused_with_their_line():
    data, _lines, errors = parse_yaml(BOMB, "bomb.yaml")
    assert data is None
    assert [(e.line, e.source) for e in errors] == [(2, "bomb.yaml")]
    assert "anchors and aliases" in str(errors[0].message)


def test_an_anchor_alone_is_refused_too():
    _data, _lines, errors = parse_yaml("kind: framework\ncode: &c FW\n", "a.yaml")
    assert [e.line for e in errors] == [2]


def test_the_cli_refuses_a_bomb_naming_file_and_line(runner, tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    for command in (["curricula", "validate"], ["curricula", "import"], ["quality", "import"]):
        result = runner.invoke(args=[*command, str(path)])
        assert result.exit_code == 1, (command, result.output)
        assert f"{path}: line 2" in result.output and "aliases" in result.output


def test_a_file_over_the_cap_is_refused_before_it_is_read(runner, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("kind: framework\n" + "# padding\n" * (MAX_DATA_FILE_BYTES // 10), "utf-8")
    for command in (["curricula", "validate"], ["quality", "validate"]):
        result = runner.invoke(args=[*command, str(path)])
        assert result.exit_code == 1, (command, result.output)
        assert f"{path}: line 1" in result.output and "larger than 2 MB" in result.output


def upload_bomb(client, lang: str):
    client.set_cookie("lang", lang)
    return client.post(
        "/curricula/import",
        content_type="multipart/form-data",
        data={"files": [(io.BytesIO(BOMB.encode()), "bomb.yaml")]},
    )


def test_an_uploaded_bomb_is_refused_and_nothing_is_imported(client, login_as):
    login_as(Role.ADMIN)
    response = upload_bomb(client, "en")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was imported" in html
    assert "bomb.yaml" in html and "anchors and aliases" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Framework)) == 0


def test_the_refusal_is_in_khmer_on_khmer_pages(client, login_as):
    login_as(Role.ADMIN)
    response = upload_bomb(client, "km")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "anchors and aliases" not in html
    assert km("YAML anchors and aliases (& and *) are not allowed in data files.") in html
