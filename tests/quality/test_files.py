"""Tool files: precise errors, all-or-nothing import, version rules, the shipped tools."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import yaml

from lms.database import utcnow
from lms.demo import load_curricula
from lms.errors import ImportRejected
from lms.extensions import db
from lms.quality import importer
from lms.quality.files import TOOLS, read_tool_text
from lms.quality.models import QualityIndicator, QualityTool

from .conftest import tool_data, write_tool

BAD_TYPE = """kind: quality_tool
code: QA-X
version: 1
title: {km: ឧបករណ៍, en: Tool}
facility_types: [health_centre]
domains:
  - code: D1
    title: {km: ដែន, en: Domain}
    indicators:
      - code: I1
        text: {km: សូចនាករ, en: Indicator}
        method: observation
        answer: maybe
"""


def test_an_unknown_indicator_type_names_file_line_and_field():
    tool, errors = read_tool_text(BAD_TYPE, "x.yaml")
    assert tool is None
    assert [(e.line, e.field) for e in errors] == [(13, "domains[0].indicators[0].answer")]
    assert "x.yaml: line 13, field 'domains[0].indicators[0].answer'" in str(errors[0])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"method": "guessing"}, "domains[0].indicators[0].method"),
        ({"answer": "number"}, "domains[0].indicators[0].thresholds"),
        ({"answer": "computed", "method": None}, "domains[0].indicators[0].compute"),
        ({"facility_types": ["spaceport"]}, "domains[0].indicators[0].facility_types[0]"),
        ({"competencies": ["D1.1"]}, "domains[0].indicators[0].competencies[0]"),
        ({"colour": "red"}, "domains[0].indicators[0].colour"),
        ({"code": "WASTE"}, "domains[0].indicators[1].code"),
    ],
)
def test_indicator_mistakes(change, field):
    data = tool_data()
    first = data["domains"][0]["indicators"][0]
    first.update(change)
    for key in [k for k, v in first.items() if v is None]:
        del first[key]
    _tool, errors = read_tool_text(yaml.safe_dump(data, allow_unicode=True), "t.yaml")
    assert field in [e.field for e in errors], [str(e) for e in errors]


def test_partial_threshold_on_the_wrong_side():
    data = tool_data()
    data["domains"][0]["indicators"][2]["thresholds"] = {"met": 50, "partial": 80}
    _tool, errors = read_tool_text(yaml.safe_dump(data, allow_unicode=True), "t.yaml")
    assert [e.field for e in errors] == ["domains[0].indicators[2].thresholds.partial"]


def test_import_is_all_or_nothing(curriculum, tmp_path):
    good = write_tool(tmp_path, "good.yaml")
    bad_data = tool_data(code="QA-BAD")
    bad_data["domains"][1]["curricula"] = ["NO-SUCH-CURRICULUM"]
    bad = write_tool(tmp_path, "bad.yaml", bad_data)
    with pytest.raises(ImportRejected) as rejected:
        importer.import_tools(None, [good, bad], utcnow())
    db.session.rollback()
    assert [e.field for e in rejected.value.errors] == ["domains[1].curricula[0]"]
    assert "bad.yaml" in str(rejected.value)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QualityTool)) == 0


def test_unknown_competency_and_cadre(curriculum, tmp_path):
    data = tool_data()
    data["domains"][1]["indicators"][0]["competencies"] = ["TST-FW:NOPE"]
    data["domains"][2]["indicators"][0]["compute"]["cadres"] = ["ASTRONAUT"]
    with pytest.raises(ImportRejected) as rejected:
        importer.import_tools(None, [write_tool(tmp_path, data=data)], utcnow())
    assert {e.field for e in rejected.value.errors} == {
        "domains[1].indicators[0].competencies[0]",
        "domains[2].indicators[0].compute.cadres[0]",
    }


def test_links_merge_domain_and_indicator(curriculum, tmp_path):
    importer.import_tools(None, [write_tool(tmp_path)], utcnow())
    vignette = db.session.scalar(
        sa.select(QualityIndicator).where(QualityIndicator.code == "V-PPH")
    )
    assert vignette.curricula == ["TST-CUR"]
    assert [c.code for c in vignette.competencies] == ["D1.1"]


def test_a_published_version_never_changes(curriculum, tmp_path):
    path = write_tool(tmp_path)
    assert importer.import_tools(None, [path], utcnow())[0].action == "created"
    assert importer.import_tools(None, [path], utcnow())[0].action == "unchanged"
    changed = tool_data()
    changed["scoring"]["pass_percent"] = 80
    with pytest.raises(ImportRejected, match="already published"):
        importer.import_tools(None, [write_tool(tmp_path, "v1b.yaml", changed)], utcnow())
    assert (
        importer.import_tools(
            None, [write_tool(tmp_path, "v2.yaml", tool_data(version=2))], utcnow()
        )[0].action
        == "created"
    )


def test_the_cli_refuses_a_bad_file(runner, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_TYPE, encoding="utf-8")
    result = runner.invoke(args=["quality", "import", str(path)])
    assert result.exit_code == 1
    assert "line 13, field 'domains[0].indicators[0].answer'" in result.output
    assert "nothing was imported" in result.output


def test_the_shipped_tools_validate_and_import(app, runner):
    paths = sorted(TOOLS.glob("*.yaml"))
    assert len(paths) >= 2
    result = runner.invoke(args=["quality", "validate"])
    assert result.exit_code == 0, result.output
    load_curricula(utcnow())
    done = importer.import_tools(None, paths, utcnow())
    tools = {t.code: t for t in db.session.scalars(sa.select(QualityTool))}
    assert {d.code for d in done} >= {"QA-HC", "QA-RH"}
    for tool in tools.values():
        domains = {d.code for d in tool.domains}
        assert {"IPC", "MNC", "RESPECT", "CLIMATE", "MEDS", "WORKFORCE"} <= domains
        computed = [i for d in tool.domains for i in d.indicators if i.is_computed]
        assert computed and all(i.compute_curricula for i in computed)
        assert all(i.text_km and i.text_en for d in tool.domains for i in d.indicators)


def test_critical_indicators_need_a_cap():
    data = tool_data(scoring={"pass_percent": 70})
    _tool, errors = read_tool_text(yaml.safe_dump(data, allow_unicode=True), "t.yaml")
    assert [e.field for e in errors] == ["scoring"]


def test_tool_commands_take_folders(app, runner, tmp_path):
    result = runner.invoke(args=["quality", "validate", str(TOOLS)])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == len(list(TOOLS.glob("*.yaml")))
    for path in TOOLS.glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    bad = tmp_path / "zz-bad.yaml"
    bad.write_text(BAD_TYPE, encoding="utf-8")
    result = runner.invoke(args=["quality", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{bad}: line 13, field 'domains[0].indicators[0].answer'" in result.output
    bad.unlink()
    load_curricula(utcnow())
    result = runner.invoke(args=["quality", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert {t.code for t in db.session.scalars(sa.select(QualityTool))} >= {"QA-HC", "QA-RH"}
