"""CASE 1.1 packages: our export, its round trip, a foreign package, errors with JSON paths."""

import json
import re
from datetime import datetime

import pytest

from lms.frameworks.case import read_case_json, write_case_json
from lms.frameworks.spec import Status, Text

from .fixtures.specs import rich_spec

BASE = "https://lms.example"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# Required and allowed properties in the 1.1 package binding (CFPckg*DType: no other properties).
DOCUMENT = {"identifier", "uri", "creator", "title", "lastChangeDateTime"}
DOCUMENT_ALLOWED = DOCUMENT | {
    "frameworkType",
    "caseVersion",
    "officialSourceURL",
    "publisher",
    "description",
    "subject",
    "subjectURI",
    "language",
    "version",
    "adoptionStatus",
    "statusStartDate",
    "statusEndDate",
    "licenseURI",
    "notes",
    "extensions",
}
ITEM = {"identifier", "fullStatement", "uri", "lastChangeDateTime"}
ITEM_ALLOWED = ITEM | {
    "alternativeLabel",
    "CFItemType",
    "humanCodingScheme",
    "listEnumeration",
    "abbreviatedStatement",
    "conceptKeywords",
    "conceptKeywordsURI",
    "notes",
    "subject",
    "subjectURI",
    "language",
    "educationLevel",
    "CFItemTypeURI",
    "licenseURI",
    "statusStartDate",
    "statusEndDate",
    "extensions",
}
ASSOCIATION = {
    "identifier",
    "associationType",
    "uri",
    "originNodeURI",
    "destinationNodeURI",
    "lastChangeDateTime",
}
ASSOCIATION_ALLOWED = ASSOCIATION | {
    "sequenceNumber",
    "CFAssociationGroupingURI",
    "notes",
    "extensions",
}
LINK = {"title", "identifier", "uri"}


def read(text):
    loaded, errors = read_case_json(text, "test.json")
    assert errors == [], [str(e) for e in errors]
    return loaded.spec


def test_round_trip_keeps_everything_including_the_status():
    spec = rich_spec()
    assert read(write_case_json(spec, BASE)) == spec
    retired = rich_spec()
    retired.status = Status.RETIRED
    retired.effective_date = None
    assert read(write_case_json(retired, BASE)) == retired


def test_package_has_the_required_fields_and_nothing_the_schema_forbids():
    package = json.loads(write_case_json(rich_spec(), BASE))
    assert set(package) == {"CFDocument", "CFItems", "CFAssociations", "CFDefinitions"}
    assert all(value == [] for value in package["CFDefinitions"].values())
    document = package["CFDocument"]
    assert DOCUMENT <= set(document) <= DOCUMENT_ALLOWED
    assert (document["caseVersion"], document["version"], document["adoptionStatus"]) == (
        "1.1",
        "3",
        "Adopted",
    )
    assert document["extensions"]["lms"]["scale"]["proficient"] == 4
    for item in package["CFItems"]:
        assert ITEM <= set(item) <= ITEM_ALLOWED
        assert UUID.match(item["identifier"])
        assert item["uri"] == f"{BASE}/ims/case/v1p1/CFItems/{item['identifier']}"
        assert datetime.fromisoformat(item["lastChangeDateTime"]).utcoffset().total_seconds() == 0
    for association in package["CFAssociations"]:
        assert ASSOCIATION <= set(association) <= ASSOCIATION_ALLOWED
        assert association["associationType"] == "isChildOf"
        assert set(association["originNodeURI"]) == LINK == set(association["destinationNodeURI"])
        assert UUID.match(association["identifier"])
        assert association["uri"].endswith(f"/CFAssociations/{association['identifier']}")
    assert UUID.match(document["identifier"])
    assert document["uri"] == f"{BASE}/ims/case/v1p1/CFDocuments/{document['identifier']}"
    types = [(i["humanCodingScheme"], i["CFItemType"]) for i in package["CFItems"]]
    assert types[:3] == [
        ("MW-4", "Domain"),
        ("MW-4.3", "Competency"),
        ("MW-4.3.1", "Performance criterion"),
    ]


