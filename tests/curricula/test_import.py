"""Importing: all or nothing, idempotent, published versions immutable, drafts replaced."""

import pytest
import sqlalchemy as sa

from lms.curricula import exports, files, importer
from lms.curricula.models import Curriculum, Instrument, Question
from lms.database import utcnow
from lms.errors import ImportRejected
from lms.extensions import db
from lms.frameworks import services as frameworks
from lms.frameworks.models import Competency, Framework
from lms.frameworks.spec import Status

from . import samples


def _import(*paths, allow_uncovered=False):
    done = importer.import_paths(None, list(paths), utcnow(), allow_uncovered)
    db.session.commit()
    return [(d.kind, d.code, d.action) for d in done]


def _counts():
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Framework, Competency, Curriculum, Instrument, Question)
    )


def test_import_then_reimport_changes_nothing(app, tmp_path):
    fw = samples.write(tmp_path, "fw.yaml", samples.framework())
    cur = samples.write(tmp_path, "cur.yaml", samples.curriculum())
    assert _import(fw, cur) == [
        ("framework", "TST-FW", "created"),
        ("curriculum", "TST-CUR", "created"),
    ]
    before = _counts()
    assert before == (1, 5, 1, 3, 1)
    assert _import(fw, cur) == [
        ("framework", "TST-FW", "unchanged"),
        ("curriculum", "TST-CUR", "unchanged"),
    ]
    assert _counts() == before


def test_one_bad_file_leaves_the_database_unchanged(app, tmp_path):
    good = samples.write(tmp_path, "fw.yaml", samples.framework())
    bad = samples.curriculum()
    bad["instruments"][0]["competencies"] = ["NOPE"]
    bad_path = samples.write(tmp_path, "cur.yaml", bad)
    with pytest.raises(ImportRejected) as rejected:
        _import(good, bad_path)
    db.session.rollback()
    assert _counts() == (0, 0, 0, 0, 0)
    assert rejected.value.errors[0].field == "instruments[0].competencies[0]"


def test_a_changed_published_version_is_refused(app, tmp_path):
    fw = samples.write(tmp_path, "fw.yaml", samples.framework())
    _import(fw)
    changed = samples.framework()
    changed["competencies"][1]["title"]["en"] = "Domain two, renamed"
    samples.write(tmp_path, "fw.yaml", changed)
    with pytest.raises(ImportRejected) as rejected:
        _import(fw)
    db.session.rollback()
    assert "raise the version number" in str(rejected.value.errors[0].message)
    assert rejected.value.errors[0].line == 3  # `version:` line
    changed["version"] = 2
    samples.write(tmp_path, "fw.yaml", changed)
    assert _import(fw) == [("framework", "TST-FW", "created")]
    titles = dict(db.session.execute(sa.select(Framework.version, Framework.id)).all())
    assert set(titles) == {1, 2}


def test_a_draft_is_replaced_and_keeps_links_for_remaining_codes(app, tmp_path):
    draft = samples.framework(status="draft")
    fw = samples.write(tmp_path, "fw.yaml", draft)
    _import(fw)
    kept = db.session.scalar(sa.select(Competency.id).where(Competency.code == "D1.2"))
    draft["competencies"][1]["code"] = "D3"
    samples.write(tmp_path, "fw.yaml", draft)
    assert _import(fw) == [("framework", "TST-FW", "replaced")]
    codes = set(db.session.scalars(sa.select(Competency.code)))
    assert codes == {"D1", "D1.1", "D1.1.1", "D1.2", "D3"}
    assert db.session.scalar(sa.select(Competency.id).where(Competency.code == "D1.2")) == kept


def test_published_may_be_retired_but_not_made_draft(app, tmp_path):
    fw = samples.write(tmp_path, "fw.yaml", samples.framework())
    _import(fw)
    samples.write(tmp_path, "fw.yaml", samples.framework(status="retired"))
    assert _import(fw) == [("framework", "TST-FW", "status")]
    samples.write(tmp_path, "fw.yaml", samples.framework(status="draft"))
    with pytest.raises(ImportRejected):
        _import(fw)


