"""User administration rules, without HTTP."""

from datetime import date

import pytest

from lms.audit.models import AuditEvent
from lms.auth.roles import Role
from lms.database import utcnow
from lms.errors import DomainError
from lms.extensions import db
from lms.users import services
from lms.users.models import Sex, User

from .. import factories


def _data(**kw) -> services.UserData:
    values = dict(
        username="keo.sreymom",
        family_name_km="កែវ",
        given_name_km="ស្រីមុំ",
        family_name_en="KEO",
        given_name_en="Sreymom",
        sex=Sex.FEMALE,
    )
    values.update(kw)
    return services.UserData(**values)


def test_create_user_with_temporary_password_and_council_from_cadre(app):
    admin = factories.user(roles=[Role.ADMIN])
    midwife = factories.cadre("MIDWIFE")
    user, temporary = services.create_user(
        admin, _data(cadre_id=midwife.id, licence_number="MW-0001"), utcnow()
    )
    assert temporary and user.must_change_password
    assert user.council_id == midwife.council_id
    assert user.roles == {Role.TRAINEE}
    event = (
        db.session.query(AuditEvent).filter_by(action="user.created", object_id=str(user.id)).one()
    )
    assert event.actor_id == admin.id and event.actor_username == admin.username


@pytest.mark.parametrize(
    "field,value",
    [
        ("username", "No Spaces Allowed"),
        ("username", "ab"),
        ("email", "not-an-email"),
        ("family_name_km", "Keo"),
        ("given_name_en", "ស្រីមុំ"),
        ("family_name_en", ""),
        ("phone", "call me"),
        ("date_of_birth", date(2999, 1, 1)),
        ("preferred_language", "fr"),
        ("roles", set()),
    ],
)
def test_invalid_values_are_refused_with_the_field(app, field, value):
    with pytest.raises(DomainError) as refused:
        services.create_user(None, _data(**{field: value}), utcnow())
    assert refused.value.field == field
    assert db.session.query(User).count() == 0


def test_licence_needs_a_council(app):
    with pytest.raises(DomainError) as refused:
        services.create_user(None, _data(licence_number="X-1"), utcnow())
    assert refused.value.field == "council_id"


def test_uniqueness(app):
    factories.user(username="keo.sreymom", email="keo@example.org")
    with pytest.raises(DomainError) as refused:
        services.create_user(None, _data(), utcnow())
    assert refused.value.field == "username"
    with pytest.raises(DomainError) as refused:
        services.create_user(None, _data(username="other", email="KEO@example.org"), utcnow())
    assert refused.value.field == "email"


def test_licence_number_is_unique_per_council(app):
    midwife = factories.cadre("MIDWIFE")
    nurse = factories.cadre("NURSE")
    factories.user(cadre_id=midwife.id, council_id=midwife.council_id, licence_number="L-1")
    with pytest.raises(DomainError) as refused:
        services.create_user(None, _data(cadre_id=midwife.id, licence_number="L-1"), utcnow())
    assert refused.value.field == "licence_number"
    services.create_user(None, _data(cadre_id=nurse.id, licence_number="L-1"), utcnow())


def test_admin_cannot_remove_own_admin_role_or_deactivate_self(app):
    admin = factories.user(roles=[Role.ADMIN])
    data = _data(username=admin.username, roles={Role.TRAINEE})
    with pytest.raises(DomainError):
        services.update_user(admin, admin, data, utcnow())
    with pytest.raises(DomainError):
        services.set_active(admin, admin, False, utcnow())


def test_the_last_active_administrator_stays(app):
    only_admin = factories.user(roles=[Role.ADMIN])
    other = factories.user(roles=[Role.ADMIN])
    services.set_active(other, only_admin, False, utcnow())
    with pytest.raises(DomainError):
        services.set_active(None, other, False, utcnow())


def test_update_changes_roles_and_is_audited(app):
    admin = factories.user(roles=[Role.ADMIN])
    user = factories.user()
    data = _data(username=user.username, roles={Role.INSTRUCTOR, Role.TRAINEE})
    services.update_user(admin, user, data, utcnow())
    assert user.roles == {Role.INSTRUCTOR, Role.TRAINEE}
    event = db.session.query(AuditEvent).filter_by(action="user.updated").one()
    assert '"roles_before":["trainee"]' in event.details


def test_reset_password_gives_a_one_time_password(app):
    from lms.auth.passwords import verify_password

    user = factories.user()
    temporary = services.reset_password(None, user, utcnow())
    assert user.must_change_password
    assert verify_password(user.password_hash, temporary)
    assert not verify_password(user.password_hash, factories.PASSWORD)


def test_search_in_both_scripts_and_counts_by_sex(app):
    factories.user(
        family_name_km="ចាន់",
        given_name_km="សុភា",
        family_name_en="CHAN",
        given_name_en="Sophea",
        sex=Sex.FEMALE,
    )
    factories.user(
        family_name_km="ចាន់",
        given_name_km="ដារ៉ា",
        family_name_en="CHAN",
        given_name_en="Dara",
        sex=Sex.MALE,
    )
    factories.user(
        family_name_km="លី",
        given_name_km="វណ្ណា",
        family_name_en="LY",
        given_name_en="Vanna",
        sex=Sex.FEMALE,
    )
    for term in ("ចាន់", "chan", "Chan Sophea", "ចាន់ សុភា"):
        found = db.session.scalars(services.user_query(term)).all()
        assert {u.family_name_en for u in found} == {"CHAN"}, term
    counts = services.count_by_sex(services.user_query("chan"))
    assert counts == {Sex.FEMALE: 1, Sex.MALE: 1, Sex.OTHER: 0}
