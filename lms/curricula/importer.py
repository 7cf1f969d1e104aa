"""Importing framework and curriculum files: all of them or none.

Rules: an unchanged file changes nothing; a draft is replaced by its file; a published version
never changes (a different file with the same code and version is refused: raise the version);
a published or retired version may only move between published and retired (the rules of
every versioned kind: `versioning.import_version`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory

from flask_babel import lazy_gettext as _l
from werkzeug.utils import secure_filename

from .. import versioning
from ..errors import DomainError, ImportRejected, RowError
from ..frameworks import services as frameworks
from ..frameworks.models import Framework
from ..frameworks.spec import FrameworkSpec, Status
from . import files
from . import services as curricula
from .models import Curriculum
from .spec import CurriculumSpec


@dataclass
class Imported:
    kind: str  # "framework" or "curriculum"
    code: str
    version: int
    action: str  # created, replaced, unchanged, status
    source: str
    missing_khmer: list[str] = field(default_factory=list)
    unassessed_required: list[str] = field(default_factory=list)
    id: int | None = None  # the stored version's, for the result to link to


def known_frameworks(code: str, version: int) -> FrameworkSpec | None:
    """The spec of a stored framework version, for files that target one not among them."""
    framework = frameworks.find_framework(code, version)
    return frameworks.read_framework(framework) if framework else None


def import_paths(actor, paths: list[Path], now, allow_uncovered: bool = False) -> list[Imported]:
    """Read, check and import files in the caller's transaction; ImportRejected on any error."""
    return import_loaded(actor, files.read_checked(paths, known_frameworks), now, allow_uncovered)


def import_uploads(
    actor, uploads: list[tuple[str | None, bytes]], now, allow_uncovered: bool = False
) -> list[Imported]:
    """Import uploaded files (each a name and its content) as `import_paths` does: all or none.
    What was imported, and every problem, is named by the uploaded file's name."""
    with TemporaryDirectory() as folder:
        paths = []
        for name, content in uploads:
            path = Path(folder) / (secure_filename(name or "") or "upload.yaml")
            path.write_bytes(content)
            paths.append(path)
        try:
            done = import_paths(actor, paths, now, allow_uncovered)
        except ImportRejected as rejected:
            for error in rejected.errors:
                error.source = Path(error.source).name if error.source else error.source
            raise
    for item in done:
        item.source = Path(item.source).name
    return done


def import_loaded(
    actor, loaded: list[files.LoadedFile], now, allow_uncovered: bool = False
) -> list[Imported]:
    """Import files already read and checked, frameworks first; ImportRejected with every
    file's problem when the version rules refuse any of them."""
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


def _framework(actor, item, now) -> Imported:
    """Import one framework file; one still missing Khmer can only be a draft."""
    spec: FrameworkSpec = item.spec
    missing = spec.missing_khmer()
    if missing and spec.status != Status.DRAFT:
        raise DomainError(
            _l("Write the Khmer for every title before publishing (%(first)s).", first=missing[0]),
            "status",
        )
    action = versioning.import_version(
        actor,
        Framework,
        spec,
        frameworks.content_hash,
        lambda existing: frameworks.write_framework(spec, existing),
        now,
        item.source,
    )
    stored = versioning.find_version(Framework, spec.code, spec.version)
    return Imported(
        "framework", spec.code, spec.version, action, item.source, missing, id=stored.id
    )


def _curriculum(actor, item, now, allow_uncovered: bool) -> Imported:
    """Import one curriculum file: its framework version must be stored (and published, for a
    published curriculum), and a published one must assess its requirements unless allowed."""
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
    action = versioning.import_version(
        actor,
        Curriculum,
        spec,
        curricula.content_hash,
        lambda existing: curricula.write_curriculum(spec, framework, existing),
        now,
        item.source,
    )
    return Imported(
        "curriculum",
        spec.code,
        spec.version,
        action,
        item.source,
        unassessed_required=cover.unassessed_required,
        id=versioning.find_version(Curriculum, spec.code, spec.version).id,
    )
