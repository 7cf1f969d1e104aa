"""Editing a draft framework's competency tree: add, rename, move and delete nodes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import versioning
from ..audit import services as audit
from ..errors import DomainError
from ..extensions import db
from . import services
from .models import Competency, Framework
from .reader import CODE_RE, KHMER_RE
from .spec import LevelSpec, Text


@dataclass
class NodeData:
    code: str
    title_km: str | None
    title_en: str
    description_km: str | None = None
    description_en: str | None = None
    critical: bool = False
    parent_id: int | None = None


def _siblings(framework: Framework, parent_id: int | None) -> list[Competency]:
    return list(
        db.session.scalars(
            sa.select(Competency)
            .where(
                Competency.framework_id == framework.id,
                Competency.parent_id.is_(None)
                if parent_id is None
                else Competency.parent_id == parent_id,
            )
            .order_by(Competency.position, Competency.id)
        )
    )


def _renumber(nodes: list[Competency]) -> None:
    for position, node in enumerate(nodes):
        node.position = position


def _descendants(framework: Framework, node: Competency) -> list[Competency]:
    children: dict[int | None, list[Competency]] = {}
    for comp in services.competencies_of(framework.id):
        children.setdefault(comp.parent_id, []).append(comp)
    found, stack = [], list(children.get(node.id, []))
    while stack:
        comp = stack.pop()
        found.append(comp)
        stack.extend(children.get(comp.id, []))
    return found


def _touch(framework: Framework) -> None:
    db.session.flush()
    framework.content_hash = services.content_hash(services.read_framework(framework))


def save_competency(
    actor, framework: Framework, data: NodeData, now, competency: Competency | None = None
) -> Competency:
    """Add a node under `data.parent_id`, or change one; codes stay unique in the framework."""
    versioning.require_draft(framework)
    if not CODE_RE.match(data.code or ""):
        raise DomainError(
            _l("A code has 1 to 40 letters, digits, dots, dashes or underscores."), "code"
        )
    if not data.title_km or not KHMER_RE.search(data.title_km):
        raise DomainError(_l("The Khmer title is required, in Khmer script."), "title_km")
    clash = db.session.scalar(
        sa.select(Competency.id).where(
            Competency.framework_id == framework.id, Competency.code == data.code
        )
    )
    if clash and (competency is None or clash != competency.id):
        raise DomainError(_l("Another competency already has this code."), "code")
    parent = None
    if data.parent_id is not None:
        parent = db.session.get(Competency, data.parent_id)
        if parent is None or parent.framework_id != framework.id:
            raise DomainError(_l("Choose a parent from this framework."), "parent_id")
        if competency is not None and (
            parent.id == competency.id or parent in _descendants(framework, competency)
        ):
            raise DomainError(_l("A competency cannot be placed under itself."), "parent_id")
    created = competency is None
    if created:
        competency = Competency(
            framework_id=framework.id, position=len(_siblings(framework, data.parent_id))
        )
        db.session.add(competency)
    moved = not created and competency.parent_id != data.parent_id
    old_parent = competency.parent_id
    competency.code, competency.critical = data.code, data.critical
    competency.title_km, competency.title_en = data.title_km, data.title_en
    competency.description_km = data.description_km
    competency.description_en = data.description_en
    competency.parent_id = data.parent_id
    competency.depth = parent.depth + 1 if parent else 0
    if moved:
        competency.position = len(_siblings(framework, data.parent_id))
        for node in _descendants(framework, competency):
            node.depth = (node.parent.depth if node.parent else -1) + 1
        db.session.flush()
        _renumber([s for s in _siblings(framework, old_parent) if s.id != competency.id])
    _touch(framework)
    audit.record(
        actor,
        "competency.created" if created else "competency.updated",
        competency,
        now=now,
        framework=framework.id,
        code=data.code,
    )
    return competency


def move_competency(actor, framework: Framework, competency: Competency, step: int, now) -> None:
    """Move a node up (-1) or down (+1) among its siblings."""
    versioning.require_draft(framework)
    siblings = _siblings(framework, competency.parent_id)
    index = siblings.index(competency)
    target = index + step
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        _renumber(siblings)
        _touch(framework)
        audit.record(actor, "competency.moved", competency, now=now, step=step)


def delete_competency(actor, framework: Framework, competency: Competency, now) -> None:
    """Delete a node and everything under it."""
    versioning.require_draft(framework)
    gone = [competency, *_descendants(framework, competency)]
    parent_id = competency.parent_id
    for node in sorted(gone, key=lambda c: -c.depth):
        db.session.delete(node)
    db.session.flush()
    _renumber(_siblings(framework, parent_id))
    _touch(framework)
    audit.record(
        actor,
        "competency.deleted",
        competency,
        now=now,
        framework=framework.id,
        codes=[c.code for c in gone],
    )


@dataclass
class DetailsData:
    title: Text
    description: Text
    authority: Text
    scale_title: Text
    level_titles: dict[int, Text]  # level value -> its title
    proficient: int
    effective_date: date | None = None
    cadres: list[str] | None = None


def save_details(actor, framework: Framework, data: DetailsData, now) -> None:
    """Change a draft's titles, authority, scale wording and minimum proficient level."""
    versioning.require_draft(framework)
    spec = services.read_framework(framework)
    if data.proficient not in {lv.value for lv in spec.scale.levels}:
        raise DomainError(
            _l("The proficient level must be one of the scale's values."), "proficient"
        )
    for name in ("title", "description", "authority", "scale_title"):
        text = getattr(data, name)
        if text.km and not KHMER_RE.search(text.km):
            raise DomainError(_l("The Khmer text must be written in Khmer."), f"{name}_km")
    spec.title, spec.description, spec.authority = data.title, data.description, data.authority
    spec.scale.title, spec.scale.proficient = data.scale_title, data.proficient
    spec.scale.levels = [
        LevelSpec(lv.value, data.level_titles.get(lv.value, lv.title), lv.description)
        for lv in spec.scale.levels
    ]
    spec.effective_date = data.effective_date
    if data.cadres is not None:
        spec.cadres = data.cadres
    services.write_framework(spec, framework)
    versioning.record_event(actor, framework, "details_edited", now)
