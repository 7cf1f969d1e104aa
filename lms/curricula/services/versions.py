"""Curriculum versions: listing them, publishing, retiring and new draft versions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ... import versioning
from ...errors import DomainError
from ...frameworks import services as frameworks
from ...frameworks.models import Framework
from ...frameworks.spec import Status
from ..models import Curriculum
from ..spec import CurriculumSpec
from .content import content_hash, read_curriculum, write_curriculum
from .coverage import coverage


def latest_versions(search: str | None = None, status: str | None = None) -> list[Curriculum]:
    """The newest version of each curriculum code, optionally filtered, with what the list
    shows of each (its framework and cadres)."""
    return versioning.latest_versions(
        Curriculum,
        search,
        status,
        selectinload(Curriculum.framework),
        selectinload(Curriculum.cadres),
    )


def versions_of(code: str) -> list[Curriculum]:
    """Every version of a curriculum code, newest first."""
    return versioning.versions_of(Curriculum, code)


def find_curriculum(code: str, version: int) -> Curriculum | None:
    """The curriculum version `version` of `code`, if it is stored."""
    return versioning.find_version(Curriculum, code, version)


class UncoveredRequirements(DomainError):
    """Publishing would leave required competencies that no instrument assesses."""

    def __init__(self, codes: list[str]):
        super().__init__(
            _l(
                "No instrument assesses these required competencies: %(codes)s",
                codes=", ".join(codes),
            )
        )
        self.codes = codes


def publish_curriculum(actor, curriculum: Curriculum, now, confirm_uncovered=False) -> None:
    """Publish a draft whose framework is published; uncovered requirements need confirming."""
    versioning.require_draft(curriculum)
    if curriculum.framework.status != Status.PUBLISHED:
        raise DomainError(_l("Publish the framework version this curriculum targets first."))
    spec = read_curriculum(curriculum)
    cover = coverage(spec, frameworks.read_framework(curriculum.framework))
    if cover.unassessed_required and not confirm_uncovered:
        raise UncoveredRequirements(cover.unassessed_required)
    versioning.publish(
        actor,
        curriculum,
        now,
        content_hash(spec),
        unassessed_required=cover.unassessed_required,
    )


def retire_curriculum(actor, curriculum: Curriculum, now) -> None:
    """Retire a published curriculum version."""
    versioning.retire(actor, curriculum, now)


def retargeted(spec: CurriculumSpec, framework: Framework) -> CurriculumSpec:
    """`spec` aimed at another framework version: competency codes it lacks are dropped."""
    codes = {c.code for c in frameworks.competencies_of(framework.id)}
    spec.required_competencies = [c for c in spec.required_competencies if c in codes]
    for m in spec.modules:
        for o in m.outcomes:
            o.competencies = [c for c in o.competencies if c in codes]
    for i in spec.instruments:
        i.competencies = [c for c in i.competencies if c in codes]
    spec.framework_code, spec.framework_version = framework.code, framework.version
    return spec


def new_draft_version(
    actor, curriculum: Curriculum, now, framework: Framework | None = None
) -> Curriculum:
    """A new draft version copied from `curriculum`, optionally retargeted to `framework`."""

    def copy(version: int) -> Curriculum:
        spec = read_curriculum(curriculum)
        if framework is not None:
            spec = retargeted(spec, framework)
        return write_curriculum(versioning.as_new_draft(spec, version), target)

    target = framework or curriculum.framework
    return versioning.new_draft_version(actor, curriculum, now, copy)
