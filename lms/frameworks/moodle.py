"""Moodle competency framework CSV (tool_lpimportcsv): write ours, read ours or Moodle's.

Moodle reads the 14 columns by position and knows no Khmer, status or effective date. Our
exports carry those inside the HTML description as paragraphs marked `data-lms="…"`, so a
framework sent to Moodle and back returns unchanged, except that it comes back as a draft.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from ..errors import RowError
from .files import MAX_DEPTH, LoadedFile
from .reader import CODE_RE, Reader
from .spec import CompetencySpec, FrameworkSpec, LevelSpec, ScaleSpec, Status, Text

HEADER = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
PARENT, IDNUMBER, SHORTNAME, DESCRIPTION = HEADER[:4]
SCALE_VALUES, SCALE_CONFIG, IS_FRAMEWORK = HEADER[5], HEADER[6], HEADER[12]
TAXONOMY = ("domain", "competency", "indicator", "behaviour", "practice", "skill")
SHORT_NAME_MAX = 100
FOREIGN_SCALE_TITLE = "Competency scale"
VERSION_RE = re.compile(r"^(.+)-v([1-9][0-9]{0,3})$")
CYCLE = _l("This competency would be its own ancestor.")
BAD_CODE = _l("A code has 1 to 40 letters, digits, dots, dashes or underscores.")
REQUIRED = _l("This field is required.")

# --- Writing -------------------------------------------------------------------------------


def write_moodle_csv(spec: FrameworkSpec) -> str:
    """The CSV Moodle imports: header, the framework row, then every competency depth first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    depth = max((d for _node, d, _parent in spec.nodes()), default=0) + 1
    levels = spec.scale.levels
    config = [{"scaleid": "0"}] + [
        {"id": i, "scaledefault": int(i == 1), "proficient": int(lv.value >= spec.scale.proficient)}
        for i, lv in enumerate(levels, 1)
    ]
    taxonomy = [TAXONOMY[min(d, len(TAXONOMY) - 1)] for d in range(depth)]
    writer.writerow(
        ["", f"{spec.code}-v{spec.version}", _short_name(spec.title, spec.code)]
        + [_framework_html(spec), "1", ",".join(_scale_item(lv) for lv in levels)]
        + [json.dumps(config, separators=(",", ":")), "", "", "", "", "", "1", ",".join(taxonomy)]
    )
    for node, _depth, parent in spec.nodes():
        writer.writerow(
            [parent or "", node.code, _short_name(node.title, node.code), _node_html(node)]
            + ["1", "", "", "", "0", "null", "", "", "", ""]
        )
    return out.getvalue()


def _short_name(title: Text, code: str) -> str:
    name = title.en or code
    return name if len(name) <= SHORT_NAME_MAX else name[: SHORT_NAME_MAX - 1].rstrip() + "…"


def _scale_item(level: LevelSpec) -> str:
    # Moodle joins scale items with commas and has no escape for them.
    name = level.title.en or level.title.km or str(level.value)
    return " ".join(name.replace(",", "\u201a").split())


def _tag(tag: str, name: str, text: str | None, lang: str | None = None) -> str:
    if not text:
        return ""
    lang_attr = f' lang="{lang}"' if lang else ""
    body = html.escape(text).replace("\n", "<br>")
    return f'<{tag}{lang_attr} data-lms="{name}">{body}</{tag}>'


def _texts_html(title: Text, description: Text) -> list[str]:
    long_title = title.en if title.en and len(title.en) > SHORT_NAME_MAX else None
    return [
        _tag("p", "description", description.en, "en"),
        _tag("p", "title-en", long_title, "en"),
        _tag("p", "title", title.km, "km"),
        _tag("p", "description", description.km, "km"),
    ]


def _node_html(node: CompetencySpec) -> str:
    parts = _texts_html(node.title, node.description)
    parts.append(_tag("p", "critical", "Critical" if node.critical else None))
    return "\n".join(p for p in parts if p)


def _framework_html(spec: FrameworkSpec) -> str:
    parts = _texts_html(spec.title, spec.description) + [
        _tag("p", "authority", spec.authority.en, "en"),
        _tag("p", "authority", spec.authority.km, "km"),
        _tag("p", "effective-date", spec.effective_date and spec.effective_date.isoformat()),
        _tag("p", "cadres", ", ".join(spec.cadres)),
        _tag("p", "scale-title", spec.scale.title.en, "en"),
        _tag("p", "scale-title", spec.scale.title.km, "km"),
        '<ol data-lms="scale">',
    ]
    for lv in spec.scale.levels:
        spans = [
            _tag("span", "level", lv.title.en, "en"),
            _tag("span", "level", lv.title.km, "km"),
            _tag("span", "level-description", lv.description.en, "en"),
            _tag("span", "level-description", lv.description.km, "km"),
        ]
        parts.append(f'<li data-value="{lv.value}">{" ".join(s for s in spans if s)}</li>')
    parts.append("</ol>")
    return "\n".join(p for p in parts if p)


