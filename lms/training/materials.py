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
from ..curricula.models import Module
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..storage import Area, as_area
from ..text import has_khmer
from .models import Cohort, Material, MaterialKind
from .services import enrolment_of, reads_materials, require_manager


def _check(actor, cohort: Cohort, module_id: int, title_km: str, title_en: str) -> None:
    require_manager(actor, cohort)
    module = db.session.get(Module, module_id)
    if module is None or module.curriculum_id != cohort.curriculum_id:
        raise DomainError(_l("Choose a module of this cohort's curriculum."), "module_id")
    if not has_khmer(title_km):
        raise DomainError(_l("Write the title in Khmer script."), "title_km")
    if not title_en:
        raise DomainError(_l("The English title is required."), "title_en")


def _add(actor, cohort: Cohort, module_id: int, title_km, title_en, now, **fields) -> Material:
    material = Material(
        cohort_id=cohort.id,
        module_id=module_id,
        title_km=title_km,
        title_en=title_en,
        uploaded_by_id=getattr(actor, "id", None),
        created_at=now,
        **fields,
    )
    db.session.add(material)
    db.session.flush()
    return material


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
    """Store an uploaded file after checking its content, type and size (an empty
    `filename`: no file was chosen)."""
    if not filename:
        raise DomainError(_l("Choose a file."), "file")
    _check(actor, cohort, module_id, title_km, title_en)
    checked = uploads.check_upload(filename, data, max_bytes)
    store = as_area(folder)
    token = store.put(data, checked.sha256)
    try:
        material = _add(
            actor,
            cohort,
            module_id,
            title_km,
            title_en,
            now,
            kind=MaterialKind.FILE,
            token=token,
            original_name=checked.original_name,
            mime_type=checked.mime_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        audit.record(
            actor,
            "material.uploaded",
            material,
            now=now,
            cohort=cohort.code,
            sha256=checked.sha256,
            size=checked.size,
        )
    except Exception:
        store.delete(token)  # no row will point at it
        raise
    return material


def add_link(
    actor, cohort: Cohort, module_id: int, title_km: str, title_en: str, url: str, now: datetime
) -> Material:
    """A link to material elsewhere (http or https only)."""
    _check(actor, cohort, module_id, title_km, title_en)
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise DomainError(_l("Give a web address starting with http:// or https://."), "url")
    material = _add(
        actor, cohort, module_id, title_km, title_en, now, kind=MaterialKind.LINK, url=url.strip()
    )
    audit.record(actor, "material.linked", material, now=now, url=material.url)
    return material


def delete(actor, material: Material, now: datetime) -> str | None:
    """Delete a material's row; returns the stored file's token, to remove after commit."""
    cohort = db.session.get(Cohort, material.cohort_id)
    require_manager(actor, cohort)
    token = material.token
    db.session.delete(material)
    db.session.flush()
    audit.record(actor, "material.deleted", material, now=now, cohort=cohort.code)
    return token


def for_download(user, material: Material, folder: Area | Path) -> BinaryIO:
    """The stored file, opened for reading, for a user who may read it (NotFound when the
    file is gone)."""
    cohort = db.session.get(Cohort, material.cohort_id)
    if not reads_materials(user, cohort, enrolment_of(user, cohort)):
        raise Forbidden(_l("Only this cohort's trainees and instructors may open it."))
    try:
        return as_area(folder).open(material.token)
    except FileNotFoundError:
        raise NotFound(_l("Page not found")) from None


def of_cohort(cohort: Cohort) -> dict[int, list[Material]]:
    """Materials by module id."""
    found: dict[int, list[Material]] = {}
    for material in db.session.scalars(
        sa.select(Material).where(Material.cohort_id == cohort.id).order_by(Material.created_at)
    ):
        found.setdefault(material.module_id, []).append(material)
    return found
