"""Reading quality tool files (YAML), with errors that name the file, place, line and problem.

Nothing here touches the database; references to curricula, competencies and cadres are
checked by the importer. The format is documented in lms/quality/tools/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from ..errors import RowError
from ..frameworks.reader import COMMON, Reader, parse_yaml, read_data_file, read_header
from ..orgunits.models import FacilityType
from .spec import (
    AnswerType,
    Computation,
    ComputeSpec,
    DomainSpec,
    IndicatorSpec,
    Method,
    Thresholds,
    ToolSpec,
)

TOOLS = Path(__file__).parent / "tools"
KIND = "quality_tool"


@dataclass
class LoadedTool:
    source: str
    spec: ToolSpec
    data: dict
    lines: dict

    def error(self, path: str, message) -> RowError:
        reader = Reader(self.source, self.lines)
        return RowError(reader.line(path), path, message, self.source)


def _facility_types(r: Reader, data: dict, path: str, required: bool) -> list[str]:
    known = {t.value for t in FacilityType}
    values = []
    for where, value in r.items(data, "facility_types", path, required=required):
        if str(value) not in known:
            r.error(
                where,
                _l(
                    "Unknown facility type. Use one of: %(values)s", values=", ".join(sorted(known))
                ),
            )
        values.append(str(value))
    return values


def _codes(r: Reader, data: dict, key: str, path: str, qualified: bool = False) -> list[str]:
    values = []
    for where, value in r.items(data, key, path, required=False):
        value = str(value)
        if qualified and value.count(":") != 1:
            r.error(where, _l("Write a competency as FRAMEWORK:CODE, e.g. MW-CORE:MW-3.1."))
        values.append(value)
    return values


def _thresholds(r: Reader, data: dict, path: str, lo, hi) -> Thresholds | None:
    value = data.get("thresholds")
    where = r.join(path, "thresholds")
    if value is None:
        r.error(where, _l("A number needs thresholds: {met: ..., partial: ...}."))
        return None
    value = r.mapping(value, where)
    if value is None:
        return None
    r.only(value, where, {"met", "partial", "higher_is_better"})
    met = r.number(value, "met", where, kind=float, minimum=lo, maximum=hi)
    partial = r.number(value, "partial", where, kind=float, minimum=lo, maximum=hi, required=False)
    higher = r.get(value, "higher_is_better", where, bool, required=False, default=True)
    if met is None:
        return None
    if partial is not None and (partial > met if higher else partial < met):
        r.error(r.join(where, "partial"), _l("'partial' must be on the failing side of 'met'."))
    return Thresholds(met, partial, higher)


def _compute(r: Reader, data: dict, path: str) -> ComputeSpec | None:
    where = r.join(path, "compute")
    value = r.mapping(data.get("compute"), where) if data.get("compute") is not None else None
    if value is None:
        if "compute" not in data:
            r.error(
                where, _l("A computed indicator says how: compute: {type: ..., curricula: [...]}")
            )
        return None
    r.only(value, where, {"type", "curricula", "cadres"})
    kind = r.choice(value, "type", where, Computation)
    curricula = _codes(r, value, "curricula", where)
    if not curricula:
        r.error(r.join(where, "curricula"), _l("Name at least one curriculum code."))
    if kind is None:
        return None
    return ComputeSpec(kind, curricula, _codes(r, value, "cadres", where))


INDICATOR_FIELDS = {
    "code",
    "text",
    "method",
    "answer",
    "weight",
    "critical",
    "allow_na",
    "facility_types",
    "min",
    "max",
    "unit",
    "thresholds",
    "compute",
    "area",
    "guidance",
    "competencies",
    "curricula",
}


def _indicator(r: Reader, node, path: str, seen: dict[str, str]) -> IndicatorSpec | None:
    data = r.mapping(node, path)
    if data is None:
        return None
    r.only(data, path, INDICATOR_FIELDS)
    code = r.code(data, "code", path)
    if code:
        if code in seen:
            r.error(
                r.join(path, "code"), _l("This code is already used at %(path)s.", path=seen[code])
            )
        seen[code] = path
    answer = r.choice(data, "answer", path, AnswerType)
    method = r.choice(
        data,
        "method",
        path,
        Method,
        required=answer != AnswerType.COMPUTED,
        default=Method.COMPUTED if answer == AnswerType.COMPUTED else None,
    )
    if answer == AnswerType.COMPUTED and method not in (None, Method.COMPUTED):
        r.error(r.join(path, "method"), _l("A computed indicator has the method 'computed'."))
    if method == Method.COMPUTED and answer not in (None, AnswerType.COMPUTED):
        r.error(r.join(path, "answer"), _l("Only a computed indicator has the method 'computed'."))
    spec = IndicatorSpec(
        code=code or "",
        text=r.text(data, "text", path),
        method=method or Method.OBSERVATION,
        answer=answer or AnswerType.YES_NO,
        weight=r.number(
            data, "weight", path, kind=float, minimum=0, maximum=100, required=False, default=1.0
        ),
        critical=r.get(data, "critical", path, bool, required=False, default=False),
        allow_na=r.get(data, "allow_na", path, bool, required=False, default=False),
        facility_types=_facility_types(r, data, path, required=False),
        unit=r.text(data, "unit", path, required=False),
        area=r.code(data, "area", path, required=False),
        guidance=r.text(data, "guidance", path, required=False),
        competencies=_codes(r, data, "competencies", path, qualified=True),
        curricula=_codes(r, data, "curricula", path),
    )
    if answer in (AnswerType.NUMBER, AnswerType.COMPUTED):
        if answer == AnswerType.COMPUTED:
            spec.minimum, spec.maximum = 0.0, None
            spec.compute = _compute(r, data, path)
            if spec.compute and spec.compute.type == Computation.STAFF_SHARE:
                spec.maximum = 100.0
        else:
            spec.minimum = r.number(data, "min", path, kind=float, required=False, default=0.0)
            spec.maximum = r.number(data, "max", path, kind=float, required=False)
            if (
                spec.maximum is not None
                and spec.minimum is not None
                and (spec.maximum <= spec.minimum)
            ):
                r.error(r.join(path, "max"), _l("'max' must be greater than 'min'."))
        spec.thresholds = _thresholds(r, data, path, spec.minimum, spec.maximum)
    else:
        for key in ("min", "max", "thresholds", "compute", "unit"):
            if key in data:
                r.error(r.join(path, key), _l("Only a number or a computed indicator has this."))
    return spec


def read_tool(r: Reader, data: dict) -> ToolSpec:
    r.only(data, "", COMMON | {"facility_types", "scoring", "domains"})
    code, version, status, effective = read_header(r, data)
    scoring = r.mapping(data.get("scoring") or {}, "scoring") or {}
    r.only(scoring, "scoring", {"pass_percent", "critical_cap_percent"})
    spec = ToolSpec(
        code=code or "",
        version=version or 0,
        title=r.text(data, "title", ""),
        facility_types=_facility_types(r, data, "", required=True),
        domains=[],
        status=status,
        effective_date=effective,
        description=r.text(data, "description", "", required=False),
        pass_percent=r.number(
            scoring,
            "pass_percent",
            "scoring",
            kind=float,
            minimum=0,
            maximum=100,
            required=False,
            default=70.0,
        ),
        critical_cap_percent=r.number(
            scoring,
            "critical_cap_percent",
            "scoring",
            kind=float,
            minimum=0,
            maximum=100,
            required=False,
        ),
    )
    domain_codes: dict[str, str] = {}
    indicator_codes: dict[str, str] = {}
    for path, node in r.items(data, "domains", ""):
        domain = r.mapping(node, path)
        if domain is None:
            continue
        r.only(domain, path, {"code", "title", "weight", "indicators", "competencies", "curricula"})
        dcode = r.code(domain, "code", path)
        if dcode:
            if dcode in domain_codes:
                r.error(
                    r.join(path, "code"),
                    _l("This code is already used at %(path)s.", path=domain_codes[dcode]),
                )
            domain_codes[dcode] = path
        indicators = [
            _indicator(r, inode, ipath, indicator_codes)
            for ipath, inode in r.items(domain, "indicators", path)
        ]
        if not indicators:
            r.error(r.join(path, "indicators"), _l("A domain needs at least one indicator."))
        spec.domains.append(
            DomainSpec(
                code=dcode or "",
                title=r.text(domain, "title", path),
                weight=r.number(
                    domain,
                    "weight",
                    path,
                    kind=float,
                    minimum=0,
                    maximum=1000,
                    required=False,
                    default=1.0,
                ),
                indicators=[i for i in indicators if i is not None],
                competencies=_codes(r, domain, "competencies", path, qualified=True),
                curricula=_codes(r, domain, "curricula", path),
            )
        )
    if not spec.domains and "domains" in data:
        r.error("domains", _l("A tool needs at least one domain."))
    if spec.critical_cap_percent is None and any(i.critical for i in spec.indicators()):
        r.error(
            "scoring",
            _l("Critical indicators need scoring.critical_cap_percent: the score they cap to."),
        )
    for domain in spec.domains:
        for indicator in domain.indicators:
            if indicator.facility_types and not set(indicator.facility_types) <= set(
                spec.facility_types
            ):
                r.error(
                    "facility_types",
                    _l(
                        "Indicator %(code)s applies to a facility type the tool does not.",
                        code=indicator.code,
                    ),
                )
    return spec


def read_tool_text(text: str, source: str) -> tuple[LoadedTool | None, list[RowError]]:
    """One tool file's text to a spec, or the problems found in it (all of them)."""
    data, lines, errors = parse_yaml(text, source)
    if errors:
        return None, errors
    r = Reader(source, lines)
    if not isinstance(data, dict):
        r.error("", _l("Expected a mapping of names to values."))
        return None, r.errors
    if data.get("kind") != KIND:
        r.error("kind", _l("A quality tool file starts with 'kind: quality_tool'."))
        return None, r.errors
    spec = read_tool(r, data)
    return (None, r.errors) if r.errors else (LoadedTool(source, spec, data, lines), [])


def read_tool_files(paths: list[Path]) -> tuple[list[LoadedTool], list[RowError]]:
    loaded, errors = [], []
    for path in paths:
        text, problem = read_data_file(path)
        if problem:
            errors.append(problem)
            continue
        tool, problems = read_tool_text(text, str(path))
        errors.extend(problems)
        if tool:
            loaded.append(tool)
    seen: dict[tuple[str, int], str] = {}
    for tool in loaded:
        key = (tool.spec.code, tool.spec.version)
        if key in seen:
            errors.append(
                RowError(
                    1,
                    "code",
                    _l(
                        "%(code)s version %(v)s is also in %(other)s.",
                        code=key[0],
                        v=key[1],
                        other=seen[key],
                    ),
                    tool.source,
                )
            )
        seen[key] = tool.source
    return loaded, errors
