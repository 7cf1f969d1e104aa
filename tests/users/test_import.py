"""Bulk user import: all or nothing, every bad row and field named."""

import pytest

from lms.auth.roles import Role
from lms.database import utcnow
from lms.errors import ImportRejected
from lms.extensions import db
from lms.users import services
from lms.users.models import User

from .. import factories

HEADER = (
    "username,family_name_km,given_name_km,family_name_en,given_name_en,sex,"
    "date_of_birth,cadre,facility,roles,licence_number\n"
)


def test_good_file_creates_everyone_with_temporary_passwords(app):
    factories.facility(code="TK-HC-ATS")
    text = HEADER + (
        "keo.sreymom,កែវ,ស្រីមុំ,KEO,Sreymom,female,1992-03-04,MIDWIFE,TK-HC-ATS,trainee,MW-1\n"
        "ly.vanna,លី,វណ្ណា,LY,Vanna,F,,NURSE,tk-hc-ats,trainee;instructor,\n"
    )
    created = services.import_users(None, text.encode(), utcnow())
    assert [u.username for u, _ in created] == ["keo.sreymom", "ly.vanna"]
    assert all(u.must_change_password and temporary for u, temporary in created)
    ly = db.session.query(User).filter_by(username="ly.vanna").one()
    assert ly.roles == {Role.TRAINEE, Role.INSTRUCTOR}
    assert ly.facility.code == "TK-HC-ATS"


def test_one_bad_row_imports_nothing_and_is_named(app):
    text = HEADER + (
        "keo.sreymom,កែវ,ស្រីមុំ,KEO,Sreymom,female,,MIDWIFE,,,\n"
        "ly.vanna,លី,វណ្ណា,LY,Vanna,woman,1992-13-01,NOPE,ZZZ,trainee;boss,\n"
        "chan.dara,ចាន់,ដារា,CHAN,Dara,male,,,,,\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        services.import_users(None, text.encode(), utcnow())
    db.session.rollback()
    assert db.session.query(User).count() == 0
    found = {(e.line, e.field) for e in rejected.value.errors}
    assert found == {(3, "sex"), (3, "date_of_birth"), (3, "cadre"), (3, "facility"), (3, "roles")}


def test_duplicates_in_file_and_database_are_named(app):
    factories.user(username="taken")
    text = HEADER + (
        "taken,កែវ,ស្រីមុំ,KEO,Sreymom,female,,,,,\n"
        "twice,លី,វណ្ណា,LY,Vanna,female,,,,,\n"
        "twice,ចាន់,ដារា,CHAN,Dara,male,,,,,\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        services.import_users(None, text, utcnow())
    assert [(e.line, e.field) for e in rejected.value.errors] == [(2, "username"), (4, "username")]


@pytest.mark.parametrize(
    "data,where",
    [
        (b"\xff\xfe\x00bad", (1, "")),
        (b"username,family_name_km\nx,y\n", (1, "given_name_km")),
        (HEADER.encode() + b"", (2, "")),
        ((HEADER.strip() + ",shoe_size\n").encode(), (1, "shoe_size")),
    ],
)
def test_broken_files_are_explained(app, data, where):
    with pytest.raises(ImportRejected) as rejected:
        services.import_users(None, data, utcnow())
    assert where in {(e.line, e.field) for e in rejected.value.errors}


def test_byte_order_mark_and_crlf_are_fine(app):
    text = "\ufeff" + HEADER.replace("\n", "\r\n") + "keo.s,កែវ,ស្រីមុំ,KEO,Sreymom,female,,,,,\r\n"
    created = services.import_users(None, text.encode("utf-8"), utcnow())
    assert len(created) == 1
