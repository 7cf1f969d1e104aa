"""Reading a curriculum file: its header, completion rules and modules (instruments are read
in `reading_instruments.py`). Nothing here touches the database.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..frameworks.reader import COMMON, Reader, read_header
from .reading_instruments import read_instrument
from .spec import CompetencyRule, CurriculumKind, CurriculumSpec, ModuleSpec, OutcomeSpec


def read_curriculum(r: Reader, data: dict) -> CurriculumSpec:
    """The curriculum a file's data describes (its problems are recorded in `r`)."""
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
            "renewal_cpd_credits",
            "completion",
            "modules",
            "instruments",
        },
    )
    code, version, status, effective = read_header(r, data)
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
        renewal_cpd_credits=r.number(
            data, "renewal_cpd_credits", "", minimum=1, maximum=1000, required=False, kind=float
        ),
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
            read_instrument(r, instrument, path, instrument_codes, module_codes)
        )
    return spec


def _read_module(r: Reader, module: dict, path: str, codes: dict[str, str]) -> ModuleSpec:
    r.only(module, path, {"code", "title", "description", "hours", "outcomes"})
    code = r.code(module, "code", path)
    r.unique(codes, code, path)
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
