"""Editing a draft curriculum through forms.

Every edit reads the draft as a spec, changes it, checks it with the same rules as a file
import, and writes it back, so a draft edited by hand and one imported from a file obey the
same rules. Parts are addressed by their position (drafts are rewritten on each edit).
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..errors import DomainError
from ..frameworks import services as frameworks
from . import files, services
from .models import Curriculum
from .spec import CurriculumSpec, InstrumentType


def check(spec: CurriculumSpec, framework_spec) -> None:
    """Raise the first problem: duplicate codes, unknown modules or competency codes."""
    seen: set[str] = set()
    for module in spec.modules:
        if module.code in seen:
            raise DomainError(
                _l("Another module already has the code %(code)s.", code=module.code), "code"
            )
        seen.add(module.code)
    seen = set()
    for instrument in spec.instruments:
        if instrument.code in seen:
            raise DomainError(
                _l("Another instrument already has the code %(code)s.", code=instrument.code),
                "code",
            )
        seen.add(instrument.code)
        if instrument.module and instrument.module not in {m.code for m in spec.modules}:
            raise DomainError(
                _l("No module has the code %(code)s.", code=instrument.module), "module"
            )
    reader = files.Reader("", {})
    files.check_references(spec, framework_spec, reader)
    if reader.errors:
        error = reader.errors[0]
        field = "competencies"
        if error.field.startswith("completion."):
            field = "required_competencies"
        raise DomainError(error.message, field)


def edit(
    actor, curriculum: Curriculum, change: Callable[[CurriculumSpec], None], action: str, now
) -> Curriculum:
    """Apply `change` to the draft's spec, check it, and write it back."""
    services.require_draft(curriculum)
    spec = services.read_curriculum(curriculum)
    change(spec)
    check(spec, frameworks.read_framework(curriculum.framework))
    updated = services.write_curriculum(spec, curriculum.framework, curriculum)
    audit.record(
        actor,
        f"curriculum.{action}",
        "curriculum",
        curriculum.id,
        {"code": curriculum.code, "version": curriculum.version},
        now=now,
    )
    return updated


def item_at(items: list, index: int | None, what):
    if index is None:
        return None
    if not 0 <= index < len(items):
        raise DomainError(_l("%(what)s not found.", what=what))
    return items[index]


def put(items: list, index: int | None, value) -> None:
    """Replace the element at `index`, or append when `index` is None."""
    if index is None:
        items.append(value)
    else:
        item_at(items, index, "")
        items[index] = value


def remove(items: list, index: int) -> None:
    item_at(items, index, "")
    del items[index]


def move(items: list, index: int, step: int) -> None:
    item_at(items, index, "")
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]


def check_instrument_parts(instrument) -> None:
    """A checklist keeps its pass rule; a test its pass mark, before anything is saved."""
    if instrument.type in (InstrumentType.DOPS, InstrumentType.OSCE):
        if not instrument.min_share_percent:
            raise DomainError(_l("Give the share of items that must be done."), "min_share_percent")
    elif instrument.type is InstrumentType.KNOWLEDGE_TEST and not instrument.pass_mark_percent:
        raise DomainError(_l("Give the pass mark."), "pass_mark_percent")
