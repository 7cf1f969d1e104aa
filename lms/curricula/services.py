"""Curricula in the database: writing and reading specs, coverage, versions and publishing."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..errors import DomainError
from ..extensions import db
from ..frameworks import services as frameworks
from ..frameworks.files import hash_data
from ..frameworks.models import Competency, Framework
from ..frameworks.spec import FrameworkSpec, Status, Text
from .files import curriculum_to_data
from .models import (
    CaseType,
    ChecklistItem,
    Curriculum,
    Instrument,
    Module,
    Outcome,
    Question,
    QuestionOption,
)
from .spec import (
    CaseTypeSpec,
    CurriculumSpec,
    InstrumentSpec,
    ItemSpec,
    ModuleSpec,
    OptionSpec,
    OutcomeSpec,
    QuestionSpec,
)


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
        instrument = Instrument(
            position=position,
            code=i.code,
            type=i.type,
            title_km=i.title.km,
            title_en=i.title.en or i.code,
            description_km=i.description.km,
            description_en=i.description.en,
            module=modules.get(i.module),
            second_assessor=i.second_assessor,
            min_share_percent=i.min_share_percent,
            all_critical=i.all_critical,
            pass_mark_percent=i.pass_mark_percent,
            attempts=i.attempts,
            competencies=pick(i.competencies),
        )
        instrument.items = [
            ChecklistItem(
                position=n, text_km=x.text.km, text_en=x.text.en or "", critical=x.critical
            )
            for n, x in enumerate(i.items)
        ]
        instrument.questions = [
            Question(
                position=n,
                text_km=q.text.km,
                text_en=q.text.en or "",
                options=[
                    QuestionOption(
                        position=k, text_km=o.text.km, text_en=o.text.en or "", correct=o.correct
                    )
                    for k, o in enumerate(q.options)
                ],
            )
            for n, q in enumerate(i.questions)
        ]
        instrument.case_types = [
            CaseType(
                position=n,
                code=c.code,
                title_km=c.title.km,
                title_en=c.title.en or c.code,
                min_count=c.min_count,
            )
            for n, c in enumerate(i.case_types)
        ]
        cur.instruments.append(instrument)
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

    def text(obj, name):
        return Text(getattr(obj, f"{name}_km"), getattr(obj, f"{name}_en"))

    def codes(items):
        return [c.code for c in items]

    modules = {m.id: m.code for m in cur.modules}
    return CurriculumSpec(
        code=cur.code,
        version=cur.version,
        title=text(cur, "title"),
        kind=cur.kind,
        framework_code=cur.framework.code,
        framework_version=cur.framework.version,
        status=Status(cur.status.value),
        effective_date=cur.effective_date,
        description=text(cur, "description"),
        cadres=codes(cur.cadres),
        cpd_credits=cur.cpd_credits,
        validity_months=cur.validity_months,
        renewed_by=cur.renewed_by,
        renewal_cpd_credits=cur.renewal_cpd_credits,
        min_attendance_percent=cur.min_attendance_percent,
        competency_rule=cur.competency_rule,
        required_competencies=codes(cur.required_competencies),
        modules=[
            ModuleSpec(
                code=m.code,
                title=text(m, "title"),
                hours_theory=m.hours_theory,
                hours_practical=m.hours_practical,
                hours_clinical=m.hours_clinical,
                description=text(m, "description"),
                outcomes=[OutcomeSpec(text(o, "text"), codes(o.competencies)) for o in m.outcomes],
            )
            for m in cur.modules
        ],
        instruments=[
            InstrumentSpec(
                code=i.code,
                type=i.type,
                title=text(i, "title"),
                module=modules.get(i.module_id),
                competencies=codes(i.competencies),
                second_assessor=i.second_assessor,
                description=text(i, "description"),
                items=[ItemSpec(text(x, "text"), x.critical) for x in i.items],
                min_share_percent=i.min_share_percent,
                all_critical=i.all_critical,
                questions=[
                    QuestionSpec(
                        text(q, "text"), [OptionSpec(text(o, "text"), o.correct) for o in q.options]
                    )
                    for q in i.questions
                ],
                pass_mark_percent=i.pass_mark_percent,
                attempts=i.attempts,
                case_types=[
                    CaseTypeSpec(c.code, text(c, "title"), c.min_count) for c in i.case_types
                ],
            )
            for i in cur.instruments
        ],
    )


# --- Coverage ---------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    code: str
    title: Text
    depth: int
    critical: bool
    required: bool
    taught: list[bool]  # per module
    assessed: list[bool]  # per module
    assessed_anywhere: bool


@dataclass
class Coverage:
    modules: list[ModuleSpec]
    rows: list[CoverageRow]
    unassessed_required: list[str]


def coverage(curriculum: CurriculumSpec, framework: FrameworkSpec) -> Coverage:
    """Where each competency is taught and assessed, module by module.

    A required competency that no instrument assesses is flagged: the curriculum cannot show
    that its graduates are competent in it.
    """
    taught = {m.code: {c for o in m.outcomes for c in o.competencies} for m in curriculum.modules}
    assessed: dict[str | None, set[str]] = {}
    for instrument in curriculum.instruments:
        assessed.setdefault(instrument.module, set()).update(instrument.competencies)
    anywhere = set().union(*assessed.values()) if assessed else set()
    required = set(curriculum.required_competencies)
    mapped = required | anywhere | set().union(set(), *taught.values())
    nodes = list(framework.nodes())
    # Rows go as deep as the curriculum maps, so criteria do not bury the competencies.
    deepest = max((depth for node, depth, _p in nodes if node.code in mapped), default=0)
    rows = [
        CoverageRow(
            code=node.code,
            title=node.title,
            depth=depth,
            critical=node.critical,
            required=node.code in required,
            taught=[node.code in taught[m.code] for m in curriculum.modules],
            assessed=[node.code in assessed.get(m.code, set()) for m in curriculum.modules],
            assessed_anywhere=node.code in anywhere,
        )
        for node, depth, _parent in nodes
        if depth <= deepest
    ]
    return Coverage(
        curriculum.modules, rows, [c for c in curriculum.required_competencies if c not in anywhere]
    )


# --- Listing, versions and publishing -------------------------------------------------------


def latest_versions(search: str | None = None, status: str | None = None) -> list[Curriculum]:
    newest = (
        sa.select(Curriculum.code, sa.func.max(Curriculum.version).label("v"))
        .group_by(Curriculum.code)
        .subquery()
    )
    stmt = (
        sa.select(Curriculum)
        .join(newest, sa.and_(Curriculum.code == newest.c.code, Curriculum.version == newest.c.v))
        .options(selectinload(Curriculum.framework), selectinload(Curriculum.cadres))
    )
    if search:
        like = f"%{search}%"
        stmt = stmt.where(
            sa.or_(
                Curriculum.code.ilike(like),
                Curriculum.title_en.ilike(like),
                Curriculum.title_km.like(like),
            )
        )
    if status:
        stmt = stmt.where(Curriculum.status == status)
    return list(db.session.scalars(stmt.order_by(Curriculum.code)))


def versions_of(code: str) -> list[Curriculum]:
    return list(
        db.session.scalars(
            sa.select(Curriculum).where(Curriculum.code == code).order_by(Curriculum.version.desc())
        )
    )


def find_curriculum(code: str, version: int) -> Curriculum | None:
    return db.session.scalar(
        sa.select(Curriculum).where(Curriculum.code == code, Curriculum.version == version)
    )


def require_draft(curriculum: Curriculum) -> None:
    if curriculum.status != Status.DRAFT:
        raise DomainError(_l("Only a draft can be changed. Make a new version to edit it."))


def publish_curriculum(actor, curriculum: Curriculum, now, confirm_uncovered=False) -> None:
    """Publish a draft whose framework is published; uncovered requirements need confirming."""
    require_draft(curriculum)
    if curriculum.framework.status != Status.PUBLISHED:
        raise DomainError(_l("Publish the framework version this curriculum targets first."))
    spec = read_curriculum(curriculum)
    cover = coverage(spec, frameworks.read_framework(curriculum.framework))
    if cover.unassessed_required and not confirm_uncovered:
        raise UncoveredRequirements(cover.unassessed_required)
    curriculum.status = Status.PUBLISHED
    curriculum.published_at = now
    curriculum.content_hash = content_hash(spec)
    audit.record(
        actor,
        "curriculum.published",
        "curriculum",
        curriculum.id,
        {
            "code": curriculum.code,
            "version": curriculum.version,
            "unassessed_required": cover.unassessed_required,
        },
        now=now,
    )


class UncoveredRequirements(DomainError):
    """Publishing would leave required competencies that no instrument assesses."""

    def __init__(self, codes: list[str]):
        super().__init__(
            _l(
                "No instrument assesses these required competencies: %(codes)s",
                codes=", ".join(codes),
            )
        )
        self.codes = codes


def retire_curriculum(actor, curriculum: Curriculum, now) -> None:
    if curriculum.status != Status.PUBLISHED:
        raise DomainError(_l("Only a published version can be retired."))
    curriculum.status = Status.RETIRED
    audit.record(
        actor,
        "curriculum.retired",
        "curriculum",
        curriculum.id,
        {"code": curriculum.code, "version": curriculum.version},
        now=now,
    )


def new_draft_version(
    actor, curriculum: Curriculum, now, framework: Framework | None = None
) -> Curriculum:
    """A new draft version copied from `curriculum`, optionally retargeted to `framework`."""
    spec = read_curriculum(curriculum)
    target = framework or curriculum.framework
    if framework is not None:
        codes = {c.code for c in frameworks.competencies_of(target.id)}
        spec.required_competencies = [c for c in spec.required_competencies if c in codes]
        for m in spec.modules:
            for o in m.outcomes:
                o.competencies = [c for c in o.competencies if c in codes]
        for i in spec.instruments:
            i.competencies = [c for c in i.competencies if c in codes]
        spec.framework_code, spec.framework_version = target.code, target.version
    spec.version = (
        db.session.scalar(
            sa.select(sa.func.max(Curriculum.version)).where(Curriculum.code == curriculum.code)
        )
        + 1
    )
    spec.status = Status.DRAFT
    spec.effective_date = None
    draft = write_curriculum(spec, target)
    audit.record(
        actor,
        "curriculum.version_created",
        "curriculum",
        draft.id,
        {"code": draft.code, "version": draft.version, "from": curriculum.version},
        now=now,
    )
    return draft
