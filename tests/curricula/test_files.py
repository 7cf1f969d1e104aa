"""Reading files: every kind of mistake is named with its file, place and line."""

import pytest

from lms.curricula import files

from . import samples


def _errors(tmp_path, *docs):
    paths = [samples.write(tmp_path, f"f{n}.yaml", doc) for n, doc in enumerate(docs)]
    _loaded, errors = files.read_files(paths)
    return [(e.source.rsplit("/", 1)[-1], e.field, str(e.message)) for e in errors], errors


def test_valid_files_read_cleanly(app, tmp_path):
    found, _ = _errors(tmp_path, samples.framework(), samples.curriculum())
    assert found == []


@pytest.mark.parametrize(
    "change,place",
    [
        (
            lambda d: d["competencies"][0]["children"][1].update(code="D1.1"),
            "competencies[0].children[1].code",
        ),
        (lambda d: d["competencies"][1]["title"].pop("km"), "competencies[1].title.km"),
        (
            lambda d: d["competencies"][1]["title"].update(km="Domain two"),
            "competencies[1].title.km",
        ),
        (lambda d: d["scale"].update(proficient=7), "scale.proficient"),
        (lambda d: d["scale"]["levels"][2].update(value=2), "scale.levels[2].value"),
        (lambda d: d["scale"].update(levels=d["scale"]["levels"][:1]), "scale.levels"),
        (lambda d: d.update(status="final"), "status"),
        (lambda d: d.update(version=0), "version"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d["competencies"][0].update(code="has space"), "competencies[0].code"),
    ],
)
def test_framework_mistakes(app, tmp_path, change, place):
    doc = samples.framework()
    change(doc)
    found, _ = _errors(tmp_path, doc)
    assert found and found[0][1] == place, found


@pytest.mark.parametrize(
    "change,place",
    [
        (
            lambda d: d["modules"][0]["outcomes"][0]["competencies"].append("NOPE"),
            "modules[0].outcomes[0].competencies[2]",
        ),
        (
            lambda d: d["completion"]["required_competencies"].append("X9"),
            "completion.required_competencies[2]",
        ),
        (
            lambda d: d["instruments"][0]["competencies"].append("ZZ"),
            "instruments[0].competencies[1]",
        ),
        (lambda d: d["instruments"][0].update(module="M9"), "instruments[0].module"),
        (
            lambda d: d["instruments"][1]["questions"][0]["options"][1].update(correct=True),
            "instruments[1].questions[0].options",
        ),
        (lambda d: d["instruments"][1].update(items=[]), "instruments[1].items"),
        (lambda d: d["modules"][1].update(code="M1"), "modules[1].code"),
        (lambda d: d.update(framework={"code": "TST-FW", "version": 9}), "framework"),
        (lambda d: d["modules"][0]["hours"].update(theory=-1), "modules[0].hours.theory"),
        (
            lambda d: d["instruments"][2]["case_types"][0].update(min_count="five"),
            "instruments[2].case_types[0].min_count",
        ),
    ],
)
def test_curriculum_mistakes(app, tmp_path, change, place):
    doc = samples.curriculum()
    change(doc)
    found, _ = _errors(tmp_path, samples.framework(), doc)
    assert place in [f for _s, f, _m in found], found


def test_error_names_file_line_and_place(app, tmp_path):
    doc = samples.curriculum()
    doc["modules"][0]["outcomes"][0]["competencies"][1] = "MW-9.9"
    path = samples.write(tmp_path, "course.yaml", doc)
    samples.write(tmp_path, "fw.yaml", samples.framework())
    _loaded, errors = files.read_files([tmp_path / "fw.yaml", path])
    text = str(errors[0])
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "MW-9.9" in row)
    assert text == (
        f"{path}: line {line}, field 'modules[0].outcomes[0].competencies[1]': "
        "Unknown competency code MW-9.9."
    )


def test_yaml_syntax_error_has_a_line(app, tmp_path):
    found, errors = _errors(tmp_path, "kind: framework\ncode: [unclosed\n")
    assert errors[0].line >= 2 and "not valid YAML" in found[0][2]


def test_duplicate_key_is_named(app, tmp_path):
    found, errors = _errors(tmp_path, "kind: framework\ncode: A\ncode: B\n")
    assert found[0][1] == "code" and errors[0].line == 3


def test_same_version_twice_in_a_batch(app, tmp_path):
    found, _ = _errors(tmp_path, samples.framework(), samples.framework())
    assert any("also in" in m for _s, _f, m in found)


def test_sibling_files_resolve_frameworks_for_validation(app, tmp_path):
    samples.write(tmp_path, "fw.yaml", samples.framework())
    cur = samples.write(tmp_path, "cur.yaml", samples.curriculum())
    _loaded, errors = files.read_files([cur], files.sibling_frameworks([cur]))
    assert errors == []


def test_dump_reads_back_the_same(app, tmp_path):
    path = samples.write(tmp_path, "c.yaml", samples.curriculum())
    samples.write(tmp_path, "f.yaml", samples.framework())
    loaded, errors = files.read_files([tmp_path / "f.yaml", path])
    assert errors == []
    for item in loaded:
        again, problems = files.read_text(files.dump(item.spec), "again")
        assert problems == [] and again.spec == item.spec
