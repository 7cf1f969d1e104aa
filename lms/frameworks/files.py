"""Reading and writing framework files.

Every error names the file, the place in it (`competencies[0].children[2].code`), the line,
and what is wrong. Nothing here touches the database. The format is in curricula/README.md.
The typed reader that every kind of data file uses is in `reader.py`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import yaml
from flask_babel import lazy_gettext as _l

from .reader import COMMON, Reader, read_header
from .spec import CompetencySpec, FrameworkSpec, LevelSpec, ScaleSpec, Text

MAX_DEPTH = 6


def read_framework(r: Reader, data: dict) -> FrameworkSpec | None:
    """The framework a file's data describes (its problems are recorded in `r`)."""
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
    r.unique(seen, code, path)
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
    """A text as a file writes it: `{km: ..., en: ...}`, leaving out a missing language."""
    return {k: v for k, v in (("km", text.km), ("en", text.en)) if v}


def header_data(kind: str, spec) -> dict:
    """The fields every versioned file starts with (`COMMON`), from its spec."""
    data = {"kind": kind, "code": spec.code, "version": spec.version, "status": spec.status.value}
    if spec.effective_date:
        data["effective_date"] = spec.effective_date
    data["title"] = text_data(spec.title)
    if spec.description:
        data["description"] = text_data(spec.description)
    return data


def framework_to_data(spec: FrameworkSpec) -> dict:
    """A framework as the data of its YAML file, in the documented order."""

    def node(c: CompetencySpec) -> dict:
        out = {"code": c.code, "title": text_data(c.title)}
        if c.description:
            out["description"] = text_data(c.description)
        if c.critical:
            out["critical"] = True
        if c.children:
            out["children"] = [node(child) for child in c.children]
        return out

    data = header_data("framework", spec)
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
