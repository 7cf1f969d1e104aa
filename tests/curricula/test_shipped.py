"""The frameworks and curricula shipped in curricula/ stay valid and complete."""

import sqlalchemy as sa
import yaml

from lms.config import ROOT
from lms.curricula import services as curricula
from lms.curricula.models import Curriculum
from lms.demo import CURRICULA
from lms.extensions import db
from lms.frameworks import services as frameworks
from lms.frameworks.models import Framework
from lms.frameworks.spec import Status


def test_shipped_files_validate(runner):
    result = runner.invoke(args=["curricula", "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == len(list(CURRICULA.glob("*.yaml"))) == 7


def test_shipped_files_import_published_complete_and_bilingual(runner):
    result = runner.invoke(args=["curricula", "import"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    codes = set(db.session.scalars(sa.select(Framework.code)))
    assert codes == {"MW-CORE", "IPC-CORE", "CLIMATE-HC"}
    midwifery = frameworks.find_framework("MW-CORE", 1)
    domains = [c for c in frameworks.competencies_of(midwifery.id) if c.depth == 0]
    assert len(domains) == 7  # the Midwives Council registers by seven core domains
    for curriculum in db.session.scalars(sa.select(Curriculum)):
        assert curriculum.status == Status.PUBLISHED
        spec = curricula.read_curriculum(curricula.load_curriculum(curriculum.id))
        cover = curricula.coverage(spec, frameworks.read_framework(curriculum.framework))
        assert cover.unassessed_required == [], curriculum.code
        assert spec.title.km and spec.title.en
        assert frameworks.read_framework(curriculum.framework).missing_khmer() == []
    again = runner.invoke(args=["curricula", "import"])
    assert again.output.count("unchanged") == 7


def test_basic_emonc_covers_the_seven_signal_functions():
    doc = yaml.safe_load((CURRICULA / "emonc-basic.yaml").read_text(encoding="utf-8"))
    stations = [i for i in doc["instruments"] if i["type"] == "osce"]
    assert len(stations) >= 7
    assert any(i["type"] == "knowledge_test" for i in doc["instruments"])


def test_the_shipped_curricula_show_both_ways_of_renewal(runner):
    """Basic EmONC is renewed by its refresher, IPC basics on CPD credits (the demo renews
    both)."""
    assert runner.invoke(args=["curricula", "import"]).exit_code == 0
    bemonc, ipc = curricula.find_curriculum("BEMONC", 1), curricula.find_curriculum("IPC-BASIC", 1)
    refresher = curricula.find_curriculum(bemonc.renewed_by, 1)
    assert refresher.kind.value == "refresher" and refresher.framework_id == bemonc.framework_id
    assert bemonc.validity_months and not bemonc.renewal_cpd_credits
    assert ipc.validity_months and ipc.renewal_cpd_credits == 6 and not ipc.renewed_by


def test_validate_and_import_take_folders(runner, tmp_path):
    result = runner.invoke(args=["curricula", "validate", str(ROOT / "curricula") + "/"])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == 7
    for path in CURRICULA.glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "notes.txt").write_text("not a data file")
    result = runner.invoke(args=["curricula", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(db.session.scalars(sa.select(Framework.code)).all()) == 3


def test_a_folder_with_one_broken_file_fails_naming_it(runner, tmp_path):
    for path in CURRICULA.glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    broken = tmp_path / "zz-broken.yaml"
    broken.write_text("kind: framework\ncode: [A, B]\nversion: 1\n", encoding="utf-8")
    for command in ("validate", "import"):
        result = runner.invoke(args=["curricula", command, str(tmp_path)])
        assert result.exit_code == 1, result.output
        assert f"{broken}: line 2, field 'code'" in result.output
        assert "nothing was imported" in result.output
    assert db.session.scalars(sa.select(Framework)).first() is None


def test_a_folder_without_data_files_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["curricula", "validate", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path}: no data files here" in result.output
