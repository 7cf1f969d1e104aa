"""Importing quality tool files: every file or none, with errors naming file, line and field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import versioning
from ..curricula.models import Curriculum
from ..errors import ImportRejected, RowError
from ..extensions import db
from ..frameworks.files import hash_data
from ..frameworks.models import Competency, Framework
from ..frameworks.spec import Status
from ..users.models import Cadre
from .files import LoadedTool, read_tool_files
from .models import QualityAssessment, QualityDomain, QualityIndicator, QualityTool


@dataclass
class Imported:
    code: str
    version: int
    action: str  # "created", "replaced" (a draft), "unchanged"
    source: str


def _competency_index(wanted: set[str]) -> dict[str, Competency]:
    """FRAMEWORK:CODE to the competency in the newest version of that framework (one query)."""
    frameworks = {w.split(":", 1)[0] for w in wanted}
    if not frameworks:
        return {}
    newest = (
        sa.select(Framework.code, sa.func.max(Framework.version).label("version"))
        .where(Framework.code.in_(frameworks))
        .group_by(Framework.code)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Framework.code, Competency)
        .join(Competency, Competency.framework_id == Framework.id)
        .join(
            newest, sa.and_(newest.c.code == Framework.code, newest.c.version == Framework.version)
        )
    )
    return {f"{fw}:{c.code}": c for fw, c in rows}


def _check_references(tools: list[LoadedTool]) -> tuple[list[RowError], dict]:
    """Every curriculum, cadre and competency named must exist."""
    curricula = set(db.session.scalars(sa.select(Curriculum.code).distinct()))
    cadres = set(db.session.scalars(sa.select(Cadre.code)))
    wanted = {code for tool in tools for d in tool.spec.domains for code in d.competencies}
    wanted |= {code for tool in tools for i in tool.spec.indicators() for code in i.competencies}
    competencies = _competency_index({w for w in wanted if ":" in w})
    errors = []
    for tool in tools:
        for i, domain in enumerate(tool.spec.domains):
            where = f"domains[{i}]"
            errors += _unknown(tool, where, "curricula", domain.curricula, curricula, UNKNOWN_CURR)
            errors += _unknown(
                tool, where, "competencies", domain.competencies, competencies, UNKNOWN_COMP
            )
            for j, indicator in enumerate(domain.indicators):
                at = f"{where}.indicators[{j}]"
                errors += _unknown(
                    tool, at, "curricula", indicator.curricula, curricula, UNKNOWN_CURR
                )
                errors += _unknown(
                    tool, at, "competencies", indicator.competencies, competencies, UNKNOWN_COMP
                )
                if indicator.compute:
                    errors += _unknown(
                        tool,
                        f"{at}.compute",
                        "curricula",
                        indicator.compute.curricula,
                        curricula,
                        UNKNOWN_CURR,
                    )
                    errors += _unknown(
                        tool,
                        f"{at}.compute",
                        "cadres",
                        indicator.compute.cadres,
                        cadres,
                        _l("Unknown cadre code."),
                    )
    return errors, competencies


UNKNOWN_CURR = _l("No curriculum has this code. Import the curriculum first.")
UNKNOWN_COMP = _l("No framework has this competency (write FRAMEWORK:CODE).")


def _unknown(tool, path, key, values, known, message) -> list[RowError]:
    return [
        tool.error(f"{path}.{key}[{k}]", message)
        for k, value in enumerate(values)
        if value not in known
    ]


def _existing(tool: LoadedTool) -> QualityTool | None:
    return db.session.scalar(
        sa.select(QualityTool).where(
            QualityTool.code == tool.spec.code, QualityTool.version == tool.spec.version
        )
    )


def _build(tool: LoadedTool, content_hash: str, competencies: dict, now) -> QualityTool:
    spec = tool.spec
    row = QualityTool(
        code=spec.code,
        version=spec.version,
        status=spec.status,
        effective_date=spec.effective_date,
        title_km=spec.title.km or "",
        title_en=spec.title.en or "",
        description_km=spec.description.km,
        description_en=spec.description.en,
        facility_types_json=json.dumps(spec.facility_types),
        pass_percent=spec.pass_percent,
        critical_cap_percent=spec.critical_cap_percent,
        content_hash=content_hash,
        created_at=now,
    )
    position = 0
    for d, dspec in enumerate(spec.domains):
        domain = QualityDomain(
            code=dspec.code,
            title_km=dspec.title.km or "",
            title_en=dspec.title.en or "",
            weight=dspec.weight,
            position=d,
        )
        row.domains.append(domain)
        for ispec in dspec.indicators:
            linked = list(dict.fromkeys(dspec.competencies + ispec.competencies))
            indicator = QualityIndicator(
                tool=row,
                code=ispec.code,
                text_km=ispec.text.km or "",
                text_en=ispec.text.en or "",
                guidance_km=ispec.guidance.km,
                guidance_en=ispec.guidance.en,
                method=ispec.method,
                answer_type=ispec.answer,
                weight=ispec.weight,
                critical=ispec.critical,
                allow_na=ispec.allow_na,
                facility_types_json=json.dumps(ispec.facility_types)
                if ispec.facility_types
                else None,
                minimum=ispec.minimum,
                maximum=ispec.maximum,
                unit_km=ispec.unit.km,
                unit_en=ispec.unit.en,
                met=ispec.thresholds.met if ispec.thresholds else None,
                partial=ispec.thresholds.partial if ispec.thresholds else None,
                higher_is_better=ispec.thresholds.higher_is_better if ispec.thresholds else True,
                computation=ispec.compute.type if ispec.compute else None,
                compute_curricula_json=json.dumps(ispec.compute.curricula)
                if ispec.compute
                else None,
                compute_cadres_json=json.dumps(ispec.compute.cadres) if ispec.compute else None,
                area=ispec.area,
                curricula_json=json.dumps(
                    list(
                        dict.fromkeys(
                            dspec.curricula
                            + ispec.curricula
                            + (ispec.compute.curricula if ispec.compute else [])
                        )
                    )
                ),
                position=position,
                competencies=[competencies[c] for c in linked],
            )
            domain.indicators.append(indicator)
            position += 1
    return row


def import_tools(actor, paths: list[Path], now: datetime) -> list[Imported]:
    """Import tool files: all of them, or none (ImportRejected) when any has a problem."""
    tools, errors = read_tool_files(paths)
    if errors:
        raise ImportRejected(errors)
    errors, competencies = _check_references(tools)
    done: list[Imported] = []
    plans = []
    for tool in tools:
        content_hash = hash_data(tool.data)
        existing = _existing(tool)
        if existing is None:
            plans.append((tool, content_hash, None))
        elif existing.content_hash == content_hash:
            done.append(Imported(tool.spec.code, tool.spec.version, "unchanged", tool.source))
        elif existing.status != Status.DRAFT:
            errors.append(
                tool.error(
                    "version",
                    _l(
                        "Version %(v)s is already published and cannot change; raise the version.",
                        v=tool.spec.version,
                    ),
                )
            )
        elif db.session.scalar(
            sa.select(QualityAssessment.id).where(QualityAssessment.tool_id == existing.id).limit(1)
        ):
            errors.append(
                tool.error(
                    "version", _l("This draft is already used by assessments; raise the version.")
                )
            )
        else:
            plans.append((tool, content_hash, existing))
    if errors:
        raise ImportRejected(errors)
    for tool, content_hash, existing in plans:
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
        row = _build(tool, content_hash, competencies, now)
        db.session.add(row)
        db.session.flush()
        action = "replaced" if existing is not None else "created"
        versioning.record_event(actor, row, action, now, source=Path(tool.source).name)
        done.append(Imported(row.code, row.version, action, tool.source))
    return done
