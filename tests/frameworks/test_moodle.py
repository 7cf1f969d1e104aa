"""Moodle competency framework CSV: our export, its round trip, a genuine Moodle file, errors."""

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from lms.frameworks.moodle import read_moodle_csv, write_moodle_csv
from lms.frameworks.spec import Status, Text

from .fixtures.specs import rich_spec

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = [
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
]
SCALE = '[{"scaleid":"0"},{"id":1,"scaledefault":1,"proficient":0},{"id":2,"proficient":1}]'


def read(text):
    loaded, errors = read_moodle_csv(text, "test.csv")
    assert errors == [], [str(e) for e in errors]
    return loaded.spec


def rows_of(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def test_round_trip_keeps_everything_but_the_status():
    spec = rich_spec()
    assert read(write_moodle_csv(spec)) == replace(spec, status=Status.DRAFT)


def test_round_trip_survives_a_bom_crlf_and_semicolons():
    spec = rich_spec()
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows_of(write_moodle_csv(spec)))
    assert read("\ufeff" + out.getvalue()) == replace(spec, status=Status.DRAFT)


def test_every_row_has_the_14_columns_and_the_framework_comes_first():
    text = write_moodle_csv(rich_spec())
    assert not text.startswith("\ufeff")
    rows = rows_of(text)
    assert rows[0] == HEADER
    assert all(len(row) == 14 for row in rows)
    framework = dict(zip(HEADER, rows[1], strict=True))
    assert framework["Is framework"] == "1" and framework["Parent ID number"] == ""
    assert framework["ID number"] == "MW-CORE-v3"
    assert len(framework["Short name"]) == 100
    assert framework["Description format"] == "1"
    assert framework["Taxonomy"] == "domain,competency,indicator"
    items = framework["Scale values"].split(",")
    assert len(items) == 5 and items[1] == "Does\u201a with direct supervision"
    config = json.loads(framework["Scale configuration"])
    assert config[0] == {"scaleid": "0"}
    assert [(c["id"], c["scaledefault"], c["proficient"]) for c in config[1:]] == [
        (1, 1, 0),
        (2, 0, 0),
        (3, 0, 0),
        (4, 0, 1),
        (5, 0, 1),
    ]
    competencies = [(row[0], row[1], row[12], row[13]) for row in rows[2:]]
    assert competencies == [
        ("", "MW-4", "", ""),
        ("MW-4", "MW-4.3", "", ""),
        ("MW-4.3", "MW-4.3.1", "", ""),
        ("MW-4.3", "MW-4.3.2", "", ""),
        ("", "MW-5", "", ""),
        ("MW-5", "MW-5.1", "", ""),
    ]


def test_khmer_and_flags_travel_as_marked_paragraphs():
    rows = rows_of(write_moodle_csv(rich_spec()))
    long_title = rows[3]
    assert long_title[2].endswith("…") and len(long_title[2]) == 100
    assert '<p lang="en" data-lms="title-en">Actively manages' in long_title[3]
    assert "&quot;checks&quot; the placenta &lt;complete&gt; &amp; intact</p>" in long_title[3]
    assert '<p lang="km" data-lms="title">គ្រប់គ្រង' in long_title[3]
    assert '<p data-lms="critical">' in long_title[3]
    assert (long_title[7], long_title[8], long_title[9]) == ("", "0", "null")


def test_a_genuine_moodle_export_reads_as_a_draft_missing_khmer():
    spec = read((FIXTURES / "moodle_oecd.csv").read_text(encoding="utf-8"))
    assert (spec.code, spec.version, spec.status) == ("OECD-CORE", 1, Status.DRAFT)
    assert spec.title == Text(en="OECD")
    assert spec.description.en.startswith("The Core Competencies summarise the capabilities")
    assert spec.description.en.endswith(
        "• The interpersonal competencies • The strategic competencies"
    )
    assert [lv.title for lv in spec.scale.levels] == [
        Text(en="Not yet competent"),
        Text(en="Competent"),
    ]
    assert [lv.value for lv in spec.scale.levels] == [1, 2] and spec.scale.proficient == 2
    tree = [(node.code, depth, parent) for node, depth, parent in spec.nodes()]
    assert tree == [
        ("levels", 0, None),
        ("level-1", 1, "levels"),
        ("level-2", 1, "levels"),
        ("competencies", 0, None),
        ("delivery", 1, "competencies"),
        ("analytical-thinking", 2, "delivery"),
        ("DR-AT1", 3, "analytical-thinking"),
    ]
    level_1 = spec.competencies[0].children[0]
    assert level_1.description == Text(
        en="Level 1 is typically associated with jobs such as Assistants & Clerks."
    )
    assert spec.missing_khmer() == [
        "title",
        "scale.levels[0].title",
        "scale.levels[1].title",
        "competency levels",
        "competency level-1",
        "competency level-2",
        "competency competencies",
        "competency delivery",
        "competency analytical-thinking",
        "competency DR-AT1",
    ]


