"""The frameworks and curricula shipped in curricula/ stay valid and complete."""

import sqlalchemy as sa

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
    assert result.output.count("ok ") == len(list(CURRICULA.glob("*.yaml"))) == 6


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
    assert again.output.count("unchanged") == 6


def test_basic_emonc_covers_the_seven_signal_functions():
    import yaml

    doc = yaml.safe_load((CURRICULA / "emonc-basic.yaml").read_text(encoding="utf-8"))
    stations = [i for i in doc["instruments"] if i["type"] == "osce"]
    assert len(stations) >= 7
    assert any(i["type"] == "knowledge_test" for i in doc["instruments"])
