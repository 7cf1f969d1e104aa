"""A curriculum version's content in the database: written from a spec, read back as one."""

from __future__ import annotations

import copy

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ...errors import DomainError
from ...extensions import db
from ...frameworks import services as frameworks
from ...frameworks.files import hash_data
from ...frameworks.models import Competency, Framework
from ...frameworks.spec import Status
from ..models import Curriculum, Instrument, Module, Outcome, Question
from ..spec import CurriculumSpec, ModuleSpec, OutcomeSpec
from ..writing import curriculum_to_data
from .instruments import codes_of, instrument_row, instrument_spec, text_of


def content_hash(spec: CurriculumSpec) -> str:
    """The SHA-256 of a curriculum's content; status left out, code lists sorted."""
    canonical = copy.deepcopy(spec)
    canonical.status = Status.DRAFT
    canonical.cadres = sorted(canonical.cadres)
    canonical.required_competencies = sorted(canonical.required_competencies)
    for module in canonical.modules:
        for outcome in module.outcomes:
            outcome.competencies = sorted(outcome.competencies)
    for instrument in canonical.instruments:
        instrument.competencies = sorted(instrument.competencies)
    return hash_data(curriculum_to_data(canonical))


def write_curriculum(
    spec: CurriculumSpec, framework: Framework, curriculum: Curriculum | None = None
) -> Curriculum:
    """Create a curriculum version from a spec, or replace a draft's content with it."""
    cadres, unknown = frameworks.cadres_by_code(spec.cadres)
    if unknown:
        raise DomainError(_l("Unknown cadre code %(code)s.", code=unknown[0]), "cadres")
    comps = {c.code: c for c in frameworks.competencies_of(framework.id)}

    def pick(codes: list[str]) -> list[Competency]:
        return [comps[c] for c in dict.fromkeys(codes)]

    cur = curriculum or Curriculum(code=spec.code, version=spec.version)
    if curriculum is not None:
        cur.modules.clear()
        cur.instruments.clear()
        db.session.flush()
    cur.status = spec.status
    cur.effective_date = spec.effective_date
    cur.title_km, cur.title_en = spec.title.km, spec.title.en or spec.code
    cur.description_km, cur.description_en = spec.description.km, spec.description.en
    cur.kind = spec.kind
    cur.framework = framework
    cur.cpd_credits = spec.cpd_credits
    cur.validity_months = spec.validity_months
    cur.renewed_by = spec.renewed_by
    cur.renewal_cpd_credits = spec.renewal_cpd_credits
    cur.min_attendance_percent = spec.min_attendance_percent
    cur.competency_rule = spec.competency_rule
    cur.cadres = cadres
    cur.required_competencies = pick(spec.required_competencies)
    cur.content_hash = content_hash(spec)
    modules = {}
    for position, m in enumerate(spec.modules):
        module = Module(
            position=position,
            code=m.code,
            title_km=m.title.km,
            title_en=m.title.en or m.code,
            description_km=m.description.km,
            description_en=m.description.en,
            hours_theory=m.hours_theory,
            hours_practical=m.hours_practical,
            hours_clinical=m.hours_clinical,
        )
        module.outcomes = [
            Outcome(
                position=i,
                text_km=o.text.km,
                text_en=o.text.en or "",
                competencies=pick(o.competencies),
            )
            for i, o in enumerate(m.outcomes)
        ]
        cur.modules.append(module)
        modules[m.code] = module
    for position, i in enumerate(spec.instruments):
        cur.instruments.append(instrument_row(position, i, modules, pick))
    db.session.add(cur)
    db.session.flush()
    return cur


def load_curriculum(curriculum_id: int) -> Curriculum | None:
    """A curriculum with everything its page and export show, in a fixed number of queries."""
    return db.session.scalar(
        sa.select(Curriculum)
        .where(Curriculum.id == curriculum_id)
        .options(
            selectinload(Curriculum.cadres),
            selectinload(Curriculum.required_competencies),
            selectinload(Curriculum.modules)
            .selectinload(Module.outcomes)
            .selectinload(Outcome.competencies),
            selectinload(Curriculum.instruments).selectinload(Instrument.competencies),
            selectinload(Curriculum.instruments).selectinload(Instrument.items),
            selectinload(Curriculum.instruments)
            .selectinload(Instrument.questions)
            .selectinload(Question.options),
            selectinload(Curriculum.instruments).selectinload(Instrument.case_types),
        )
    )


def read_curriculum(cur: Curriculum) -> CurriculumSpec:
    """The spec of a curriculum version as stored."""
    module_codes = {m.id: m.code for m in cur.modules}
    return CurriculumSpec(
        code=cur.code,
        version=cur.version,
        title=text_of(cur, "title"),
        kind=cur.kind,
        framework_code=cur.framework.code,
        framework_version=cur.framework.version,
        status=Status(cur.status.value),
        effective_date=cur.effective_date,
        description=text_of(cur, "description"),
        cadres=codes_of(cur.cadres),
        cpd_credits=cur.cpd_credits,
        validity_months=cur.validity_months,
        renewed_by=cur.renewed_by,
        renewal_cpd_credits=cur.renewal_cpd_credits,
        min_attendance_percent=cur.min_attendance_percent,
        competency_rule=cur.competency_rule,
        required_competencies=codes_of(cur.required_competencies),
        modules=[
            ModuleSpec(
                code=m.code,
                title=text_of(m, "title"),
                hours_theory=m.hours_theory,
                hours_practical=m.hours_practical,
                hours_clinical=m.hours_clinical,
                description=text_of(m, "description"),
                outcomes=[
                    OutcomeSpec(text_of(o, "text"), codes_of(o.competencies)) for o in m.outcomes
                ],
            )
            for m in cur.modules
        ],
        instruments=[instrument_spec(i, module_codes) for i in cur.instruments],
    )
