"""Reading and writing framework and curriculum files (YAML), with precise errors.

Every error names the file, the place in it (`modules[2].outcomes[0].competencies[1]`), the
line, and what is wrong. Nothing here touches the database: `curricula validate` uses it alone.
The format is documented in curricula/README.md.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from ..datafiles import in_folder
from ..errors import RowError
from ..frameworks.files import (
    COMMON,
    LoadedFile,
    Reader,
    dump_data,
    framework_to_data,
    parse_yaml,
    read_framework,
    read_header,
    text_data,
)
from ..frameworks.spec import FrameworkSpec
from .spec import (
    CaseTypeSpec,
    CompetencyRule,
    CurriculumKind,
    CurriculumSpec,
    InstrumentSpec,
    InstrumentType,
    ItemSpec,
    ModuleSpec,
    OptionSpec,
    OutcomeSpec,
    QuestionSpec,
)


def read_curriculum(r: Reader, data: dict) -> CurriculumSpec:
    r.only(
        data,
        "",
        COMMON
        | {
            "type",
            "cadres",
            "framework",
            "cpd_credits",
            "certificate_validity_months",
            "renewed_by",
            "renewal_cpd_credits",
            "completion",
            "modules",
            "instruments",
        },
    )
    code, version, status, effective = read_header(r, data)
    framework = r.mapping(data.get("framework"), "framework") if data.get("framework") else None
    fw_code = fw_version = None
    if framework is None:
        r.error("framework", _l("Name the framework version: {code: ..., version: ...}"))
    else:
        r.only(framework, "framework", {"code", "version"})
        fw_code = r.code(framework, "code", "framework")
        fw_version = r.number(framework, "version", "framework", minimum=1, maximum=9999)
    completion = r.mapping(data.get("completion") or {}, "completion") or {}
    r.only(
        completion,
        "completion",
        {"min_attendance_percent", "competency_rule", "required_competencies"},
    )
    required = [
        (p, str(c))
        for p, c in r.items(completion, "required_competencies", "completion", required=False)
    ]
    spec = CurriculumSpec(
        code=code or "",
        version=version or 0,
        title=r.text(data, "title", ""),
        kind=r.choice(data, "type", "", CurriculumKind, default=CurriculumKind.IN_SERVICE),
        framework_code=fw_code or "",
        framework_version=fw_version or 0,
        status=status,
        effective_date=effective,
        description=r.text(data, "description", "", required=False),
        cadres=[str(c) for _p, c in r.items(data, "cadres", "", required=False)],
        cpd_credits=r.number(
            data, "cpd_credits", "", minimum=0, maximum=1000, required=False, default=0, kind=float
        ),
        validity_months=r.number(
            data, "certificate_validity_months", "", minimum=1, maximum=240, required=False
        ),
        renewed_by=r.code(data, "renewed_by", "", required=False),
        renewal_cpd_credits=r.number(
            data, "renewal_cpd_credits", "", minimum=1, maximum=1000, required=False, kind=float
        ),
        min_attendance_percent=r.number(
            completion,
            "min_attendance_percent",
            "completion",
            minimum=0,
            maximum=100,
            required=False,
            default=100,
        ),
        competency_rule=r.choice(
            completion,
            "competency_rule",
            "completion",
            CompetencyRule,
            required=False,
            default=CompetencyRule.ALL_PASSED,
        ),
        required_competencies=[c for _p, c in required],
    )
    module_codes: dict[str, str] = {}
    for path, module in r.items(data, "modules", ""):
        module = r.mapping(module, path)
        if module is None:
            continue
        spec.modules.append(_read_module(r, module, path, module_codes))
    instrument_codes: dict[str, str] = {}
    for path, instrument in r.items(data, "instruments", "", required=False):
        instrument = r.mapping(instrument, path)
        if instrument is None:
            continue
        spec.instruments.append(
            _read_instrument(r, instrument, path, instrument_codes, module_codes)
        )
    return spec


def _unique(r: Reader, seen: dict[str, str], code: str | None, path: str) -> None:
    if code is None:
        return
    if code in seen:
        r.error(
            r.join(path, "code"),
            _l(
                "The code %(code)s is used twice (first at %(other)s).", code=code, other=seen[code]
            ),
        )
    else:
        seen[code] = path


def _read_module(r: Reader, module: dict, path: str, codes: dict[str, str]) -> ModuleSpec:
    r.only(module, path, {"code", "title", "description", "hours", "outcomes"})
    code = r.code(module, "code", path)
    _unique(r, codes, code, path)
    hours = r.mapping(module.get("hours") or {}, r.join(path, "hours")) or {}
    hpath = r.join(path, "hours")
    r.only(hours, hpath, {"theory", "practical", "clinical"})
    spec = ModuleSpec(
        code=code or "",
        title=r.text(module, "title", path),
        description=r.text(module, "description", path, required=False),
        hours_theory=r.number(
            hours, "theory", hpath, minimum=0, maximum=2000, required=False, default=0, kind=float
        ),
        hours_practical=r.number(
            hours,
            "practical",
            hpath,
            minimum=0,
            maximum=2000,
            required=False,
            default=0,
            kind=float,
        ),
        hours_clinical=r.number(
            hours, "clinical", hpath, minimum=0, maximum=2000, required=False, default=0, kind=float
        ),
    )
    for opath, outcome in r.items(module, "outcomes", path, required=False):
        outcome = r.mapping(outcome, opath)
        if outcome is None:
            continue
        r.only(outcome, opath, {"text", "competencies"})
        refs = r.items(outcome, "competencies", opath, required=False)
        spec.outcomes.append(
            OutcomeSpec(r.text(outcome, "text", opath), [str(c) for _p, c in refs])
        )
    return spec


def _read_instrument(
    r: Reader, data: dict, path: str, codes: dict[str, str], modules: dict[str, str]
) -> InstrumentSpec:
    r.only(
        data,
        path,
        {
            "code",
            "type",
            "title",
            "description",
            "module",
            "competencies",
            "second_assessor",
            "pass_rule",
            "items",
            "pass_mark_percent",
            "attempts",
            "questions",
            "case_types",
        },
    )
    code = r.code(data, "code", path)
    _unique(r, codes, code, path)
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
        second_assessor=bool(
            r.get(data, "second_assessor", path, bool, required=False, default=False)
        ),
        description=r.text(data, "description", path, required=False),
    )
    allowed = {
        None: set(),
        InstrumentType.DOPS: {"pass_rule", "items"},
        InstrumentType.OSCE: {"pass_rule", "items"},
        InstrumentType.KNOWLEDGE_TEST: {"pass_mark_percent", "attempts", "questions"},
        InstrumentType.LOGBOOK: {"case_types"},
    }[kind]
    for key in ("pass_rule", "items", "pass_mark_percent", "attempts", "questions", "case_types"):
        if key in data and key not in allowed:
            r.error(
                r.join(path, key),
                _l(
                    "This field does not belong to a %(type)s instrument.",
                    type=kind.value if kind else "?",
                ),
            )
    if kind and kind.has_checklist:
        rule = r.mapping(data.get("pass_rule") or {}, r.join(path, "pass_rule")) or {}
        rpath = r.join(path, "pass_rule")
        r.only(rule, rpath, {"min_share_percent", "all_critical"})
        spec.min_share_percent = r.number(rule, "min_share_percent", rpath, minimum=1, maximum=100)
        spec.all_critical = bool(
            r.get(rule, "all_critical", rpath, bool, required=False, default=True)
        )
        for ipath, item in r.items(data, "items", path):
            item = r.mapping(item, ipath)
            if item is not None:
                r.only(item, ipath, {"text", "critical"})
                spec.items.append(
                    ItemSpec(
                        r.text(item, "text", ipath),
                        bool(r.get(item, "critical", ipath, bool, required=False, default=False)),
                    )
                )
        if not spec.items and "items" in data:
            r.error(r.join(path, "items"), _l("A checklist needs at least one item."))
    elif kind is InstrumentType.KNOWLEDGE_TEST:
        spec.pass_mark_percent = r.number(data, "pass_mark_percent", path, minimum=1, maximum=100)
        spec.attempts = r.number(
            data, "attempts", path, minimum=1, maximum=20, required=False, default=1
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
                            r.text(option, "text", opath),
                            bool(
                                r.get(option, "correct", opath, bool, required=False, default=False)
                            ),
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
    elif kind is InstrumentType.LOGBOOK:
        seen: dict[str, str] = {}
        for cpath, case in r.items(data, "case_types", path):
            case = r.mapping(case, cpath)
            if case is None:
                continue
            r.only(case, cpath, {"code", "title", "min_count"})
            code = r.code(case, "code", cpath)
            _unique(r, seen, code, cpath)
            spec.case_types.append(
                CaseTypeSpec(
                    code or "",
                    r.text(case, "title", cpath),
                    r.number(case, "min_count", cpath, minimum=1, maximum=1000) or 1,
                )
            )
    return spec


def read_text(text: str, source: str) -> tuple[LoadedFile | None, list[RowError]]:
    """Parse one YAML file into a spec, with every problem found."""
    data, lines, errors = parse_yaml(text, source)
    if errors:
        return None, errors
    r = Reader(source, lines)
    data = r.mapping(data, "")
    if data is None:
        return None, r.errors
    kind = data.get("kind")
    if kind == "framework":
        spec = read_framework(r, data)
    elif kind == "curriculum":
        spec = read_curriculum(r, data)
    else:
        r.error("kind", _l("Write kind: framework or kind: curriculum."))
        return None, r.errors
    return LoadedFile(spec, source, r), r.errors


def check_references(
    curriculum: CurriculumSpec, framework: FrameworkSpec | None, r: Reader
) -> None:
    """Competency codes in a curriculum must exist in the framework version it targets."""
    if framework is None:
        r.error(
            "framework",
            _l(
                "The framework %(code)s version %(version)s was not found.",
                code=curriculum.framework_code,
                version=curriculum.framework_version,
            ),
        )
        return
    codes = framework.codes()
    for i, code in enumerate(curriculum.required_competencies):
        if code not in codes:
            r.error(
                f"completion.required_competencies[{i}]",
                _l("Unknown competency code %(code)s.", code=code),
            )
    for m, module in enumerate(curriculum.modules):
        for o, outcome in enumerate(module.outcomes):
            for c, code in enumerate(outcome.competencies):
                if code not in codes:
                    r.error(
                        f"modules[{m}].outcomes[{o}].competencies[{c}]",
                        _l("Unknown competency code %(code)s.", code=code),
                    )
    for i, instrument in enumerate(curriculum.instruments):
        for c, code in enumerate(instrument.competencies):
            if code not in codes:
                r.error(
                    f"instruments[{i}].competencies[{c}]",
                    _l("Unknown competency code %(code)s.", code=code),
                )


def read_files(paths: list[Path], known_frameworks=None):
    """Read files (YAML; Moodle CSV or CASE JSON frameworks) and check references across them.

    `known_frameworks(code, version)` finds a framework not among the files (the database
    when importing; other files in the same folders when only validating).
    Returns (loaded files, errors); any error means nothing should be imported.
    """
    loaded: list[LoadedFile] = []
    errors: list[RowError] = []
    for path in paths:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            errors.append(RowError(1, "", _l("The file is not UTF-8 text."), str(path)))
            continue
        if path.suffix.lower() == ".csv":
            from ..frameworks.moodle import read_moodle_csv

            item, problems = read_moodle_csv(text, str(path))
        elif path.suffix.lower() == ".json":
            from ..frameworks.case import read_case_json

            item, problems = read_case_json(text, str(path))
        else:
            item, problems = read_text(text, str(path))
        errors += problems
        if item is not None:
            loaded.append(item)
    seen: dict[tuple, str] = {}
    for item in loaded:
        key = (type(item.spec).__name__, item.spec.code, item.spec.version)
        if key in seen:
            errors.append(
                RowError(
                    1,
                    "version",
                    _l(
                        "%(code)s version %(version)s is also in %(other)s.",
                        code=item.spec.code,
                        version=item.spec.version,
                        other=seen[key],
                    ),
                    item.source,
                )
            )
        seen[key] = item.source
    frameworks = {
        (i.spec.code, i.spec.version): i.spec for i in loaded if isinstance(i.spec, FrameworkSpec)
    }
    for item in loaded:
        if isinstance(item.spec, CurriculumSpec):
            key = (item.spec.framework_code, item.spec.framework_version)
            framework = frameworks.get(key) or (
                known_frameworks(*key) if known_frameworks else None
            )
            before = len(item.reader.errors)
            check_references(item.spec, framework, item.reader)
            errors += item.reader.errors[before:]
    return loaded, errors


def sibling_frameworks(paths: list[Path]):
    """A look-up of frameworks in the folders of `paths` (for validating without a database)."""
    cache: dict[tuple[str, int], FrameworkSpec] | None = None

    def find(code: str, version: int):
        nonlocal cache
        if cache is None:
            cache = {}
            for folder in {p.parent for p in paths}:
                for candidate in in_folder(folder):
                    text = candidate.read_text(encoding="utf-8")
                    if "kind: framework" not in text:
                        continue
                    item, problems = read_text(text, str(candidate))
                    if item is not None and not problems:
                        cache[(item.spec.code, item.spec.version)] = item.spec
        return cache.get((code, version))

    return find


# --- Writing -------------------------------------------------------------------------------


def curriculum_to_data(spec: CurriculumSpec) -> dict:
    data = {
        "kind": "curriculum",
        "code": spec.code,
        "version": spec.version,
        "status": spec.status.value,
    }
    if spec.effective_date:
        data["effective_date"] = spec.effective_date
    data["title"] = text_data(spec.title)
    if spec.description:
        data["description"] = text_data(spec.description)
    data["type"] = spec.kind.value
    if spec.cadres:
        data["cadres"] = list(spec.cadres)
    data["framework"] = {"code": spec.framework_code, "version": spec.framework_version}
    data["cpd_credits"] = (
        int(spec.cpd_credits) if float(spec.cpd_credits).is_integer() else spec.cpd_credits
    )
    if spec.validity_months:
        data["certificate_validity_months"] = spec.validity_months
    if spec.renewed_by:
        data["renewed_by"] = spec.renewed_by
    if spec.renewal_cpd_credits:
        credits = spec.renewal_cpd_credits
        data["renewal_cpd_credits"] = int(credits) if float(credits).is_integer() else credits
    data["completion"] = {
        "min_attendance_percent": spec.min_attendance_percent,
        "competency_rule": spec.competency_rule.value,
        "required_competencies": list(spec.required_competencies),
    }

    def hours(value: float):
        return int(value) if float(value).is_integer() else value

    data["modules"] = []
    for m in spec.modules:
        module = {"code": m.code, "title": text_data(m.title)}
        if m.description:
            module["description"] = text_data(m.description)
        module["hours"] = {
            "theory": hours(m.hours_theory),
            "practical": hours(m.hours_practical),
            "clinical": hours(m.hours_clinical),
        }
        module["outcomes"] = [
            {"text": text_data(o.text), "competencies": list(o.competencies)} for o in m.outcomes
        ]
        data["modules"].append(module)
    data["instruments"] = []
    for i in spec.instruments:
        item = {"code": i.code, "type": i.type.value, "title": text_data(i.title)}
        if i.description:
            item["description"] = text_data(i.description)
        if i.module:
            item["module"] = i.module
        item["competencies"] = list(i.competencies)
        if i.second_assessor:
            item["second_assessor"] = True
        if i.type.has_checklist:
            item["pass_rule"] = {
                "min_share_percent": i.min_share_percent,
                "all_critical": i.all_critical,
            }
            item["items"] = [
                {"text": text_data(x.text), **({"critical": True} if x.critical else {})}
                for x in i.items
            ]
        elif i.type is InstrumentType.KNOWLEDGE_TEST:
            item["pass_mark_percent"] = i.pass_mark_percent
            item["attempts"] = i.attempts
            item["questions"] = [
                {
                    "text": text_data(q.text),
                    "options": [
                        {"text": text_data(o.text), **({"correct": True} if o.correct else {})}
                        for o in q.options
                    ],
                }
                for q in i.questions
            ]
        else:
            item["case_types"] = [
                {"code": c.code, "title": text_data(c.title), "min_count": c.min_count}
                for c in i.case_types
            ]
        data["instruments"].append(item)
    return data


def dump(spec) -> str:
    """A framework or curriculum spec as YAML text."""
    data = framework_to_data(spec) if isinstance(spec, FrameworkSpec) else curriculum_to_data(spec)
    return dump_data(data)
