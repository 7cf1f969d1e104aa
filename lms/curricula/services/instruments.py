"""A curriculum's assessment plan in the database: instruments and their parts, as specs."""

from __future__ import annotations

from collections.abc import Callable

from ...frameworks.models import Competency
from ...frameworks.spec import Text
from ..models import CaseType, ChecklistItem, Instrument, Module, Question, QuestionOption
from ..spec import CaseTypeSpec, InstrumentSpec, ItemSpec, OptionSpec, QuestionSpec


def text_of(obj, name: str) -> Text:
    """The `<name>_km` and `<name>_en` columns of a row, as one text."""
    return Text(getattr(obj, f"{name}_km"), getattr(obj, f"{name}_en"))


def codes_of(competencies) -> list[str]:
    """The codes of competencies (or of anything with a code), in order."""
    return [c.code for c in competencies]


def instrument_row(
    position: int,
    spec: InstrumentSpec,
    modules: dict[str, Module],
    pick: Callable[[list[str]], list[Competency]],
) -> Instrument:
    """A new instrument row, with its checklist, questions or case types, from its spec;
    `modules` finds its module by code and `pick` its competencies by code."""
    instrument = Instrument(
        position=position,
        code=spec.code,
        type=spec.type,
        title_km=spec.title.km,
        title_en=spec.title.en or spec.code,
        description_km=spec.description.km,
        description_en=spec.description.en,
        module=modules.get(spec.module),
        second_assessor=spec.second_assessor,
        min_share_percent=spec.min_share_percent,
        all_critical=spec.all_critical,
        pass_mark_percent=spec.pass_mark_percent,
        attempts=spec.attempts,
        time_limit_minutes=spec.time_limit_minutes,
        questions_per_page=spec.questions_per_page,
        review=spec.review,
        competencies=pick(spec.competencies),
    )
    instrument.items = [
        ChecklistItem(position=n, text_km=x.text.km, text_en=x.text.en or "", critical=x.critical)
        for n, x in enumerate(spec.items)
    ]
    instrument.questions = [
        Question(
            position=n,
            text_km=q.text.km,
            text_en=q.text.en or "",
            options=[
                QuestionOption(
                    position=k, text_km=o.text.km, text_en=o.text.en or "", correct=o.correct
                )
                for k, o in enumerate(q.options)
            ],
        )
        for n, q in enumerate(spec.questions)
    ]
    instrument.case_types = [
        CaseType(
            position=n,
            code=c.code,
            title_km=c.title.km,
            title_en=c.title.en or c.code,
            min_count=c.min_count,
        )
        for n, c in enumerate(spec.case_types)
    ]
    return instrument


def instrument_spec(instrument: Instrument, module_codes: dict[int, str]) -> InstrumentSpec:
    """The spec of a stored instrument; `module_codes` gives its module's code by id."""
    i = instrument
    return InstrumentSpec(
        code=i.code,
        type=i.type,
        title=text_of(i, "title"),
        module=module_codes.get(i.module_id),
        competencies=codes_of(i.competencies),
        second_assessor=i.second_assessor,
        description=text_of(i, "description"),
        items=[ItemSpec(text_of(x, "text"), x.critical) for x in i.items],
        min_share_percent=i.min_share_percent,
        all_critical=i.all_critical,
        questions=[
            QuestionSpec(
                text_of(q, "text"), [OptionSpec(text_of(o, "text"), o.correct) for o in q.options]
            )
            for q in i.questions
        ],
        pass_mark_percent=i.pass_mark_percent,
        attempts=i.attempts,
        time_limit_minutes=i.time_limit_minutes,
        questions_per_page=i.questions_per_page,
        review=i.review,
        case_types=[CaseTypeSpec(c.code, text_of(c, "title"), c.min_count) for c in i.case_types],
    )
