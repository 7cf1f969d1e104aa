"""Reading and writing framework files, and the typed reader both kinds of file use.

Every error names the file, the place in it (`competencies[0].children[2].code`), the line,
and what is wrong. Nothing here touches the database. The format is in curricula/README.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

import yaml
from flask_babel import lazy_gettext as _l

from ..errors import RowError
from .spec import CompetencySpec, FrameworkSpec, LevelSpec, ScaleSpec, Status, Text

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
            first = kind[0] if isinstance(kind, tuple) else kind  # (str, int): a code
            self.error(where, _l("Expected %(kind)s.", kind=names.get(first, first.__name__)))
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


def read_header(r: Reader, data: dict):
    code = r.code(data, "code", "")
    version = r.number(data, "version", "", minimum=1, maximum=9999)
    status = r.choice(data, "status", "", Status, required=False, default=Status.DRAFT)
    effective = r.get(data, "effective_date", "", date, required=False)
    return code, version, status, effective


def read_framework(r: Reader, data: dict) -> FrameworkSpec | None:
    r.only(data, "", COMMON | {"authority", "cadres", "scale", "competencies"})
    code, version, status, effective = read_header(r, data)
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


@dataclass
class LoadedFile:
    spec: object  # a FrameworkSpec or a CurriculumSpec
    source: str
    reader: Reader


def text_data(text: Text) -> dict:
    return {k: v for k, v in (("km", text.km), ("en", text.en)) if v}


def framework_to_data(spec: FrameworkSpec) -> dict:
    def node(c: CompetencySpec) -> dict:
        out = {"code": c.code, "title": text_data(c.title)}
        if c.description:
            out["description"] = text_data(c.description)
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
    data["title"] = text_data(spec.title)
    if spec.description:
        data["description"] = text_data(spec.description)
    if spec.authority:
        data["authority"] = text_data(spec.authority)
    if spec.cadres:
        data["cadres"] = list(spec.cadres)
    data["scale"] = {
        "title": text_data(spec.scale.title),
        "proficient": spec.scale.proficient,
        "levels": [
            {
                "value": lv.value,
                "title": text_data(lv.title),
                **({"description": text_data(lv.description)} if lv.description else {}),
            }
            for lv in spec.scale.levels
        ],
    }
    data["competencies"] = [node(c) for c in spec.competencies]
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_data(data: dict) -> str:
    """Data as YAML text in the documented layout (stable, human-readable)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


def hash_data(data: dict) -> str:
    """The SHA-256 of data in its canonical YAML form."""
    return hashlib.sha256(dump_data(data).encode()).hexdigest()