def test_uncovered_required_competency_needs_confirmation(app, tmp_path):
    fw = samples.write(tmp_path, "fw.yaml", samples.framework())
    doc = samples.curriculum()
    doc["completion"]["required_competencies"].append("D2")
    cur = samples.write(tmp_path, "cur.yaml", doc)
    with pytest.raises(ImportRejected) as rejected:
        _import(fw, cur)
    db.session.rollback()
    assert "D2" in str(rejected.value.errors[0].message)
    assert _counts() == (0, 0, 0, 0, 0)
    _import(fw, cur, allow_uncovered=True)
    assert _counts()[2] == 1


def test_published_curriculum_needs_a_published_framework(app, tmp_path):
    fw = samples.write(tmp_path, "fw.yaml", samples.framework(status="draft"))
    cur = samples.write(tmp_path, "cur.yaml", samples.curriculum())
    with pytest.raises(ImportRejected) as rejected:
        _import(fw, cur)
    assert rejected.value.errors[0].field == "framework"


def test_unknown_cadre_is_refused(app, tmp_path):
    fw = samples.write(tmp_path, "fw.yaml", samples.framework(cadres=["ASTRONAUT"]))
    with pytest.raises(ImportRejected) as rejected:
        _import(fw)
    assert rejected.value.errors[0].field == "cadres"


def test_yaml_round_trip_through_the_database(app, tmp_path):
    fw = samples.write(tmp_path, "fw.yaml", samples.framework())
    cur = samples.write(tmp_path, "cur.yaml", samples.curriculum(renewal_cpd_credits=20))
    _import(fw, cur)
    fw_text, _ = exports.export_text("TST-FW", None, "yaml")
    cur_text, _ = exports.export_text("TST-CUR", None, "yaml")
    assert "renewal_cpd_credits: 20\n" in cur_text
    samples.write(tmp_path, "fw.yaml", fw_text)
    samples.write(tmp_path, "cur.yaml", cur_text)
    assert _import(fw, cur) == [
        ("framework", "TST-FW", "unchanged"),
        ("curriculum", "TST-CUR", "unchanged"),
    ]


@pytest.mark.parametrize("fmt,suffix", [("moodle", "csv"), ("case", "json")])
def test_interchange_round_trip_gives_the_same_tree(app, tmp_path, fmt, suffix):
    fw = samples.write(tmp_path, "fw.yaml", samples.framework())
    _import(fw)
    original = frameworks.read_framework(frameworks.find_framework("TST-FW", 1))
    text, _name = exports.export_text("TST-FW", None, fmt)
    samples.write(tmp_path, f"copy.{suffix}", text.replace("TST-FW", "TST-COPY"))
    loaded, errors = files.read_files([tmp_path / f"copy.{suffix}"])
    assert errors == []
    back = loaded[0].spec
    assert back.code == "TST-COPY" and back.version == 1
    assert back.competencies == original.competencies
    assert back.scale == original.scale and back.title == original.title


def test_moodle_framework_imports_as_draft_listing_missing_khmer(app, tmp_path, runner):
    path = tmp_path / "moodle.csv"
    path.write_text(
        '"Parent ID number","ID number","Short name","Description","Description format",'
        '"Scale values","Scale configuration","Rule type (optional)","Rule outcome (optional)",'
        '"Rule config (optional)","Cross-referenced competency ID numbers",'
        '"Exported ID (optional)","Is framework","Taxonomy"\n'
        ',"NURSE-X","Nursing basics","",1,"Not yet competent,Competent",'
        '"[{""scaleid"":""2""},{""id"":1,""scaledefault"":1,""proficient"":0},'
        '{""id"":2,""scaledefault"":0,""proficient"":1}]",,,,,,1,"domain,competency"\n'
        ',"NX-1","Patient safety","",1,,,,0,null,,2,,\n'
        '"NX-1","NX-1.1","Identifies the patient","",1,,,,0,null,,3,,\n',
        encoding="utf-8",
    )
    result = runner.invoke(args=["curricula", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "created   framework NURSE-X version 1" in result.output
    assert "competency NX-1.1" in result.output
    framework = db.session.scalar(sa.select(Framework).where(Framework.code == "NURSE-X"))
    assert framework.status == Status.DRAFT
