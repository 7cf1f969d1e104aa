"""Reading and writing framework and curriculum files (YAML), with precise errors.

Every error names the file, the place in it (`modules[2].outcomes[0].competencies[1]`), the
line, and what is wrong. Nothing here touches the database: `curricula validate` uses it alone.
The format is documented in curricula/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l

from ..errors import RowError
from ..frameworks.spec import (
    CompetencySpec,
    FrameworkSpec,
    LevelSpec,
    ScaleSpec,
    Status,
    Text,
)
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

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
KHMER_RE = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
MAX_DEPTH = 6


class Reader:
    """Typed access to parsed YAML that records errors with their place and line."""

    def __init__(self, source: str, lines: dict[str, int]):
        self.source = source
        self.lines = lines
        self.errors: list[RowError] = []

    def line(self, path: str) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = (
                re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path)
                if re.search(r"(\.[^.\[\]]+|\[\d+\])$", path)
                else ""
            )
        return self.lines.get("", 1)

    def error(self, path: str, message) -> None:
        self.errors.append(RowError(self.line(path), path, message, self.source))

    @staticmethod
    def join(path: str, key: str | int) -> str:
        if isinstance(key, int):
            return f"{path}[{key}]"
        return f"{path}.{key}" if path else key

    def mapping(self, value, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, _l("Expected a mapping of names to values."))
            return None
        return value

    def only(self, data: dict, path: str, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.error(self.join(path, key), _l("Unknown field. Check its spelling."))

    def get(self, data: dict, key: str, path: str, kind, required: bool = True, default=None):
        where = self.join(path, key)
        if key not in data or data[key] is None:
            if required:
                self.error(where, _l("This field is required."))
            return default
        value = data[key]
        if kind is int and isinstance(value, bool):
            value = str(value)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind):
            names = {
                str: _l("text"),
                int: _l("a whole number"),
                float: _l("a number"),
                bool: _l("true or false"),
                list: _l("a list"),
                dict: _l("a mapping"),
                date: _l("a date (YYYY-MM-DD)"),
            }
            self.error(where, _l("Expected %(kind)s.", kind=names.get(kind, kind.__name__)))
            return default
        return value

    def number(
        self, data, key, path, *, minimum=None, maximum=None, required=True, default=None, kind=int
    ):
        value = self.get(data, key, path, kind, required, default)
        if value is None or value is default:
            return value
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.error(
                self.join(path, key),
                _l(
                    "Must be between %(min)s and %(max)s.",
                    min=minimum,
                    max=maximum if maximum is not None else "∞",
                ),
            )
            return default
        return value

    def code(self, data, key, path, required=True) -> str | None:
        value = self.get(data, key, path, (str, int), required)
        if value is None:
            return None
        value = str(value)
        if not CODE_RE.match(value):
            self.error(
                self.join(path, key),
                _l("A code has 1 to 40 letters, digits, dots, dashes or underscores."),
            )
        return value

    def choice(self, data, key, path, enum: type[Enum], required=True, default=None):
        value = self.get(data, key, path, str, required, None)
        if value is None:
            return default
        try:
            return enum(value)
        except ValueError:
            self.error(
                self.join(path, key),
                _l("Must be one of: %(values)s", values=", ".join(m.value for m in enum)),
            )
            return default

    def text(self, data, key, path, required=True) -> Text:
        where = self.join(path, key)
        value = data.get(key)
        if value is None:
            if required:
                self.error(where, _l("This field is required, in Khmer (km) and English (en)."))
            return Text()
        value = self.mapping(value, where)
        if value is None:
            return Text()
        self.only(value, where, {"km", "en"})
        km = self.get(value, "km", where, str, required)
        en = self.get(value, "en", where, str, required)
        if km and not KHMER_RE.search(km):
            self.error(self.join(where, "km"), _l("The Khmer text must be written in Khmer."))
        return Text(km=km.strip() if km else None, en=en.strip() if en else None)

    def items(self, data, key, path, required=True) -> list[tuple[str, object]]:
        """(path, element) for each element of the list at `key`."""
        value = self.get(data, key, path, list, required, [])
        where = self.join(path, key)
        return [(self.join(where, i), element) for i, element in enumerate(value or [])]


def parse_yaml(text: str, source: str) -> tuple[object, dict[str, int], list[RowError]]:
    """YAML text to Python values plus the line of every path; syntax errors as RowErrors."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[str, int] = {}

        def convert(node, path):
            lines[path] = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                result = {}
                for key_node, value_node in node.value:
                    key = loader.construct_object(key_node, deep=True)
                    child = Reader.join(path, str(key))
                    if key in result:
                        raise _Duplicate(child, key_node.start_mark.line + 1)
                    result[key] = convert(value_node, child)
                return result
            if isinstance(node, yaml.SequenceNode):
                return [convert(n, Reader.join(path, i)) for i, n in enumerate(node.value)]
            return loader.construct_object(node, deep=True)

        data = convert(node, "") if node is not None else None
        return data, lines, []
    except _Duplicate as dup:
        return None, {}, [RowError(dup.line, dup.path, _l("This field appears twice."), source)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return (
            None,
            {},
            [
                RowError(
                    line, "", _l("The file is not valid YAML: %(problem)s", problem=problem), source
                )
            ],
        )
    finally:
        loader.dispose()


class _Duplicate(Exception):
    def __init__(self, path, line):
        self.path, self.line = path, line


COMMON = {"kind", "code", "version", "status", "effective_date", "title", "description"}


def _header(r: Reader, data: dict):
    code = r.code(data, "code", "")
    version = r.number(data, "version", "", minimum=1, maximum=9999)
    status = r.choice(data, "status", "", Status, required=False, default=Status.DRAFT)
    effective = r.get(data, "effective_date", "", date, required=False)
    return code, version, status, effective


def read_framework(r: Reader, data: dict) -> FrameworkSpec | None:
    r.only(data, "", COMMON | {"authority", "cadres", "scale", "competencies"})
    code, version, status, effective = _header(r, data)
    title = r.text(data, "title", "")
    scale = _read_scale(r, data)
    seen: dict[str, str] = {}
    competencies = [
        _read_competency(r, node, path, seen, 0) for path, node in r.items(data, "competencies", "")
    ]
    if not competencies and "competencies" in data:
        r.error("competencies", _l("A framework needs at least one competency."))
    cadres = [str(c) for _p, c in r.items(data, "cadres", "", required=False)]
    return FrameworkSpec(
        code=code or "",
        version=version or 0,
        title=title,
        scale=scale,
        competencies=[c for c in competencies if c is not None],
        status=status,
        effective_date=effective,
        description=r.text(data, "description", "", required=False),
        authority=r.text(data, "authority", "", required=False),
        cadres=cadres,
    )


def _read_scale(r: Reader, data: dict) -> ScaleSpec:
    scale = r.mapping(data.get("scale"), "scale") if "scale" in data else None
    if scale is None:
        if "scale" not in data:
            r.error("scale", _l("This field is required."))
        return ScaleSpec(Text(), [], 0)
    r.only(scale, "scale", {"title", "levels", "proficient"})
    levels = []
    for path, level in r.items(scale, "levels", "scale"):
        level = r.mapping(level, path)
        if level is None:
            continue
        r.only(level, path, {"value", "title", "description"})
        value = r.number(level, "value", path, minimum=0, maximum=100)
        if (
            levels
            and value is not None
            and levels[-1].value is not None
            and value <= levels[-1].value
        ):
            r.error(
                r.join(path, "value"),
                _l("Levels must be listed from lowest to highest, each value once."),
            )
        levels.append(
            LevelSpec(
                value,
                r.text(level, "title", path),
                r.text(level, "description", path, required=False),
            )
        )
    if len(levels) < 2:
        r.error("scale.levels", _l("A scale needs at least two levels."))
    proficient = r.number(scale, "proficient", "scale", minimum=0, maximum=100)
    if proficient is not None and proficient not in {lv.value for lv in levels}:
        r.error("scale.proficient", _l("The proficient level must be one of the scale's values."))
    return ScaleSpec(r.text(scale, "title", "scale"), levels, proficient or 0)


def _read_competency(r: Reader, node, path: str, seen: dict[str, str], depth: int):
    node = r.mapping(node, path)
    if node is None:
        return None
    r.only(node, path, {"code", "title", "description", "critical", "children"})
    code = r.code(node, "code", path)
    if code is not None:
        if code in seen:
            r.error(
                r.join(path, "code"),
                _l(
                    "The code %(code)s is used twice (first at %(other)s).",
                    code=code,
                    other=seen[code],
                ),
            )
        else:
            seen[code] = path
    if depth >= MAX_DEPTH:
        r.error(path, _l("The tree is too deep (at most %(n)s levels).", n=MAX_DEPTH))
        return None
    children = [
        _read_competency(r, child, child_path, seen, depth + 1)
        for child_path, child in r.items(node, "children", path, required=False)
    ]
    return CompetencySpec(
        code=code or "",
        title=r.text(node, "title", path),
        description=r.text(node, "description", path, required=False),
        critical=bool(r.get(node, "critical", path, bool, required=False, default=False)),
        children=[c for c in children if c is not None],
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
            "completion",
            "modules",
            "instruments",
        },
    )
    code, version, status, effective = _header(r, data)
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