def moodle_csv(*rows, framework=True, config=SCALE):
    """A file with our header, a framework row (line 2) and `rows` (14 fields unless short)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    if framework:
        writer.writerow(
            ["", "FW-v1", "Framework", "", "1", "No,Yes", config] + [""] * 5 + ["1", ""]
        )
    for parent, code, name, *rest in rows:
        writer.writerow([parent, code, name, *rest] if rest else [parent, code, name] + [""] * 11)
    return out.getvalue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (moodle_csv(("", "A", "A"), ("X", "B", "B")), [(4, "Parent ID number")]),
        (moodle_csv(("", "A", "A"), ("A", "B", "B"), ("", "A", "A again")), [(5, "ID number")]),
        (moodle_csv(("", "A", "A"), framework=False), [(1, "Is framework")]),
        (moodle_csv(("", "A", "A"), ("A", "B", "B", "", "1")), [(4, "")]),
        (
            moodle_csv(("", "A", "A"), config='[{"scaleid":"0"},{"id":'),
            [(2, "Scale configuration")],
        ),
        (
            moodle_csv(("", "A", "A"), config='[{"id":3,"proficient":1}]'),
            [(2, "Scale configuration")],
        ),
        (
            moodle_csv(("", "A", "A"), config='[{"id":1,"proficient":0}]'),
            [(2, "Scale configuration")],
        ),
        (
            moodle_csv(("B", "A", "A"), ("A", "B", "B")),
            [(3, "Parent ID number"), (4, "Parent ID number")],
        ),
        (moodle_csv(("", "A", ""), ("", "", "B")), [(3, "Short name"), (4, "ID number")]),
        (moodle_csv(("", "A B", "A")), [(3, "ID number")]),
        (moodle_csv(("", "A", "A")) + ",FW2,Second,,1,No,,,,,,,1,\n", [(4, "Is framework")]),
        ("Parent ID number,ID number\n", [(1, "")]),
    ],
    ids=[
        "unknown parent",
        "duplicate ID number",
        "no framework row",
        "wrong column count",
        "bad scale JSON",
        "scale id out of range",
        "no proficient level",
        "cycle",
        "empty names",
        "invalid code",
        "two framework rows",
        "not a Moodle file",
    ],
)
def test_errors_name_the_line_and_the_column(text, expected):
    loaded, errors = read_moodle_csv(text, "test.csv")
    assert loaded is None
    assert [(e.line, e.field) for e in errors] == expected
    assert all(e.source == "test.csv" and str(e.message) for e in errors)


def test_line_numbers_count_physical_lines_of_multi_line_records():
    description = "<p>one\ntwo\nthree</p>"
    text = moodle_csv(
        ("", "A", "A", description, "1") + ("",) * 9, ("A", "B", "B"), ("Z", "C", "C")
    )
    loaded, errors = read_moodle_csv(text, "test.csv")
    assert [(e.line, e.field) for e in errors] == [(7, "Parent ID number")]
    assert str(errors[0].message) == "No competency has the ID number Z."
    assert (
        str(errors[0])
        == "test.csv: line 7, field 'Parent ID number': No competency has the ID number Z."
    )


def test_a_minimal_file_reads_with_plain_text_descriptions():
    text = moodle_csv(
        ("", "A", "Alpha", "<p>Some <b>bold</b>&nbsp;text<br>here</p>", "1") + ("",) * 9
    )
    spec = read(text)
    assert spec.code == "FW" and spec.version == 1
    assert spec.scale.proficient == 2 and spec.scale.title == Text(en="Competency scale")
    assert spec.competencies[0].description == Text(en="Some bold text here")