def test_export_is_deterministic_and_associations_point_to_existing_nodes():
    text = write_case_json(rich_spec(), BASE + "/")
    assert text == write_case_json(rich_spec(), BASE)
    assert "ក្របខណ្ឌ" in text  # Khmer is written as is, not as \u escapes
    package = json.loads(text)
    nodes = {i["identifier"]: i for i in package["CFItems"]}
    document = package["CFDocument"]
    nodes[document["identifier"]] = document
    edges = []
    for association in package["CFAssociations"]:
        for end in ("originNodeURI", "destinationNodeURI"):
            node = nodes[association[end]["identifier"]]
            assert association[end]["uri"] == node["uri"]
        parent = nodes[association["destinationNodeURI"]["identifier"]]
        child = nodes[association["originNodeURI"]["identifier"]]
        edges.append(
            (
                parent.get("humanCodingScheme"),
                child["humanCodingScheme"],
                association["sequenceNumber"],
            )
        )
    assert edges == [
        (None, "MW-4", 1),
        ("MW-4", "MW-4.3", 1),
        ("MW-4.3", "MW-4.3.1", 1),
        ("MW-4.3", "MW-4.3.2", 2),
        (None, "MW-5", 2),
        ("MW-5", "MW-5.1", 1),
    ]


def link(identifier, title="x"):
    return {"title": title, "identifier": identifier, "uri": f"https://other.example/{identifier}"}


def foreign_package():
    """A CASE 1.0-style package from another publisher: no extensions, some codes missing."""
    doc, a, b, c = (f"00000000-0000-4000-8000-00000000000{n}" for n in range(4))
    return {
        "CFDocument": {
            "identifier": doc,
            "uri": f"https://other.example/{doc}",
            "creator": "WHO",
            "title": "Nursing Competencies: Core (2021)",
            "lastChangeDateTime": "2021-05-01T00:00:00Z",
            "version": "2021.1",
            "CFPackageURI": link(doc),
        },
        "CFItems": [
            {"identifier": a, "fullStatement": "Assessment", "humanCodingScheme": "N.1"},
            {"identifier": b, "fullStatement": "Takes a history", "humanCodingScheme": "N.1.2"},
            {"identifier": c, "fullStatement": "Examines", "notes": "Head to toe"},
        ],
        "CFAssociations": [
            {
                "identifier": "x1",
                "associationType": "isChildOf",
                "originNodeURI": link(a),
                "destinationNodeURI": link(doc),
            },
            {
                "identifier": "x2",
                "associationType": "isChildOf",
                "originNodeURI": link(b),
                "destinationNodeURI": link(a),
                "sequenceNumber": 2,
            },
            {
                "identifier": "x3",
                "associationType": "isChildOf",
                "originNodeURI": link(c),
                "destinationNodeURI": link(a),
                "sequenceNumber": 1,
            },
            {
                "identifier": "x4",
                "associationType": "isRelatedTo",
                "originNodeURI": link(c),
                "destinationNodeURI": link("elsewhere"),
            },
        ],
    }


def test_a_foreign_package_reads_as_a_draft_with_defaults():
    spec = read(json.dumps(foreign_package(), indent=2))
    assert (spec.code, spec.version, spec.status) == (
        "NURSING-COMPETENCIES-CORE-2021",
        1,
        Status.DRAFT,
    )
    assert spec.title == Text(en="Nursing Competencies: Core (2021)")
    assert spec.authority == Text(en="WHO")
    assert [(lv.value, lv.title.en) for lv in spec.scale.levels] == [
        (1, "Not yet competent"),
        (2, "Competent"),
    ]
    assert spec.scale.proficient == 2
    tree = [(node.code, node.title.en, depth) for node, depth, _parent in spec.nodes()]
    assert tree == [
        ("N.1", "Assessment", 0),
        ("N.1.1", "Examines", 1),
        ("N.1.2", "Takes a history", 1),
    ]
    assert spec.competencies[0].children[0].description == Text(en="Head to toe")
    assert spec.missing_khmer() == [
        "title",
        "scale.levels[0].title",
        "scale.levels[1].title",
        "competency N.1",
        "competency N.1.1",
        "competency N.1.2",
    ]


