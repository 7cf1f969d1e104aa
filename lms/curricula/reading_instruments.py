"""Reading a curriculum file's assessment plan: each instrument and, by its type, its parts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..frameworks.reader import Reader
from .spec import (
    QUESTIONS_PER_PAGE,
    CaseTypeSpec,
    InstrumentSpec,
    InstrumentType,
    ItemSpec,
    OptionSpec,
    QuestionSpec,
    ReviewPolicy,
)

# The fields of an instrument, and those that belong to one type of instrument only.
TEST_FIELDS = ("pass_mark_percent", "attempts", "time_limit_minutes", "questions_per_page")
PARTS = ("pass_rule", "items", *TEST_FIELDS, "review", "questions", "case_types")
FIELDS = {"code", "type", "title", "description", "module", "competencies", "second_assessor"}
ALLOWED = {
    None: set(),
    InstrumentType.DOPS: {"pass_rule", "items"},
    InstrumentType.OSCE: {"pass_rule", "items"},
    InstrumentType.KNOWLEDGE_TEST: {*TEST_FIELDS, "review", "questions"},
    InstrumentType.LOGBOOK: {"case_types"},
}


def _flag(r: Reader, data: dict, key: str, path: str, default: bool) -> bool:
    return bool(r.get(data, key, path, bool, required=False, default=default))


def read_instrument(
    r: Reader, data: dict, path: str, codes: dict[str, str], modules: dict[str, str]
) -> InstrumentSpec:
    """One instrument of the file; `codes` are the instrument codes seen so far, `modules` the
    file's module codes."""
    r.only(data, path, FIELDS | set(PARTS))
    code = r.code(data, "code", path)
    r.unique(codes, code, path)
    kind = r.choice(data, "type", path, InstrumentType)
    module = r.code(data, "module", path, required=False)
    if module is not None and module not in modules:
        r.error(r.join(path, "module"), _l("No module has the code %(code)s.", code=module))
    refs = r.items(data, "competencies", path)
    if not refs and "competencies" in data:
        r.error(r.join(path, "competencies"), _l("Name the competencies this instrument assesses."))
    spec = InstrumentSpec(
        code=code or "",
        type=kind or InstrumentType.DOPS,
        title=r.text(data, "title", path),
        module=module,
        competencies=[str(c) for _p, c in refs],
        second_assessor=_flag(r, data, "second_assessor", path, False),
        description=r.text(data, "description", path, required=False),
    )
    for key in PARTS:
        if key in data and key not in ALLOWED[kind]:
            r.error(
                r.join(path, key),
                _l(
                    "This field does not belong to a %(type)s instrument.",
                    type=kind.value if kind else "?",
                ),
            )
    if kind and kind.has_checklist:
        _read_checklist(r, data, path, spec)
    elif kind is InstrumentType.KNOWLEDGE_TEST:
        _read_test(r, data, path, spec)
    elif kind is InstrumentType.LOGBOOK:
        _read_logbook(r, data, path, spec)
    return spec


def _read_checklist(r: Reader, data: dict, path: str, spec: InstrumentSpec) -> None:
    rpath = r.join(path, "pass_rule")
    rule = r.mapping(data.get("pass_rule") or {}, rpath) or {}
    r.only(rule, rpath, {"min_share_percent", "all_critical"})
    spec.min_share_percent = r.number(rule, "min_share_percent", rpath, minimum=1, maximum=100)
    spec.all_critical = _flag(r, rule, "all_critical", rpath, True)
    for ipath, item in r.items(data, "items", path):
        item = r.mapping(item, ipath)
        if item is not None:
            r.only(item, ipath, {"text", "critical"})
            spec.items.append(
                ItemSpec(r.text(item, "text", ipath), _flag(r, item, "critical", ipath, False))
            )
    if not spec.items and "items" in data:
        r.error(r.join(path, "items"), _l("A checklist needs at least one item."))


def _read_test(r: Reader, data: dict, path: str, spec: InstrumentSpec) -> None:
    spec.pass_mark_percent = r.number(data, "pass_mark_percent", path, minimum=1, maximum=100)
    spec.attempts = r.number(
        data, "attempts", path, minimum=1, maximum=20, required=False, default=1
    )
    spec.time_limit_minutes = r.number(
        data, "time_limit_minutes", path, minimum=1, maximum=600, required=False
    )
    spec.questions_per_page = r.number(
        data,
        "questions_per_page",
        path,
        minimum=1,
        maximum=50,
        required=False,
        default=QUESTIONS_PER_PAGE,
    )
    spec.review = r.choice(
        data, "review", path, ReviewPolicy, required=False, default=ReviewPolicy.SCORE
    )
    for qpath, question in r.items(data, "questions", path):
        question = r.mapping(question, qpath)
        if question is None:
            continue
        r.only(question, qpath, {"text", "options"})
        options = []
        for opath, option in r.items(question, "options", qpath):
            option = r.mapping(option, opath)
            if option is not None:
                r.only(option, opath, {"text", "correct"})
                options.append(
                    OptionSpec(
                        r.text(option, "text", opath), _flag(r, option, "correct", opath, False)
                    )
                )
        if len(options) < 2 or sum(o.correct for o in options) != 1:
            r.error(
                r.join(qpath, "options"),
                _l("A question needs at least two options, exactly one of them correct."),
            )
        spec.questions.append(QuestionSpec(r.text(question, "text", qpath), options))
    if not spec.questions and "questions" in data:
        r.error(r.join(path, "questions"), _l("A test needs at least one question."))


def _read_logbook(r: Reader, data: dict, path: str, spec: InstrumentSpec) -> None:
    seen: dict[str, str] = {}
    for cpath, case in r.items(data, "case_types", path):
        case = r.mapping(case, cpath)
        if case is None:
            continue
        r.only(case, cpath, {"code", "title", "min_count"})
        code = r.code(case, "code", cpath)
        r.unique(seen, code, cpath)
        spec.case_types.append(
            CaseTypeSpec(
                code or "",
                r.text(case, "title", cpath),
                r.number(case, "min_count", cpath, minimum=1, maximum=1000) or 1,
            )
        )
