"""Where a curriculum teaches and assesses each competency of its framework."""

from __future__ import annotations

from dataclasses import dataclass

from ...frameworks.spec import FrameworkSpec, Text
from ..spec import CurriculumSpec, ModuleSpec


@dataclass
class CoverageRow:
    code: str
    title: Text
    depth: int
    critical: bool
    required: bool
    taught: list[bool]  # per module
    assessed: list[bool]  # per module
    assessed_anywhere: bool


@dataclass
class Coverage:
    modules: list[ModuleSpec]
    rows: list[CoverageRow]
    unassessed_required: list[str]


def coverage(curriculum: CurriculumSpec, framework: FrameworkSpec) -> Coverage:
    """Where each competency is taught and assessed, module by module.

    A required competency that no instrument assesses is flagged: the curriculum cannot show
    that its graduates are competent in it.
    """
    taught = {m.code: {c for o in m.outcomes for c in o.competencies} for m in curriculum.modules}
    assessed: dict[str | None, set[str]] = {}
    for instrument in curriculum.instruments:
        assessed.setdefault(instrument.module, set()).update(instrument.competencies)
    anywhere = set().union(*assessed.values()) if assessed else set()
    required = set(curriculum.required_competencies)
    mapped = required | anywhere | set().union(set(), *taught.values())
    nodes = list(framework.nodes())
    # Rows go as deep as the curriculum maps, so criteria do not bury the competencies.
    deepest = max((depth for node, depth, _p in nodes if node.code in mapped), default=0)
    rows = [
        CoverageRow(
            code=node.code,
            title=node.title,
            depth=depth,
            critical=node.critical,
            required=node.code in required,
            taught=[node.code in taught[m.code] for m in curriculum.modules],
            assessed=[node.code in assessed.get(m.code, set()) for m in curriculum.modules],
            assessed_anywhere=node.code in anywhere,
        )
        for node, depth, _parent in nodes
        if depth <= deepest
    ]
    return Coverage(
        curriculum.modules, rows, [c for c in curriculum.required_competencies if c not in anywhere]
    )
