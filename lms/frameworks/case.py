"""1EdTech CASE 1.1 packages (CFPackage JSON): write ours, read ours or another publisher's.

English goes in the standard fields; Khmer, the status and the proficiency scale go in
`extensions.lms`, which other CASE consumers may ignore. Identifiers are UUIDs derived from
the codes, so exporting the same version twice gives the same file.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from bisect import bisect_right
from collections import defaultdict
from datetime import date

from flask_babel import lazy_gettext as _l

from ..errors import RowError
from .files import MAX_DEPTH, LoadedFile
from .reader import Reader, used_twice
from .spec import CompetencySpec, FrameworkSpec, LevelSpec, ScaleSpec, Status, Text

NAMESPACE = uuid.UUID("a85802ad-b563-44c7-99a6-14b8e08d38b6")
EPOCH = "1970-01-01T00:00:00+00:00"
DEFAULT_CREATOR = "Ministry of Health, Cambodia"
ADOPTION = {Status.DRAFT: "Draft", Status.PUBLISHED: "Adopted", Status.RETIRED: "Deprecated"}
ITEM_TYPES = ("Domain", "Competency")
DEFINITIONS = ("CFConcepts", "CFSubjects", "CFLicenses", "CFItemTypes", "CFAssociationGroupings")

# --- Writing -------------------------------------------------------------------------------


def write_case_json(spec: FrameworkSpec, base_url: str) -> str:
    """The framework as a CASE 1.1 CFPackage, identical for identical input."""
    base = f"{base_url.rstrip('/')}/ims/case/v1p1"
    key = f"{spec.code}/{spec.version}"
    stamp = f"{spec.effective_date.isoformat()}T00:00:00+00:00" if spec.effective_date else EPOCH
    doc_id = str(uuid.uuid5(NAMESPACE, key))
    document = {
        "identifier": doc_id,
        "uri": f"{base}/CFDocuments/{doc_id}",
        "creator": spec.authority.en or DEFAULT_CREATOR,
        "title": spec.title.en or spec.code,
        "lastChangeDateTime": stamp,
        "version": str(spec.version),
        "adoptionStatus": ADOPTION[spec.status],
        "language": "en",
        **({"description": spec.description.en} if spec.description.en else {}),
        "caseVersion": "1.1",
        "frameworkType": "competency",
        "extensions": {"lms": _document_extension(spec)},
    }
    links = {None: {"title": document["title"], "identifier": doc_id, "uri": document["uri"]}}
    items, associations, positions = [], [], defaultdict(int)
    for node, depth, parent in spec.nodes():
        item_id = str(uuid.uuid5(NAMESPACE, f"{key}/{node.code}"))
        assoc_id = str(uuid.uuid5(NAMESPACE, f"{key}/assoc/{node.code}"))
        positions[parent] += 1
        item = {
            "identifier": item_id,
            "uri": f"{base}/CFItems/{item_id}",
            "fullStatement": node.title.en or node.code,
            "humanCodingScheme": node.code,
            "listEnumeration": str(positions[parent]),
            "CFItemType": ITEM_TYPES[depth] if depth < 2 else "Performance criterion",
            "language": "en",
            "lastChangeDateTime": stamp,
            **({"notes": node.description.en} if node.description.en else {}),
            "extensions": {
                "lms": {
                    "title_km": node.title.km,
                    "description_km": node.description.km,
                    "critical": node.critical,
                }
            },
        }
        items.append(item)
        links[node.code] = {
            "title": item["fullStatement"],
            "identifier": item_id,
            "uri": item["uri"],
        }
        associations.append(
            {
                "identifier": assoc_id,
                "uri": f"{base}/CFAssociations/{assoc_id}",
                "associationType": "isChildOf",
                "originNodeURI": links[node.code],
                "destinationNodeURI": links[parent],
                "sequenceNumber": positions[parent],
                "lastChangeDateTime": stamp,
            }
        )
    package = {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {name: [] for name in DEFINITIONS},
    }
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def _pair(text: Text) -> dict:
    return {"km": text.km, "en": text.en}


def _document_extension(spec: FrameworkSpec) -> dict:
    return {
        "code": spec.code,
        "title_km": spec.title.km,
        "description_km": spec.description.km,
        "authority": _pair(spec.authority),
        "cadres": list(spec.cadres),
        "status": spec.status.value,
        "effective_date": spec.effective_date.isoformat() if spec.effective_date else None,
        "scale": {
            "title": _pair(spec.scale.title),
            "proficient": spec.scale.proficient,
            "levels": [
                {"value": lv.value, "title": _pair(lv.title), "description": _pair(lv.description)}
                for lv in spec.scale.levels
            ],
        },
    }


# --- Reading -------------------------------------------------------------------------------

CYCLE = _l("This competency would be its own ancestor.")
UNKNOWN = _l("This association points to an unknown node.")


class _Decoder(json.JSONDecoder):
    """The standard decoder that also remembers where each JSON object starts."""

    def __init__(self):
        super().__init__()
        self.starts: dict[int, int] = {}

        def parse_object(s_and_end, *args):
            value, end = json.decoder.JSONObject(s_and_end, *args)
            self.starts[id(value)] = s_and_end[1] - 1  # where its "{" is
            return value, end

        self.parse_object = parse_object
        self.scan_once = json.scanner.py_make_scanner(self)


def read_case_json(text: str, source: str) -> tuple[LoadedFile | None, list[RowError]]:
    """Parse a CASE 1.0/1.1 package into a framework spec, or say what is wrong and where."""
    text = text.lstrip("\ufeff")
    decoder = _Decoder()
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as exc:
        message = _l("The file is not valid JSON: %(problem)s", problem=exc.msg)
        return None, [RowError(exc.lineno, "", message, source)]
    except RecursionError:
        message = _l("The file is not valid JSON: %(problem)s", problem="nested too deeply")
        return None, [RowError(1, "", message, source)]
    breaks = [m.start() for m in re.finditer("\n", text)]
    lines: dict[str, int] = {"": 1}

    def record(value, path: str) -> None:
        if isinstance(value, dict):
            if id(value) in decoder.starts:
                lines[path] = bisect_right(breaks, decoder.starts[id(value)]) + 1
            for k, v in value.items():
                record(v, Reader.join(path, str(k)))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                record(v, Reader.join(path, i))

    record(data, "")
    r = Reader(source, lines)
    if not isinstance(data, dict) or not isinstance(data.get("CFDocument"), dict):
        r.error("CFDocument", _l("The package has no CFDocument."))
        return None, r.errors
    spec = _document(r, data["CFDocument"])
    nodes, parents = _items(r, data), {}
    for path, assoc in r.items(data, "CFAssociations", "", required=False):
        _association(r, assoc, path, nodes, parents, data["CFDocument"].get("identifier"))
    spec.competencies = _tree(r, nodes, parents)
    if r.errors:
        return None, r.errors
    return LoadedFile(spec, source, r), []


def _lms(r: Reader, value: dict, path: str) -> dict:
    extensions = value.get("extensions")
    lms = extensions.get("lms") if isinstance(extensions, dict) else None
    if lms is None:
        return {}
    return r.mapping(lms, f"{path}.extensions.lms") or {}


def _clean(value) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _text(value) -> Text:
    value = value if isinstance(value, dict) else {}
    return Text(km=_clean(value.get("km")), en=_clean(value.get("en")))


def _document(r: Reader, doc: dict) -> FrameworkSpec:
    lms, path = _lms(r, doc, "CFDocument"), "CFDocument.extensions.lms"
    title = _clean(r.get(doc, "title", "CFDocument", str)) or ""
    derived = re.sub(r"[^A-Z0-9]+", "-", title.upper()).strip("-")[:40].rstrip("-")
    code = r.code(lms, "code", path, required=False) or derived or "FRAMEWORK"
    version = str(doc.get("version", ""))
    effective = r.get(lms, "effective_date", path, str, required=False)
    try:
        effective = date.fromisoformat(effective) if effective else None
    except ValueError:
        r.error(f"{path}.effective_date", _l("Expected %(kind)s.", kind=_l("a date (YYYY-MM-DD)")))
        effective = None
    if "authority" in lms:
        authority = _text(lms["authority"])
    else:
        authority = Text(en=_clean(doc.get("creator")))
    return FrameworkSpec(
        code=code,
        version=int(version) if re.fullmatch(r"[1-9][0-9]{0,3}", version) else 1,
        title=Text(km=_clean(lms.get("title_km")), en=title or None),
        scale=_scale(r, lms["scale"], f"{path}.scale") if "scale" in lms else _default_scale(),
        competencies=[],
        status=r.choice(lms, "status", path, Status, required=False, default=Status.DRAFT),
        effective_date=effective,
        description=Text(km=_clean(lms.get("description_km")), en=_clean(doc.get("description"))),
        authority=authority,
        cadres=[str(c) for _p, c in r.items(lms, "cadres", path, required=False)],
    )


def _default_scale() -> ScaleSpec:
    levels = [LevelSpec(1, Text(en="Not yet competent")), LevelSpec(2, Text(en="Competent"))]
    return ScaleSpec(Text(en="Competency scale"), levels, 2)


def _scale(r: Reader, raw, path: str) -> ScaleSpec:
    raw = r.mapping(raw, path) or {}
    levels = []
    for lpath, level in r.items(raw, "levels", path):
        level = r.mapping(level, lpath)
        if level is not None:
            value = r.number(level, "value", lpath, minimum=0, maximum=100)
            levels.append(
                LevelSpec(value or 0, _text(level.get("title")), _text(level.get("description")))
            )
    if len(levels) < 2:
        r.error(f"{path}.levels", _l("A scale needs at least two levels."))
    proficient = r.number(raw, "proficient", path, minimum=0, maximum=100)
    if proficient is not None and proficient not in {lv.value for lv in levels}:
        r.error(f"{path}.proficient", _l("The proficient level must be one of the scale's values."))
    return ScaleSpec(_text(raw.get("title")), levels, proficient or 0)


def _items(r: Reader, data: dict) -> dict[str, tuple[int, dict, CompetencySpec]]:
    """Items by identifier: (index, raw item, competency without children)."""
    nodes, codes = {}, {}
    for i, (path, item) in enumerate(r.items(data, "CFItems", "", required=False)):
        item = r.mapping(item, path)
        if item is None:
            continue
        identifier = r.get(item, "identifier", path, str)
        statement = _clean(r.get(item, "fullStatement", path, str))
        if statement is None and isinstance(item.get("fullStatement"), str):
            r.error(f"{path}.fullStatement", _l("This field is required."))
        code = r.code(item, "humanCodingScheme", path, required=False)
        if code in codes:
            r.error(f"{path}.humanCodingScheme", used_twice(code, codes[code]))
        elif code:
            codes[code] = path
        if identifier in nodes:
            r.error(
                f"{path}.identifier", used_twice(identifier, f"CFItems[{nodes[identifier][0]}]")
            )
        if identifier is None or identifier in nodes:
            continue
        lms = _lms(r, item, path)
        title = Text(km=_clean(lms.get("title_km")), en=statement)
        notes = Text(km=_clean(lms.get("description_km")), en=_clean(item.get("notes")))
        competency = CompetencySpec(code or "", title, notes, critical=lms.get("critical") is True)
        nodes[identifier] = (i, item, competency)
    return nodes


def _association(r: Reader, assoc, path: str, nodes: dict, parents: dict, doc_id) -> None:
    """Record the parent that an isChildOf association gives its origin item."""
    assoc = r.mapping(assoc, path)
    if assoc is None or assoc.get("associationType") != "isChildOf":
        return
    ends = []
    for end in ("originNodeURI", "destinationNodeURI"):
        link = assoc.get(end)
        ends.append(link.get("identifier") if isinstance(link, dict) else link)
    origin, destination = ends
    if origin not in nodes:
        r.error(f"{path}.originNodeURI", UNKNOWN)
    elif destination != doc_id and destination not in nodes:
        r.error(f"{path}.destinationNodeURI", UNKNOWN)
    elif origin in parents:
        r.error(f"{path}.originNodeURI", _l("This item already has a parent."))
    else:
        sequence = assoc.get("sequenceNumber")
        sequence = sequence if isinstance(sequence, int) else math.inf
        parents[origin] = (None if destination == doc_id else destination, sequence, path)


def _natural(value) -> list:
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", str(value or ""))]


def _tree(r: Reader, nodes: dict, parents: dict) -> list[CompetencySpec]:
    """Link items under their parents (items with no parent are top-level) and name the codeless."""
    for identifier in nodes:
        seen, current = set(), identifier
        while current in parents and current not in seen:
            seen.add(current)
            current = parents[current][0]
            if current == identifier:
                r.error(f"{parents[identifier][2]}.destinationNodeURI", CYCLE)
                break
    children = defaultdict(list)
    for identifier, (index, item, _c) in nodes.items():
        parent, sequence, _path = parents.get(identifier, (None, math.inf, ""))
        order = (sequence, _natural(item.get("listEnumeration")))
        children[parent].append(
            (order + (_natural(item.get("humanCodingScheme")), index), identifier)
        )
    used = {c.code for _i, _item, c in nodes.values() if c.code}

    def build(parent, parent_code: str, depth: int) -> list[CompetencySpec]:
        result = []
        for position, (_order, identifier) in enumerate(sorted(children[parent]), 1):
            index, _item, competency = nodes[identifier]
            if depth >= MAX_DEPTH:
                r.error(
                    f"CFItems[{index}]",
                    _l("The tree is too deep (at most %(n)s levels).", n=MAX_DEPTH),
                )
                continue
            if not competency.code:
                code = f"{parent_code}.{position}" if parent_code else str(position)
                competency.code = (
                    code if code not in used and len(code) <= 40 else f"ITEM-{index + 1}"
                )
                used.add(competency.code)
            competency.children = build(identifier, competency.code, depth + 1)
            result.append(competency)
        return result

    return build(None, "", 0)
