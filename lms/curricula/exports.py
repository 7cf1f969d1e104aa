"""Exporting a framework or curriculum version as YAML, Moodle CSV or CASE JSON."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import versioning
from ..errors import DomainError
from ..frameworks import services as frameworks
from ..frameworks.models import Framework
from . import files
from . import services as curricula
from .models import Curriculum


def curriculum_text(curriculum: Curriculum) -> tuple[str, str]:
    """(YAML text, file name) of a curriculum version."""
    spec = curricula.read_curriculum(curricula.load_curriculum(curriculum.id))
    return files.dump(spec), f"{curriculum.code}-v{curriculum.version}.yaml"


def export_text(code: str, version: int | None, fmt: str) -> tuple[str, str]:
    """Find a framework (or else a curriculum) by code and export it."""
    framework = versioning.find_version(Framework, code, version)
    if framework is not None:
        return frameworks.export_text(framework, fmt, current_app.config["LMS_BASE_URL"])
    curriculum = versioning.find_version(Curriculum, code, version)
    if curriculum is None:
        raise DomainError(_l("No framework or curriculum has the code %(code)s.", code=code))
    if fmt != "yaml":
        raise DomainError(_l("Curricula are exported as YAML only."))
    return curriculum_text(curriculum)