# --- Reading -------------------------------------------------------------------------------

_P = re.compile(r'<p\b([^>]*\bdata-lms="[^"]*"[^>]*)>(.*?)</p>', re.S)
_SCALE = re.compile(r'<ol\b[^>]*\bdata-lms="scale"[^>]*>(.*?)</ol>', re.S)
_LI = re.compile(r"<li\b([^>]*)>(.*?)</li>", re.S)
_SPAN = re.compile(r'<span\b([^>]*\bdata-lms="[^"]*"[^>]*)>(.*?)</span>', re.S)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_BLOCK = re.compile(r"<(?:br|/?p|/?div|/?li|/?ul|/?ol|/?h\d)\b[^>]*>", re.I)


@dataclass
class _Row:
    line: int
    parent: str
    code: str
    name: str
    description: str
    format: str
    scale_values: str
    scale_config: str


def read_moodle_csv(text: str, source: str) -> tuple[LoadedFile | None, list[RowError]]:
    """Parse a Moodle framework CSV (ours or a Moodle site's) into a draft, or say what is wrong."""
    records, errors = _records(text, source)
    if errors:
        return None, errors
    if not records or len(records[0][1]) != len(HEADER):
        message = _l("The file needs the 14 columns of a Moodle competency framework.")
        return None, [RowError(1, "", message, source)]

    def err(line: int, column: str, message) -> None:
        errors.append(RowError(line, column, message, source))

    framework, rows = None, {}
    for line, fields in records[1:]:
        if len(fields) != len(HEADER):
            message = _l("This row has %(found)s values instead of 14.", found=len(fields))
            err(line, "", message)
            continue
        row = _Row(line, *(f.strip() for f in fields[:7]))
        if fields[12].strip().lower() not in ("", "0", "false", "no"):
            if framework is not None:
                err(line, IS_FRAMEWORK, _l("Only one row may be the framework."))
            framework = framework or row
        elif not row.code:
            err(line, IDNUMBER, REQUIRED)
        elif row.code in rows:
            err(line, IDNUMBER, _l("This code appears twice in the file."))
        else:
            rows[row.code] = row
            if not CODE_RE.match(row.code):
                err(line, IDNUMBER, BAD_CODE)
        if not row.name:
            err(line, SHORTNAME, REQUIRED)
    if framework is None:
        err(1, IS_FRAMEWORK, _l("No row is marked as the framework (Is framework = 1)."))
    competencies = _tree(rows, err)
    spec = _framework(framework, competencies, err) if framework else None
    if errors:
        return None, sorted(errors, key=lambda e: e.line)
    return LoadedFile(spec, source, Reader(source, {})), []


