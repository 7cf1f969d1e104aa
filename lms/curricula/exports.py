"""Exporting a framework or curriculum version as YAML, Moodle CSV or CASE JSON."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from ..extensions import db
from ..frameworks import services as frameworks
from ..frameworks.models import Framework
from . import files
from . import services as curricula
from .models import Curriculum


class ExportError(DomainError):
    pass


def _newest(model, code: str, version: int | None):
    stmt = sa.select(model).where(model.code == code)
    if version is not None:
        stmt = stmt.where(model.version == version)
    return db.session.scalar(stmt.order_by(model.version.desc()).limit(1))


def curriculum_text(curriculum: Curriculum) -> tuple[str, str]:
    spec = curricula.read_curriculum(curricula.load_curriculum(curriculum.id))
    return files.dump(spec), f"{curriculum.code}-v{curriculum.version}.yaml"


def export_text(code: str, version: int | None, fmt: str) -> tuple[str, str]:
    """Find a framework (or else a curriculum) by code and export it."""
    framework = _newest(Framework, code, version)
    if framework is not None:
        return frameworks.export_text(framework, fmt, current_app.config["LMS_BASE_URL"])
    curriculum = _newest(Curriculum, code, version)
    if curriculum is None:
        raise ExportError(_l("No framework or curriculum has the code %(code)s.", code=code))
    if fmt != "yaml":
        raise ExportError(_l("Curricula are exported as YAML only."))
    return curriculum_text(curriculum)
