"""Frameworks in the database: writing and reading specs, the tree, versions and publishing."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import versioning
from ..errors import DomainError
from ..extensions import db
from ..users.models import Cadre
from .case import write_case_json
from .files import dump_data, framework_to_data, hash_data
from .models import Competency, Framework, ScaleLevel
from .moodle import write_moodle_csv
from .spec import CompetencySpec, FrameworkSpec, LevelSpec, ScaleSpec, Status, Text


def content_hash(spec: FrameworkSpec) -> str:
    """The SHA-256 of a framework's content; its status is left out (publishing is no edit)."""
    canonical = copy.deepcopy(spec)
    canonical.status = Status.DRAFT
    canonical.cadres = sorted(canonical.cadres)
    return hash_data(framework_to_data(canonical))


def export_text(framework: Framework, fmt: str, base_url: str) -> tuple[str, str]:
    """(text, file name) of a framework version as YAML, Moodle CSV or CASE JSON."""
    spec = read_framework(framework)
    stem = f"{framework.code}-v{framework.version}"
    if fmt == "moodle":
        return write_moodle_csv(spec), f"{stem}-moodle.csv"
    if fmt == "case":
        return write_case_json(spec, base_url), f"{stem}-case.json"
    return dump_data(framework_to_data(spec)), f"{stem}.yaml"


def cadres_by_code(codes: list[str]) -> tuple[list[Cadre], list[str]]:
    """The cadres with these codes, and the codes that match none."""
    found = {c.code: c for c in db.session.scalars(sa.select(Cadre).where(Cadre.code.in_(codes)))}
    return [found[c] for c in codes if c in found], [c for c in codes if c not in found]


def write_framework(spec: FrameworkSpec, framework: Framework | None = None) -> Framework:
    """Create a framework version from a spec, or make a draft match it.

    Competencies are matched by code, so that curricula mapped to a draft's competencies keep
    their links for the codes that remain.
    """
    cadres, unknown = cadres_by_code(spec.cadres)
    if unknown:
        raise DomainError(_l("Unknown cadre code %(code)s.", code=unknown[0]), "cadres")
    fw = framework or Framework(code=spec.code, version=spec.version)
    fw.status = spec.status
    fw.effective_date = spec.effective_date
    fw.title_km, fw.title_en = spec.title.km, spec.title.en or spec.code
    fw.description_km, fw.description_en = spec.description.km, spec.description.en
    fw.authority_km, fw.authority_en = spec.authority.km, spec.authority.en
    fw.scale_title_km, fw.scale_title_en = spec.scale.title.km, spec.scale.title.en
    fw.proficient_level = spec.scale.proficient
    fw.cadres = cadres
    fw.content_hash = content_hash(spec)
    db.session.add(fw)
    levels = {lv.value: lv for lv in fw.levels} if fw.id else {}
    wanted = []
    for lv in spec.scale.levels:
        level = levels.pop(lv.value, None) or ScaleLevel(value=lv.value)
        level.title_km, level.title_en = lv.title.km, lv.title.en or str(lv.value)
        level.description_km, level.description_en = lv.description.km, lv.description.en
        wanted.append(level)
    for gone in levels.values():
        db.session.delete(gone)
    fw.levels = wanted
    existing = {c.code: c for c in fw.competencies} if fw.id else {}
    by_code: dict[str, Competency] = {}
    positions: dict[str | None, int] = {}
    for node, depth, parent_code in spec.nodes():
        comp = existing.pop(node.code, None)
        if comp is None:
            comp = Competency(code=node.code, framework=fw)
            db.session.add(comp)
        comp.title_km, comp.title_en = node.title.km, node.title.en or node.code
        comp.description_km, comp.description_en = node.description.km, node.description.en
        comp.critical = node.critical
        comp.depth = depth
        comp.parent = by_code[parent_code] if parent_code else None
        comp.position = positions.get(parent_code, 0)
        positions[parent_code] = comp.position + 1
        by_code[node.code] = comp
    for gone in sorted(existing.values(), key=lambda c: -c.depth):
        db.session.delete(gone)
    db.session.flush()
    return fw


@dataclass
class TreeNode:
    competency: Competency
    children: list[TreeNode] = field(default_factory=list)


def competencies_of(framework_id: int) -> list[Competency]:
    """All of a framework's competencies in one query, parents before children."""
    return list(
        db.session.scalars(
            sa.select(Competency)
            .where(Competency.framework_id == framework_id)
            .order_by(Competency.depth, Competency.position, Competency.id)
        )
    )