@dataclass
class LoadedFile:
    spec: FrameworkSpec | CurriculumSpec
    source: str
    reader: Reader


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
    """Read files (YAML, or Moodle CSV frameworks) and check references across them.

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
                for candidate in sorted(folder.glob("*.yaml")):
                    text = candidate.read_text(encoding="utf-8")
                    if "kind: framework" not in text:
                        continue
                    item, problems = read_text(text, str(candidate))
                    if item is not None and not problems:
                        cache[(item.spec.code, item.spec.version)] = item.spec
        return cache.get((code, version))

    return find


# --- Writing -------------------------------------------------------------------------------


def _text(text: Text) -> dict:
    return {k: v for k, v in (("km", text.km), ("en", text.en)) if v}


def framework_to_data(spec: FrameworkSpec) -> dict:
    def node(c: CompetencySpec) -> dict:
        out = {"code": c.code, "title": _text(c.title)}
        if c.description:
            out["description"] = _text(c.description)
        if c.critical:
            out["critical"] = True
        if c.children:
            out["children"] = [node(child) for child in c.children]
        return out

    data = {
        "kind": "framework",
        "code": spec.code,
        "version": spec.version,
        "status": spec.status.value,
    }
    if spec.effective_date:
        data["effective_date"] = spec.effective_date
    data["title"] = _text(spec.title)
    if spec.description:
        data["description"] = _text(spec.description)
    if spec.authority:
        data["authority"] = _text(spec.authority)
    if spec.cadres:
        data["cadres"] = list(spec.cadres)
    data["scale"] = {
        "title": _text(spec.scale.title),
        "proficient": spec.scale.proficient,
        "levels": [
            {
                "value": lv.value,
                "title": _text(lv.title),
                **({"description": _text(lv.description)} if lv.description else {}),
            }
            for lv in spec.scale.levels
        ],
    }
    data["competencies"] = [node(c) for c in spec.competencies]
    return data


def curriculum_to_data(spec: CurriculumSpec) -> dict:
    data = {
        "kind": "curriculum",
        "code": spec.code,
        "version": spec.version,
        "status": spec.status.value,
    }
    if spec.effective_date:
        data["effective_date"] = spec.effective_date
    data["title"] = _text(spec.title)
    if spec.description:
        data["description"] = _text(spec.description)
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
    data["completion"] = {
        "min_attendance_percent": spec.min_attendance_percent,
        "competency_rule": spec.competency_rule.value,
        "required_competencies": list(spec.required_competencies),
    }

    def hours(value: float):
        return int(value) if float(value).is_integer() else value

    data["modules"] = []
    for m in spec.modules:
        module = {"code": m.code, "title": _text(m.title)}
        if m.description:
            module["description"] = _text(m.description)
        module["hours"] = {
            "theory": hours(m.hours_theory),
            "practical": hours(m.hours_practical),
            "clinical": hours(m.hours_clinical),
        }
        module["outcomes"] = [
            {"text": _text(o.text), "competencies": list(o.competencies)} for o in m.outcomes
        ]
        data["modules"].append(module)
    data["instruments"] = []
    for i in spec.instruments:
        item = {"code": i.code, "type": i.type.value, "title": _text(i.title)}
        if i.description:
            item["description"] = _text(i.description)
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
                {"text": _text(x.text), **({"critical": True} if x.critical else {})}
                for x in i.items
            ]
        elif i.type is InstrumentType.KNOWLEDGE_TEST:
            item["pass_mark_percent"] = i.pass_mark_percent
            item["attempts"] = i.attempts
            item["questions"] = [
                {
                    "text": _text(q.text),
                    "options": [
                        {"text": _text(o.text), **({"correct": True} if o.correct else {})}
                        for o in q.options
                    ],
                }
                for q in i.questions
            ]
        else:
            item["case_types"] = [
                {"code": c.code, "title": _text(c.title), "min_count": c.min_count}
                for c in i.case_types
            ]
        data["instruments"].append(item)
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump(spec) -> str:
    """The spec as YAML text in the documented layout (stable, human-readable)."""
    data = framework_to_data(spec) if isinstance(spec, FrameworkSpec) else curriculum_to_data(spec)
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
