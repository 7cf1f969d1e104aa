"""Importing framework and curriculum files: all of them or none.

Rules: an unchanged file changes nothing; a draft is replaced by its file; a published version
never changes (a different file with the same code and version is refused: raise the version);
a published or retired version may only move between published and retired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..errors import DomainError, ImportRejected, RowError
from ..frameworks import services as frameworks
from ..frameworks.spec import FrameworkSpec, Status
from . import files
from . import services as curricula
from .spec import CurriculumSpec

ALLOWED_MOVES = {(Status.PUBLISHED, Status.RETIRED), (Status.RETIRED, Status.PUBLISHED)}


@dataclass
class Imported:
    kind: str  # "framework" or "curriculum"
    code: str
    version: int
    action: str  # created, replaced, unchanged, status
    source: str
    missing_khmer: list[str] = field(default_factory=list)
    unassessed_required: list[str] = field(default_factory=list)


def known_frameworks(code: str, version: int) -> FrameworkSpec | None:
    framework = frameworks.find_framework(code, version)
    return frameworks.read_framework(framework) if framework else None


def import_paths(actor, paths: list[Path], now, allow_uncovered: bool = False) -> list[Imported]:
    """Read, check and import files in the caller's transaction; ImportRejected on any error."""
    loaded, errors = files.read_files(paths, known_frameworks)
    if errors:
        raise ImportRejected(errors)
    return import_loaded(actor, loaded, now, allow_uncovered)


def import_loaded(
    actor, loaded: list[files.LoadedFile], now, allow_uncovered: bool = False
) -> list[Imported]:
    errors: list[RowError] = []
    done: list[Imported] = []
    ordered = sorted(loaded, key=lambda item: isinstance(item.spec, CurriculumSpec))
    for item in ordered:
        try:
            if isinstance(item.spec, FrameworkSpec):
                done.append(_framework(actor, item, now))
            else:
                done.append(_curriculum(actor, item, now, allow_uncovered))
        except DomainError as error:
            errors.append(
                RowError(
                    item.reader.line(error.field or ""),
                    error.field or "",
                    error.message,
                    item.source,
                )
            )
    if errors:
        raise ImportRejected(errors)
    return done


def _check_version(existing, spec, kind: str, content_hash) -> str | None:
    """The action for an existing version, or None to (re)write its content."""
    if existing.status == Status.DRAFT:
        return None
    if existing.content_hash != content_hash(spec):
        raise DomainError(
            _l(
                "%(kind)s %(code)s version %(version)s is published and differs from this file. "
                "Published versions never change: raise the version number.",
                kind=kind,
                code=spec.code,
                version=spec.version,
            ),
            "version",
        )
    if Status(existing.status.value) == spec.status:
        return "unchanged"
    if (Status(existing.status.value), spec.status) not in ALLOWED_MOVES:
        raise DomainError(_l("A published version cannot become a draft again."), "status")
    return "status"


def _store(actor, result: Imported, spec, existing, content_hash, write, now) -> Imported:
    """Apply the version rules to one spec and write it when they allow (shared by both kinds)."""
    if existing is not None:
        action = _check_version(existing, spec, result.kind.capitalize(), content_hash)
        if action == "unchanged":
            result.action = action
            return result
        if action == "status":
            existing.status = spec.status
            result.action = action
            audit.record(
                actor,
                f"{result.kind}.{spec.status.value}",
                result.kind,
                existing.id,
                {"code": spec.code, "version": spec.version},
                now=now,
            )
            return result
        result.action = "replaced"
    stored = write(existing)
    if spec.status == Status.PUBLISHED and stored.published_at is None:
        stored.published_at = now
    audit.record(
        actor,
        f"{result.kind}.imported.{result.action}",
        result.kind,
        stored.id,
        {"code": spec.code, "version": spec.version, "source": result.source},
        now=now,
    )
    return result


def _framework(actor, item, now) -> Imported:
    spec: FrameworkSpec = item.spec
    missing = spec.missing_khmer()
    if missing and spec.status != Status.DRAFT:
        raise DomainError(
            _l("Write the Khmer for every title before publishing (%(first)s).", first=missing[0]),
            "status",
        )
    result = Imported("framework", spec.code, spec.version, "created", item.source, missing)
    return _store(
        actor,
        result,
        spec,
        frameworks.find_framework(spec.code, spec.version),
        frameworks.content_hash,
        lambda existing: frameworks.write_framework(spec, existing),
        now,
    )


def _curriculum(actor, item, now, allow_uncovered: bool) -> Imported:
    spec: CurriculumSpec = item.spec
    framework = frameworks.find_framework(spec.framework_code, spec.framework_version)
    if framework is None:
        raise DomainError(
            _l(
                "The framework %(code)s version %(version)s was not found.",
                code=spec.framework_code,
                version=spec.framework_version,
            ),
            "framework",
        )
    if spec.status == Status.PUBLISHED and framework.status != Status.PUBLISHED:
        raise DomainError(
            _l("Publish the framework version this curriculum targets first."), "framework"
        )
    cover = curricula.coverage(spec, frameworks.read_framework(framework))
    if cover.unassessed_required and spec.status == Status.PUBLISHED and not allow_uncovered:
        raise DomainError(
            _l(
                "No instrument assesses these required competencies: %(codes)s. Add instruments, "
                "or import with --allow-uncovered to publish anyway.",
                codes=", ".join(cover.unassessed_required),
            ),
            "completion.required_competencies",
        )
    result = Imported(
        "curriculum",
        spec.code,
        spec.version,
        "created",
        item.source,
        unassessed_required=cover.unassessed_required,
    )
    return _store(
        actor,
        result,
        spec,
        curricula.find_curriculum(spec.code, spec.version),
        curricula.content_hash,
        lambda existing: curricula.write_curriculum(spec, framework, existing),
        now,
    )