def build_tree(competencies: list[Competency]) -> list[TreeNode]:
    """The competency tree from a flat list (parents listed before their children)."""
    nodes = {c.id: TreeNode(c) for c in competencies}
    roots: list[TreeNode] = []
    for comp in competencies:
        node = nodes[comp.id]
        parent = nodes.get(comp.parent_id) if comp.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def in_tree_order(competencies: list[Competency]) -> list[Competency]:
    """The competencies depth-first: a domain, then its competencies in order, then the next
    domain (`competencies` lists parents before children, as `competencies_of` does)."""

    def walk(nodes):
        for node in nodes:
            yield node.competency
            yield from walk(node.children)

    return list(walk(build_tree(competencies)))


def read_framework(framework: Framework) -> FrameworkSpec:
    """The spec of a framework version as stored (three queries whatever its size)."""

    def to_spec(node: TreeNode) -> CompetencySpec:
        c = node.competency
        return CompetencySpec(
            code=c.code,
            title=Text(c.title_km, c.title_en),
            description=Text(c.description_km, c.description_en),
            critical=c.critical,
            children=[to_spec(n) for n in node.children],
        )

    levels = db.session.scalars(
        sa.select(ScaleLevel)
        .where(ScaleLevel.framework_id == framework.id)
        .order_by(ScaleLevel.value)
    ).all()
    return FrameworkSpec(
        code=framework.code,
        version=framework.version,
        title=Text(framework.title_km, framework.title_en),
        scale=ScaleSpec(
            Text(framework.scale_title_km, framework.scale_title_en),
            [
                LevelSpec(
                    lv.value,
                    Text(lv.title_km, lv.title_en),
                    Text(lv.description_km, lv.description_en),
                )
                for lv in levels
            ],
            framework.proficient_level,
        ),
        competencies=[to_spec(n) for n in build_tree(competencies_of(framework.id))],
        status=Status(framework.status.value),
        effective_date=framework.effective_date,
        description=Text(framework.description_km, framework.description_en),
        authority=Text(framework.authority_km, framework.authority_en),
        cadres=[c.code for c in framework.cadres],
    )


def find_framework(code: str, version: int) -> Framework | None:
    """The framework version `version` of `code`, if it is stored."""
    return versioning.find_version(Framework, code, version)


def latest_versions(search: str | None = None, status: str | None = None) -> list[Framework]:
    """The newest version of each framework code, optionally filtered."""
    return versioning.latest_versions(Framework, search, status)


def versions_of(code: str) -> list[Framework]:
    """Every version of a framework code, newest first."""
    return versioning.versions_of(Framework, code)


# --- Versions and publishing -----------------------------------------------------------------


def new_draft_version(actor, framework: Framework, now) -> Framework:
    """A new draft version copied from `framework` (published versions never change)."""

    def copy(version: int) -> Framework:
        return write_framework(versioning.as_new_draft(read_framework(framework), version))

    return versioning.new_draft_version(actor, framework, now, copy)


def publish_framework(actor, framework: Framework, now) -> None:
    """Publish a draft; every text needs Khmer first."""
    versioning.require_draft(framework)
    spec = read_framework(framework)
    missing = spec.missing_khmer()
    if missing:
        raise DomainError(
            _l(
                "Write the Khmer for these before publishing: %(list)s",
                list=", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""),
            )
        )
    versioning.publish(actor, framework, now, content_hash(spec))


def retire_framework(actor, framework: Framework, now) -> None:
    """Retire a published framework version."""
    versioning.retire(actor, framework, now)


# --- Differences between versions ------------------------------------------------------------


@dataclass
class Change:
    code: str
    fields: list[str]
    old: CompetencySpec
    new: CompetencySpec


@dataclass
class FrameworkDiff:
    added: list[CompetencySpec]
    removed: list[CompetencySpec]
    changed: list[Change]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(old: FrameworkSpec, new: FrameworkSpec) -> FrameworkDiff:
    """Competencies added, removed and changed (title, description, critical, place)."""

    def index(spec):
        return {n.code: (n, parent) for n, _depth, parent in spec.nodes()}

    before, after = index(old), index(new)
    changed = []
    for code, (node, parent) in after.items():
        if code not in before:
            continue
        was, was_parent = before[code]
        fields = [
            name
            for name, a, b in (
                ("title_km", was.title.km, node.title.km),
                ("title_en", was.title.en, node.title.en),
                ("description_km", was.description.km, node.description.km),
                ("description_en", was.description.en, node.description.en),
                ("critical", was.critical, node.critical),
                ("parent", was_parent, parent),
            )
            if a != b
        ]
        if fields:
            changed.append(Change(code, fields, was, node))
    return FrameworkDiff(
        added=[n for code, (n, _p) in after.items() if code not in before],
        removed=[n for code, (n, _p) in before.items() if code not in after],
        changed=changed,
    )
