"""Learning materials of a cohort's modules: uploaded files (checked by content) or links."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import uploads
from ..audit import services as audit
from ..auth.roles import Role
from ..curricula.models import Module
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..storage import Area, as_area
from ..text import has_khmer
from .models import Cohort, EnrolmentStatus, Material, MaterialKind
from .services import enrolment_of, manages, require_manager


def _check(cohort: Cohort, module_id: int, title_km: str, title_en: str) -> None:
    module = db.session.get(Module, module_id)
    if module is None or module.curriculum_id != cohort.curriculum_id:
        raise DomainError(_l("Choose a module of this cohort's curriculum."), "module_id")
    if not has_khmer(title_km):
        raise DomainError(_l("Write the title in Khmer script."), "title_km")
    if not title_en:
        raise DomainError(_l("The English title is required."), "title_en")


def add_file(
    actor,
    cohort: Cohort,
    module_id: int,
    title_km: str,
    title_en: str,
    filename: str,
    data: bytes,
    folder: Path,
    max_bytes: int,
    now: datetime,
) -> Material:
    """Store an uploaded file after checking its content, type and size."""
    require_manager(actor, cohort)
    _check(cohort, module_id, title_km, title_en)
    checked = uploads.check_upload(filename, data, max_bytes)
    store = as_area(folder)
    token = store.put(data, checked.sha256)
    try:
        return _record_file(actor, cohort, module_id, title_km, title_en, checked, token, now)
    except Exception:
        store.delete(token)  # no row will point at it
        raise


def _record_file(actor, cohort, module_id, title_km, title_en, checked, token, now):
    material = Material(
        cohort_id=cohort.id,
        module_id=module_id,
        kind=MaterialKind.FILE,
        title_km=title_km,
        title_en=title_en,
        token=token,
        original_name=checked.original_name,
        mime_type=checked.mime_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by_id=getattr(actor, "id", None),
        created_at=now,
    )
    db.session.add(material)
    db.session.flush()
    audit.record(
        actor,
        "material.uploaded",
        "material",
        material.id,
        {"cohort": cohort.code, "sha256": checked.sha256, "size": checked.size},
        now=now,
    )
    return material


def add_link(
    actor, cohort: Cohort, module_id: int, title_km: str, title_en: str, url: str, now: datetime
) -> Material:
    """A link to material elsewhere (http or https only)."""
    require_manager(actor, cohort)
    _check(cohort, module_id, title_km, title_en)
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise DomainError(_l("Give a web address starting with http:// or https://."), "url")
    material = Material(
        cohort_id=cohort.id,
        module_id=module_id,
        kind=MaterialKind.LINK,
        title_km=title_km,
        title_en=title_en,
        url=url.strip(),
        uploaded_by_id=getattr(actor, "id", None),
        created_at=now,
    )
    db.session.add(material)
    db.session.flush()
    audit.record(actor, "material.linked", "material", material.id, {"url": material.url}, now=now)
    return material


def delete(actor, material: Material) -> str | None:
    """Delete a material's row; returns the stored file's token, to remove after commit."""
    cohort = db.session.get(Cohort, material.cohort_id)
    require_manager(actor, cohort)
    token = material.token
    db.session.delete(material)
    db.session.flush()
    audit.record(actor, "material.deleted", "material", material.id, {"cohort": cohort.code})
    return token


def may_read(user, cohort: Cohort) -> bool:
    """Managers, officers, and trainees enrolled in the cohort."""
    if manages(user, cohort) or user.has_role(Role.OFFICER):
        return True
    enrolment = enrolment_of(user, cohort)
    return enrolment is not None and enrolment.status == EnrolmentStatus.ENROLLED


def for_download(user, material: Material, folder: Area | Path) -> BinaryIO:
    """The stored file, opened for reading, for a user who may read it."""
    cohort = db.session.get(Cohort, material.cohort_id)
    if not may_read(user, cohort):
        raise Forbidden(_l("Only this cohort's trainees and instructors may open it."))
    return as_area(folder).open(material.token)


def of_cohort(cohort: Cohort) -> dict[int, list[Material]]:
    """Materials by module id."""
    found: dict[int, list[Material]] = {}
    for material in db.session.scalars(
        sa.select(Material).where(Material.cohort_id == cohort.id).order_by(Material.created_at)
    ):
        found.setdefault(material.module_id, []).append(material)
    return found
