"""Training needs: the failing indicators of a facility's latest result turned into the
curricula that teach what they need, the staff who lack them and the cohorts they could join;
and enrolling those staff."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from ...auth.roles import Role
from ...curricula.models import Curriculum, curriculum_requirements
from ...errors import DomainError, Forbidden, NotFound
from ...extensions import db
from ...frameworks.models import Competency, Framework
from ...frameworks.spec import Status
from ...orgunits.models import Facility
from ...training import services as training
from ...training.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus
from ...users.models import User
from ..models import AssessmentRound, QualityAssessment, QualityIndicator
from .scorecards import RESULT, failing_results, staff_with_certificates


@dataclass
class Need:
    curriculum: Curriculum
    indicators: list[QualityIndicator]
    competencies: list[Competency]
    staff: list[User]
    cohorts: list[tuple[Cohort, int]]  # (cohort, places left)
    enrollable: set[int] = field(default_factory=set)  # active trainees not yet in a cohort


def _newest_published(codes: set[str]) -> dict[str, Curriculum]:
    if not codes:
        return {}
    rows = db.session.scalars(
        sa.select(Curriculum)
        .options(selectinload(Curriculum.cadres))
        .where(Curriculum.code.in_(codes), Curriculum.status == Status.PUBLISHED)
        .order_by(Curriculum.code, Curriculum.version.desc())
    )
    newest: dict[str, Curriculum] = {}
    for c in rows:
        newest.setdefault(c.code, c)
    return newest


def _answering(failing: list[QualityIndicator]) -> dict[str, tuple[dict, dict]]:
    """Per curriculum code: the failing indicators it answers and the competencies concerned.
    A curriculum answers an indicator that names it, or teaches a competency linked to it."""
    links = db.session.execute(
        sa.select(QualityIndicator.id, Competency, Framework.code)
        .join(QualityIndicator.competencies)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(QualityIndicator.id.in_([i.id for i in failing]))
    ).all()
    competency_keys = {(fw, c.code) for _i, c, fw in links}
    teaching = db.session.execute(
        sa.select(Curriculum.code, Framework.code, Competency.code)
        .join(curriculum_requirements, curriculum_requirements.c.curriculum_id == Curriculum.id)
        .join(Competency, Competency.id == curriculum_requirements.c.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(
            Curriculum.status == Status.PUBLISHED,
            sa.tuple_(Framework.code, Competency.code).in_(list(competency_keys))
            if competency_keys
            else sa.false(),
        )
        .distinct()
    ).all()
    taught_by: dict[tuple[str, str], set[str]] = {}
    for ccode, fw, comp in teaching:
        taught_by.setdefault((fw, comp), set()).add(ccode)
    per_curriculum: dict[str, tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    by_id = {i.id: i for i in failing}
    for indicator in failing:
        for code in indicator.curricula:
            per_curriculum[code][0][indicator.id] = indicator
    for indicator_id, competency, fw in links:
        indicator = by_id[indicator_id]
        for code in taught_by.get((fw, competency.code), set()) | set(indicator.curricula):
            per_curriculum[code][0][indicator_id] = indicator
            per_curriculum[code][1][competency.id] = competency
    return per_curriculum


def training_needs(facility: Facility, today: date) -> list[Need]:
    """For the failing indicators of the facility's latest result: the curricula that teach what
    they need, the staff who lack a valid certificate of one, and cohorts they could join."""
    latest = db.session.scalar(
        sa.select(QualityAssessment)
        .where(QualityAssessment.facility_id == facility.id, RESULT)
        .join(AssessmentRound)
        .order_by(AssessmentRound.starts_on.desc())
        .limit(1)
    )
    if latest is None:
        return []
    failing = [r.indicator for r in failing_results(latest)]
    if not failing:
        return []
    per_curriculum = _answering(failing)
    curricula = _newest_published(set(per_curriculum))
    if not curricula:
        return []
    staff = staff_with_certificates(facility.id, today)
    cohorts = _open_cohorts(set(curricula), today)
    cohort_ids = [c.id for found in cohorts.values() for c, _left in found]
    placed = {
        (cohort_id, trainee_id)
        for cohort_id, trainee_id in db.session.execute(
            sa.select(Enrolment.cohort_id, Enrolment.trainee_id).where(
                Enrolment.cohort_id.in_(cohort_ids),
                Enrolment.status.in_([EnrolmentStatus.ENROLLED, EnrolmentStatus.REQUESTED]),
            )
        )
    }
    needs = []
    for code, curriculum in sorted(curricula.items()):
        indicators, competencies = per_curriculum[code]
        cadre_ids = {c.id for c in curriculum.cadres}
        lacking = [
            row.user
            for row in staff
            if (not cadre_ids or row.user.cadre_id in cadre_ids)
            and not any(c.curriculum.code == code for c in row.certificates)
        ]
        needs.append(
            Need(
                curriculum=curriculum,
                indicators=sorted(indicators.values(), key=lambda i: i.position),
                competencies=sorted(competencies.values(), key=lambda c: (c.depth, c.position)),
                staff=lacking,
                cohorts=cohorts.get(code, []),
                enrollable={
                    u.id
                    for u in lacking
                    if u.active
                    and u.has_role(Role.TRAINEE)
                    and not any((c.id, u.id) in placed for c, _left in cohorts.get(code, []))
                },
            )
        )
    return needs


def _open_cohorts(codes: set[str], today: date) -> dict[str, list[tuple[Cohort, int]]]:
    """Cohorts not closed and not over, of any version of these curricula, with places left."""
    enrolled = (
        sa.select(sa.func.count())
        .where(Enrolment.cohort_id == Cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Cohort, Curriculum.code, enrolled)
        .join(Curriculum, Curriculum.id == Cohort.curriculum_id)
        .options(joinedload(Cohort.venue), selectinload(Cohort.instructors))
        .where(
            Curriculum.code.in_(codes),
            Cohort.status != CohortStatus.CLOSED,
            Cohort.end_date >= today,
        )
        .order_by(Cohort.start_date)
    ).all()
    result: dict[str, list] = {}
    for cohort, code, count in rows:
        if cohort.capacity - count > 0:
            result.setdefault(code, []).append((cohort, cohort.capacity - count))
    return result


def manageable_cohorts(user: User, needs: list[Need]) -> set[int]:
    """The ids of the needs' open cohorts the user may enrol people into."""
    return {
        cohort.id
        for need in needs
        for cohort, _left in need.cohorts
        if training.manages(user, cohort)
    }


def enrolment_offer(needs: list[Need], cohort_id: int | None) -> tuple[Cohort, dict] | None:
    """The cohort and the people (by id) one need offers for it: the need's enrollable staff
    who lack its curriculum. None when no need lists that cohort."""
    for need in needs:
        for cohort, _left in need.cohorts:
            if cohort.id == cohort_id:
                return cohort, {u.id: u for u in need.staff if u.id in need.enrollable}
    return None


def enrol_staff(actor, cohort: Cohort, people: list[User], now: datetime) -> int:
    """Enrol staff in a cohort: every one of them, or nobody when one is refused (the refusal
    says why). Returns how many were enrolled."""
    try:
        for person in people:
            training.enrol(actor, cohort, person, now)
    except (Forbidden, NotFound):
        raise
    except DomainError as error:
        raise DomainError(
            _l("Nobody was enrolled: %(problem)s", problem=str(error.message))
        ) from error
    return len(people)