def line_of(text, identifier, path):
    """The line of the object whose first key is `"identifier": identifier`, or of the
    link object that `path` names in it (errors point at the innermost object they concern)."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if f'"identifier": "{identifier}"' in line)
    key = path.rsplit(".", 1)[-1]
    if not key.endswith("NodeURI"):
        return start
    return next(n + 1 for n in range(start, len(lines)) if f'"{key}": {{' in lines[n])


def errors_of(package):
    text = json.dumps(package, indent=2)
    loaded, errors = read_case_json(text, "test.json")
    assert loaded is None
    assert all(e.source == "test.json" and str(e.message) for e in errors)
    return text, [(e.line, e.field) for e in errors]


def test_invalid_json_reports_its_line():
    loaded, errors = read_case_json(
        '{\n  "CFDocument": {\n    "title": "x",,\n  }\n}\n', "test.json"
    )
    assert loaded is None
    assert [(e.line, e.field) for e in errors] == [(3, "")]
    assert str(errors[0].message).startswith("The file is not valid JSON")


def test_a_package_without_a_document_is_refused():
    assert errors_of({"CFItems": []})[1] == [(1, "CFDocument")]
    assert errors_of([1, 2])[1] == [(1, "CFDocument")]


def test_an_association_to_an_unknown_node_is_reported_where_it_is():
    package = json.loads(write_case_json(rich_spec(), BASE))
    association = package["CFAssociations"][2]
    association["destinationNodeURI"]["identifier"] = "11111111-1111-4111-8111-111111111111"
    text, errors = errors_of(package)
    path = "CFAssociations[2].destinationNodeURI"
    assert errors == [(line_of(text, association["identifier"], path), path)]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda p: p["CFItems"][1].pop("fullStatement"),
            [("CFItems", 1, "CFItems[1].fullStatement")],
        ),
        (
            lambda p: p["CFItems"][2].update(humanCodingScheme="N.1"),
            [("CFItems", 2, "CFItems[2].humanCodingScheme")],
        ),
        (
            lambda p: p["CFAssociations"][0].update(
                destinationNodeURI=link(p["CFItems"][1]["identifier"])
            ),
            [
                ("CFAssociations", 0, "CFAssociations[0].destinationNodeURI"),
                ("CFAssociations", 1, "CFAssociations[1].destinationNodeURI"),
            ],
        ),
        (
            lambda p: p["CFAssociations"][1].update(originNodeURI=link("nowhere")),
            [("CFAssociations", 1, "CFAssociations[1].originNodeURI")],
        ),
        (
            lambda p: p["CFItems"][2].update(humanCodingScheme="N 1"),
            [("CFItems", 2, "CFItems[2].humanCodingScheme")],
        ),
    ],
    ids=["no fullStatement", "duplicate code", "cycle", "unknown origin", "invalid code"],
)
def test_errors_name_the_json_path_and_line(change, expected):
    package = foreign_package()
    change(package)
    text, errors = errors_of(package)
    assert errors == [
        (line_of(text, package[key][index]["identifier"], path), path)
        for key, index, path in expected
    ]


def test_errors_point_at_the_line_of_the_object_they_concern():
    text = """{
  "CFDocument": {"identifier": "d", "title": "T"},
  "CFItems": [
    {"identifier": "a", "fullStatement": "A"},
    {"identifier": "b"}
  ],
  "CFAssociations": [
    {"identifier": "x", "associationType": "isChildOf",
     "originNodeURI": {"identifier": "a"}, "destinationNodeURI": {"identifier": "q"}}
  ]
}
"""
    loaded, errors = read_case_json(text, "test.json")
    assert loaded is None
    assert [(e.line, e.field) for e in errors] == [
        (5, "CFItems[1].fullStatement"),
        (9, "CFAssociations[0].destinationNodeURI"),
    ]
    assert str(errors[1]) == (
        "test.json: line 9, field 'CFAssociations[0].destinationNodeURI': "
        "This association points to an unknown node."
    )