def _records(text: str, source: str) -> tuple[list[tuple[int, list[str]]], list[RowError]]:
    """Non-blank records with the physical line each starts on (quoted fields span lines)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    first = text.split("\n", 1)[0]
    delimiter = next(
        (d for d in ",;\t:" if len(next(csv.reader([first], delimiter=d))) == len(HEADER)), ","
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, last = [], 0
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                records.append((last + 1, fields))
            last = reader.line_num
    except csv.Error:
        return [], [RowError(last + 1, "", _l("The CSV file is malformed."), source)]
    return records, []


def _tree(rows: dict[str, _Row], err) -> list[CompetencySpec]:
    for row in rows.values():
        if row.parent and row.parent not in rows:
            err(row.line, PARENT, _l("No competency has the ID number %(code)s.", code=row.parent))
        elif _on_cycle(row, rows):
            err(row.line, PARENT, CYCLE)
    children = defaultdict(list)
    for row in rows.values():
        children[row.parent].append(row)

    def build(parent: str, depth: int) -> list[CompetencySpec]:
        nodes = []
        for row in children[parent]:
            if depth >= MAX_DEPTH:
                err(
                    row.line,
                    PARENT,
                    _l("The tree is too deep (at most %(n)s levels).", n=MAX_DEPTH),
                )
                continue
            parts, _levels, rest = _read_markup(row.description)
            title, description = _texts(row, parts, rest)
            nodes.append(
                CompetencySpec(
                    row.code,
                    title,
                    description,
                    critical=("critical", None) in parts,
                    children=build(row.code, depth + 1),
                )
            )
        return nodes

    return build("", 0)


def _on_cycle(row: _Row, rows: dict[str, _Row]) -> bool:
    seen, current = set(), row
    while current.parent in rows and current.code not in seen:
        seen.add(current.code)
        current = rows[current.parent]
        if current is row:
            return True
    return False


def _framework(row: _Row, competencies: list[CompetencySpec], err) -> FrameworkSpec | None:
    if not row.code:
        err(row.line, IDNUMBER, REQUIRED)
    match = VERSION_RE.match(row.code)
    code, version = (match.group(1), int(match.group(2))) if match else (row.code, 1)
    if row.code and not CODE_RE.match(code):
        err(row.line, IDNUMBER, BAD_CODE)
    parts, levels, rest = _read_markup(row.description)
    title, description = _texts(row, parts, rest)
    effective = None
    if parts.get(("effective-date", None)):
        try:
            effective = date.fromisoformat(parts[("effective-date", None)])
        except ValueError:
            err(row.line, DESCRIPTION, _l("Expected %(kind)s.", kind=_l("a date (YYYY-MM-DD)")))
    scale = _scale(row, parts, levels, err)
    if scale is None:
        return None
    cadres = parts.get(("cadres", None), "")
    return FrameworkSpec(
        code=code,
        version=version,
        title=title,
        scale=scale,
        competencies=competencies,
        status=Status.DRAFT,
        effective_date=effective,
        description=description,
        authority=_text(parts, "authority"),
        cadres=[c.strip() for c in cadres.split(",") if c.strip()],
    )


def _scale(row: _Row, parts: dict, markup: list | None, err) -> ScaleSpec | None:
    items = [item.strip() for item in row.scale_values.split(",") if item.strip()]
    if not items:
        err(row.line, SCALE_VALUES, REQUIRED)
        return None
    levels = [LevelSpec(i, Text(en=item)) for i, item in enumerate(items, 1)]
    title = Text(en=FOREIGN_SCALE_TITLE)
    if markup is not None:
        title = _text(parts, "scale-title")
        if len(markup) == len(levels) and all(value is not None for value, _p in markup):
            levels = [
                LevelSpec(value, _text(p, "level"), _text(p, "level-description"))
                for value, p in markup
            ]
    try:
        config = json.loads(row.scale_config)
        if not isinstance(config, list) or not all(isinstance(c, dict) for c in config):
            raise TypeError
        entries = [c for c in config if "scaleid" not in c]
        marked = sorted(int(c["id"]) for c in entries if int(c.get("proficient") or 0))
        if any(not 1 <= int(c["id"]) <= len(levels) for c in entries):
            raise ValueError
    except (ValueError, TypeError, KeyError):
        example = '[{"scaleid":"0"},{"id":2,"scaledefault":1,"proficient":1}]'
        err(row.line, SCALE_CONFIG, _l("Expected a JSON list like %(example)s.", example=example))
        return None
    if not marked:
        err(row.line, SCALE_CONFIG, _l("No scale level is marked proficient."))
        return None
    return ScaleSpec(title, levels, levels[marked[0] - 1].value)


def _texts(row: _Row, parts: dict, rest: str) -> tuple[Text, Text]:
    title = Text(km=parts.get(("title", "km")), en=parts.get(("title-en", "en")) or row.name)
    english = parts.get(("description", "en")) or _plain(rest, row.format)
    return title, Text(km=parts.get(("description", "km")), en=english)


def _text(parts: dict, name: str) -> Text:
    return Text(km=parts.get((name, "km")), en=parts.get((name, "en")))


def _read_markup(description: str) -> tuple[dict, list | None, str]:
    """Our data-lms parts, the scale's levels if listed, and the rest of the description."""
    levels = None
    scale = _SCALE.search(description)
    if scale:
        levels = []
        for li in _LI.finditer(scale.group(1)):
            value = dict(_ATTR.findall(li.group(1))).get("data-value", "")
            levels.append((int(value) if value.isdigit() else None, _parts(_SPAN, li.group(2))))
        description = description[: scale.start()] + description[scale.end() :]
    return _parts(_P, description), levels, _P.sub(" ", description)


def _parts(pattern: re.Pattern, fragment: str) -> dict[tuple[str, str | None], str]:
    found = {}
    for match in pattern.finditer(fragment):
        attrs = dict(_ATTR.findall(match.group(1)))
        body = re.sub(r"<br\s*/?>", "\n", match.group(2))
        value = html.unescape(re.sub(r"<[^>]+>", "", body))
        if value:
            found[(attrs.get("data-lms"), attrs.get("lang"))] = value
    return found


def _plain(fragment: str, description_format: str) -> str | None:
    """HTML (formats 0 and 1) or plain text as one line of plain text; None when empty."""
    if description_format in ("", "0", "1"):
        fragment = html.unescape(re.sub(r"<[^>]+>", "", _BLOCK.sub(" ", fragment)))
    return " ".join(fragment.split()) or None
