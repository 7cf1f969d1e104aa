"""The roles an account may hold: what the access rules of every domain are written in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..enums import LabelledEnum


class Role(LabelledEnum):
    TRAINEE = "trainee", _l("Trainee")
    INSTRUCTOR = "instructor", _l("Instructor")
    OFFICER = "accreditation_officer", _l("Accreditation officer")
    QUALITY_ASSESSOR = "quality_assessor", _l("Quality assessor")
    ADMIN = "admin", _l("Administrator")
