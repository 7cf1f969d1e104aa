"""Who may see, assess and validate which facility: assessor scopes and the team rules."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ...audit import services as audit
from ...auth.roles import Role
from ...errors import DomainError, Forbidden
from ...extensions import db
from ...orgunits.models import Facility
from ...users.models import User, UserRole
from ..models import AssessorScope, QualityAssessment


def scopes_of(user: User) -> list[AssessorScope]:
    """The provinces and single facilities assigned to a quality assessor."""
    return list(
        db.session.scalars(
            sa.select(AssessorScope)
            .options(joinedload(AssessorScope.province), joinedload(AssessorScope.facility))
            .where(AssessorScope.user_id == user.id)
        )
    )


def scopes_by_user() -> dict[int, list[AssessorScope]]:
    """Every assessor's assigned provinces and facilities, by user id (one query)."""
    scopes: dict[int, list[AssessorScope]] = {}
    for scope in db.session.scalars(
        sa.select(AssessorScope).options(
            joinedload(AssessorScope.province), joinedload(AssessorScope.facility)
        )
    ):
        scopes.setdefault(scope.user_id, []).append(scope)
    return scopes


def _assessors() -> sa.Select:
    return (
        sa.select(User)
        .join(UserRole)
        .where(UserRole.role == Role.QUALITY_ASSESSOR)
        .order_by(User.family_name_en)
    )


def quality_assessors() -> list[User]:
    """Every account with the quality assessor role, by family name."""
    return list(db.session.scalars(_assessors()))


def co_assessors(user: User) -> list[User]:
    """The active quality assessors who may join `user`'s team, by family name."""
    return list(db.session.scalars(_assessors().where(User.active.is_(True), User.id != user.id)))


def quality_assessor(user_id: int) -> User | None:
    """The account with this id if it is a quality assessor, else None."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.has_role(Role.QUALITY_ASSESSOR) else None


def assessable_facilities(user: User) -> sa.Select:
    """Facilities the user may assess: all for administrators, else the assigned ones."""
    stmt = sa.select(Facility).where(Facility.active.is_(True))
    if user.has_role(Role.ADMIN):
        return stmt
    if not user.has_role(Role.QUALITY_ASSESSOR):
        return stmt.where(sa.false())
    scope = sa.select(AssessorScope).where(AssessorScope.user_id == user.id)
    provinces = scope.with_only_columns(AssessorScope.province_id).where(
        AssessorScope.province_id.is_not(None)
    )
    facilities = scope.with_only_columns(AssessorScope.facility_id).where(
        AssessorScope.facility_id.is_not(None)
    )
    return stmt.where(sa.or_(Facility.province_id.in_(provinces), Facility.id.in_(facilities)))


def facilities_to_assess(user: User) -> list[Facility]:
    """The facilities the user may assess, by code."""
    return list(db.session.scalars(assessable_facilities(user).order_by(Facility.code)))


def assignable_facilities() -> list[Facility]:
    """The facilities an assessor may be assigned one by one: every active one, by code."""
    return list(
        db.session.scalars(
            sa.select(Facility).where(Facility.active.is_(True)).order_by(Facility.code)
        )
    )


def may_assess(user: User, facility: Facility) -> bool:
    """Whether the user may assess this facility (and see its assessments)."""
    if user.has_role(Role.ADMIN):
        return True
    return (
        db.session.scalar(
            assessable_facilities(user)
            .with_only_columns(Facility.id)
            .where(Facility.id == facility.id)
        )
        is not None
    )


def require_assessor(user: User, facility: Facility) -> None:
    """Refuse (Forbidden) a user who may not assess this facility."""
    if not may_assess(user, facility):
        raise Forbidden(_l("You are not assigned to assess this facility."))


def set_scopes(actor, user: User, province_ids: list[int], facility_ids: list[int], now) -> None:
    """Replace a quality assessor's assigned provinces and facilities."""
    if not user.has_role(Role.QUALITY_ASSESSOR):
        raise DomainError(_l("Only quality assessors are assigned facilities."))
    db.session.execute(sa.delete(AssessorScope).where(AssessorScope.user_id == user.id))
    for pid in sorted(set(province_ids)):
        db.session.add(AssessorScope(user_id=user.id, province_id=pid))
    for fid in sorted(set(facility_ids)):
        db.session.add(AssessorScope(user_id=user.id, facility_id=fid))
    db.session.flush()
    audit.record(
        actor,
        "quality.scopes_set",
        user,
        now=now,
        provinces=sorted(set(province_ids)),
        facilities=sorted(set(facility_ids)),
    )


def require_team(actor, assessment: QualityAssessment) -> None:
    """Refuse (Forbidden) anyone but an administrator or an assessor of this assessment who
    may still assess its facility."""
    if actor.has_role(Role.ADMIN):
        return
    if actor.id not in {u.id for u in assessment.assessors} or not may_assess(
        actor, assessment.facility
    ):
        raise Forbidden(_l("Only this assessment's assessors may change it."))


def on_team(user: User, assessment: QualityAssessment) -> bool:
    """Whether the user started, submitted or assessed it (so may not validate it)."""
    return user.id in {assessment.created_by_id, assessment.submitted_by_id} | {
        u.id for u in assessment.assessors
    }


def require_validator(actor, assessment: QualityAssessment) -> None:
    """Refuse (Forbidden) a validator on the assessment's team, or one who is neither an
    administrator nor a quality assessor whose scope holds the facility."""
    if on_team(actor, assessment):
        raise Forbidden(_l("A second assessor validates: you cannot validate your own assessment."))
    if not actor.has_role(Role.ADMIN) and not (
        actor.has_role(Role.QUALITY_ASSESSOR) and may_assess(actor, assessment.facility)
    ):
        raise Forbidden(_l("You are not assigned to assess this facility."))


def may_validate(user: User, assessment: QualityAssessment) -> bool:
    """Whether `validate` would accept this user (the rule is `require_validator`'s)."""
    try:
        require_validator(user, assessment)
    except Forbidden:
        return False
    return True
