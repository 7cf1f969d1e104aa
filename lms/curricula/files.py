"""Reading and writing framework and curriculum files (YAML), with precise errors.

Every error names the file, the place in it (`modules[2].outcomes[0].competencies[1]`), the
line, and what is wrong. Nothing here touches the database: `curricula validate` uses it alone.
The format is documented in curricula/README.md. A curriculum's own fields are read in
`reading.py` (instruments in `reading_instruments.py`) and written in `writing.py`.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from ..datafiles import in_folder
from ..errors import ImportRejected, RowError
from ..frameworks.case import read_case_json
from ..frameworks.files import LoadedFile, dump_data, framework_to_data, read_framework
from ..frameworks.moodle import read_moodle_csv
from ..frameworks.reader import Reader, parse_yaml, read_data_file
from ..frameworks.spec import FrameworkSpec
from .reading import read_curriculum
from .spec import CurriculumSpec
from .writing import curriculum_to_data


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
    for place, code in _references(curriculum):
        if code not in codes:
            r.error(place, _l("Unknown competency code %(code)s.", code=code))


def _references(curriculum: CurriculumSpec):
    """(place in the file, code) of every competency code the curriculum names."""
    for i, code in enumerate(curriculum.required_competencies):
        yield f"completion.required_competencies[{i}]", code
    for m, module in enumerate(curriculum.modules):
        for o, outcome in enumerate(module.outcomes):
            for c, code in enumerate(outcome.competencies):
                yield f"modules[{m}].outcomes[{o}].competencies[{c}]", code
    for i, instrument in enumerate(curriculum.instruments):
        for c, code in enumerate(instrument.competencies):
            yield f"instruments[{i}].competencies[{c}]", code


def read_files(paths: list[Path], known_frameworks=None):
    """Read files (YAML; Moodle CSV or CASE JSON frameworks) and check references across them.

    `known_frameworks(code, version)` finds a framework not among the files (the database
    when importing; other files in the same folders when only validating).
    Returns (loaded files, errors); any error means nothing should be imported.
    """
    loaded: list[LoadedFile] = []
    errors: list[RowError] = []
    for path in paths:
        text, problem = read_data_file(path)
        if problem:
            errors.append(problem)
            continue
        if path.suffix.lower() == ".csv":
            item, problems = read_moodle_csv(text, str(path))
        elif path.suffix.lower() == ".json":
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


def read_checked(paths: list[Path], known_frameworks=None) -> list[LoadedFile]:
    """The files read and checked as `read_files` does; ImportRejected with every problem
    when there is any."""
    loaded, errors = read_files(paths, known_frameworks)
    if errors:
        raise ImportRejected(errors)
    return loaded


def sibling_frameworks(paths: list[Path]):
    """A look-up of frameworks in the folders of `paths` (for validating without a database)."""
    cache: dict[tuple[str, int], FrameworkSpec] | None = None

    def find(code: str, version: int):
        nonlocal cache
        if cache is None:
            cache = {}
            for folder in {p.parent for p in paths}:
                for candidate in in_folder(folder):
                    text, problem = read_data_file(candidate)
                    if problem or "kind: framework" not in text:
                        continue
                    item, problems = read_text(text, str(candidate))
                    if item is not None and not problems:
                        cache[(item.spec.code, item.spec.version)] = item.spec
        return cache.get((code, version))

    return find


def dump(spec) -> str:
    """A framework or curriculum spec as YAML text."""
    data = framework_to_data(spec) if isinstance(spec, FrameworkSpec) else curriculum_to_data(spec)
    return dump_data(data)
