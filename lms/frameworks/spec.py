"""Competency frameworks as plain data: what files, exports and the database exchange.

A spec is independent of the database and of any file format. The YAML loader, the Moodle
CSV and CASE JSON converters produce specs; the importer writes them to the database; the
exporters read the database back into specs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..versioning import Status  # the status of a version; specs and models name it from here


@dataclass(frozen=True)
class Text:
    """A text in Khmer and in English (either may be missing while a draft is incomplete)."""

    km: str | None = None
    en: str | None = None

    def __bool__(self) -> bool:
        return bool(self.km or self.en)


@dataclass
class LevelSpec:
    value: int
    title: Text
    description: Text = field(default_factory=Text)


@dataclass
class ScaleSpec:
    title: Text
    levels: list[LevelSpec]
    proficient: int  # the value of the minimum proficient level


@dataclass
class CompetencySpec:
    code: str
    title: Text
    description: Text = field(default_factory=Text)
    critical: bool = False
    children: list[CompetencySpec] = field(default_factory=list)

    def walk(self, depth: int = 0):
        """This node and its descendants, depth first, with their depth."""
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass
class FrameworkSpec:
    code: str
    version: int
    title: Text
    scale: ScaleSpec
    competencies: list[CompetencySpec]
    status: Status = Status.DRAFT
    effective_date: date | None = None
    description: Text = field(default_factory=Text)
    authority: Text = field(default_factory=Text)
    cadres: list[str] = field(default_factory=list)

    def nodes(self):
        """Every competency with its depth and its parent's code, depth first."""

        def visit(nodes, depth, parent):
            for node in nodes:
                yield node, depth, parent
                yield from visit(node.children, depth + 1, node.code)

        yield from visit(self.competencies, 0, None)

    def codes(self) -> set[str]:
        return {node.code for node, _depth, _parent in self.nodes()}

    def missing_khmer(self) -> list[str]:
        """Paths of texts that have English but no Khmer (a draft from Moodle, say)."""
        missing = []
        if not self.title.km:
            missing.append("title")
        for index, level in enumerate(self.scale.levels):
            if not level.title.km:
                missing.append(f"scale.levels[{index}].title")
        for node, _depth, _parent in self.nodes():
            if not node.title.km:
                missing.append(f"competency {node.code}")
        return missing
