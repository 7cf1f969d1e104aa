"""Editing a draft curriculum through forms.

Every edit reads the draft as a spec, changes it, checks it with the same rules as a file
import, and writes it back, so a draft edited by hand and one imported from a file obey the
same rules. Parts are addressed by their position (drafts are rewritten on each edit).
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from .. import versioning
from ..errors import DomainError, NotFound
from ..frameworks import services as frameworks
from ..frameworks.reader import Reader
from . import files, services
from .models import Curriculum
from .spec import CurriculumSpec, InstrumentSpec, InstrumentType, ModuleSpec, QuestionSpec

# An instrument's parts, by the name they have in addresses, and the spec's list of them.
PART_ATTRIBUTES = {"items": "items", "questions": "questions", "case-types": "case_types"}


def parts_of(instrument: InstrumentSpec | None) -> list:
    """An instrument's checklist items, questions or case types, as its type has."""
    if instrument is None:
        return []
    return getattr(instrument, PART_ATTRIBUTES[instrument.type.part])


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
    reader = Reader("", {})
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
    versioning.require_draft(curriculum)
    spec = services.read_curriculum(curriculum)
    change(spec)
    check(spec, frameworks.read_framework(curriculum.framework))
    updated = services.write_curriculum(spec, curriculum.framework, curriculum)
    versioning.record_event(actor, curriculum, action, now)
    return updated


def item_at(items: list, index: int | None, what="", error=DomainError):
    """The element at `index` (None when `index` is None); past the end, `error` is raised."""
    if index is None:
        return None
    if not 0 <= index < len(items):
        raise error(_l("%(what)s not found.", what=what))
    return items[index]


def part_at(items: list, index: int | None):
    """The part at `index` of a draft's list, as an address names it: past the end, the
    address is not found (None for a new part, when `index` is None)."""
    return item_at(items, index, error=NotFound)


def put(items: list, index: int | None, value) -> None:
    """Replace the element at `index`, or append when `index` is None."""
    if index is None:
        items.append(value)
    else:
        item_at(items, index)
        items[index] = value


def remove(items: list, index: int) -> None:
    """Remove the element at `index`."""
    item_at(items, index)
    del items[index]


def move(items: list, index: int, step: int) -> None:
    """Swap the element at `index` with the one `step` places away, if there is one."""
    item_at(items, index)
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


def check_question(question: QuestionSpec) -> None:
    """Every answer in both languages; two answers at least, exactly one of them correct."""
    if any(not (o.text.km and o.text.en) for o in question.options):
        raise DomainError(_l("Write each answer in Khmer and in English."), "options")
    if len(question.options) < 2 or sum(o.correct for o in question.options) != 1:
        raise DomainError(
            _l("A question needs at least two answers, and the correct one must be among them."),
            "correct",
        )


# --- The edits of each page ------------------------------------------------------------------


def save_details(actor, curriculum: Curriculum, apply: Callable[[CurriculumSpec], None], now):
    """Change a draft's own fields (titles, rules, requirements), as `apply` sets them."""
    return edit(actor, curriculum, apply, "details_edited", now)


def save_module(actor, curriculum: Curriculum, index: int | None, module: ModuleSpec, now):
    """Add a module (`index` None) or replace one; instruments of a module whose code changes
    follow it. Each outcome is written in both languages."""
    if any(not (o.text.km and o.text.en) for o in module.outcomes):
        raise DomainError(_l("Write each outcome in Khmer and in English."))

    def change(spec: CurriculumSpec) -> None:
        if index is not None:
            old = part_at(spec.modules, index).code
            for instrument in spec.instruments:
                if instrument.module == old:
                    instrument.module = module.code
        put(spec.modules, index, module)

    return edit(actor, curriculum, change, "module_saved", now)


def change_part(actor, curriculum: Curriculum, part: str, index: int, action: str, now):
    """Move a module or an instrument up or down, or delete it (`part` is "modules" or
    "instruments"; `action` "up", "down" or "delete"). A deleted module's instruments stay,
    under no module."""

    def change(spec: CurriculumSpec) -> None:
        items = getattr(spec, part)
        code = part_at(items, index).code
        if action == "delete":
            if part == "modules":
                for instrument in spec.instruments:
                    if instrument.module == code:
                        instrument.module = None
            remove(items, index)
        else:
            move(items, index, -1 if action == "up" else 1)

    return edit(actor, curriculum, change, f"{part}_{action}", now)


def save_instrument(
    actor, curriculum: Curriculum, index: int | None, instrument: InstrumentSpec, now
):
    """Add an instrument (`index` None) or replace one. One that keeps its type keeps its
    checklist, questions or case types and its description."""

    def change(spec: CurriculumSpec) -> None:
        old = part_at(spec.instruments, index)
        if old is not None and old.type == instrument.type:
            instrument.items, instrument.questions = old.items, old.questions
            instrument.case_types = old.case_types
            instrument.description = old.description
        check_instrument_parts(instrument)
        put(spec.instruments, index, instrument)

    return edit(actor, curriculum, change, "instrument_saved", now)


def save_instrument_part(
    actor, curriculum: Curriculum, index: int, part: str, number: int | None, value, now
):
    """Add (`number` None) or replace a checklist item, a question or a case type of the
    instrument at `index`."""
    if isinstance(value, QuestionSpec):
        check_question(value)
    attribute = PART_ATTRIBUTES[part]

    def change(spec: CurriculumSpec) -> None:
        put(getattr(part_at(spec.instruments, index), attribute), number, value)

    return edit(actor, curriculum, change, f"{attribute}_saved", now)


def delete_instrument_part(actor, curriculum: Curriculum, index: int, part: str, number: int, now):
    """Delete a checklist item, a question or a case type of the instrument at `index`."""
    attribute = PART_ATTRIBUTES[part]

    def change(spec: CurriculumSpec) -> None:
        remove(getattr(part_at(spec.instruments, index), attribute), number)

    return edit(actor, curriculum, change, f"{attribute}_deleted", now)
