import pytest

from lms.curricula import importer
from lms.curricula.services import find_curriculum
from lms.database import utcnow
from lms.extensions import db
from lms.frameworks.services import find_framework

from . import samples


@pytest.fixture
def loaded(app, tmp_path):
    """The sample framework and curriculum, imported; returns (framework, curriculum)."""
    fw = samples.write(tmp_path, "fw.yaml", samples.framework())
    cur = samples.write(tmp_path, "cur.yaml", samples.curriculum())
    importer.import_paths(None, [fw, cur], utcnow())
    db.session.commit()
    return find_framework("TST-FW", 1), find_curriculum("TST-CUR", 1)
