"""User administration through the browser, in both languages."""

import io

import pytest

from lms.auth.passwords import verify_password
from lms.auth.roles import Role
from lms.extensions import db
from lms.users.models import User

from .. import factories
from ..conftest import count_queries, km

FORM = {
    "username": "keo.sreymom",
    "family_name_km": "កែវ",
    "given_name_km": "ស្រីមុំ",
    "family_name_en": "KEO",
    "given_name_en": "Sreymom",
    "sex": "female",
    "roles": ["trainee"],
    "preferred_language": "",
    "cadre_id": "",
    "council_id": "",
    "facility_id": "",
}


def test_admin_creates_a_user_and_sees_the_temporary_password(client, login_as):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    response = client.post("/users/new", data=FORM)
    user = db.session.query(User).filter_by(username="keo.sreymom").one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/users/{user.id}/temporary-password"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Temporary password" in html
    shown = html.split('class="secret">')[1].split("<")[0]
    assert verify_password(user.password_hash, shown)
    # a reload shows it no more, and creates nothing
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="secret"' not in again and "was shown once and is not kept" in again
    assert db.session.query(User).filter_by(username="keo.sreymom").count() == 1


def test_form_errors_are_shown_next_to_the_fields_in_khmer(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/users/new", data={**FORM, "family_name_km": "Keo"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="family_name_km-error"' in html
    assert km("Write this name in Khmer script.") in html
    assert 'aria-invalid="true"' in html
    assert db.session.query(User).filter_by(username="keo.sreymom").count() == 0


def test_edit_user(client, login_as):
    login_as(Role.ADMIN)
    user = factories.user(username="edit.me")
    db.session.commit()
    page = client.get(f"/users/{user.id}/edit")
    assert 'value="edit.me"' in page.get_data(as_text=True)
    response = client.post(
        f"/users/{user.id}/edit",
        data={**FORM, "username": "edit.me", "roles": ["trainee", "instructor"]},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.roles == {Role.TRAINEE, Role.INSTRUCTOR}
    assert user.family_name_en == "KEO"


def test_reset_password_flow(client, login_as, app):
    login_as(Role.ADMIN)
    user = factories.user(username="forgetful")
    db.session.commit()
    html = client.post(f"/users/{user.id}/password-reset", follow_redirects=True).get_data(
        as_text=True
    )
    temporary = html.split('class="secret">')[1].split("<")[0]
    other = app.test_client()
    other.post("/login", data={"login": "forgetful", "password": temporary})
    assert other.get("/").headers["Location"] == "/account/password"


def test_import_page_reports_bad_rows_and_imports_nothing(client, login_as):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    text = (
        "username,family_name_km,given_name_km,family_name_en,given_name_en,sex\n"
        "good.one,កែវ,ស្រីមុំ,KEO,Sreymom,female\n"
        "bad.one,Keo,ស្រីមុំ,KEO,Sreymom,female\n"
    )
    before = db.session.query(User).count()
    response = client.post(
        "/users/import",
        data={"file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in html
    assert "Line 3 · <code>family_name_km</code>" in html
    assert db.session.query(User).count() == before


def test_import_page_creates_users(client, login_as):
    login_as(Role.ADMIN)
    text = (
        "username,family_name_km,given_name_km,family_name_en,given_name_en,sex\n"
        "good.one,កែវ,ស្រីមុំ,KEO,Sreymom,female\n"
    )
    response = client.post(
        "/users/import",
        data={"file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "good.one" in response.get_data(as_text=True)
    assert db.session.query(User).filter_by(username="good.one").count() == 1


def test_import_refuses_other_file_types(client, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/users/import",
        data={"file": (io.BytesIO(b"%PDF-1.7"), "people.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert 'id="file-error"' in response.get_data(as_text=True)


def test_too_large_upload_is_413(client, login_as, app):
    login_as(Role.ADMIN)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(
        "/users/import",
        data={"file": (io.BytesIO(b"x" * 5000), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


@pytest.mark.parametrize("n", [3, 30])
def test_user_list_query_count_does_not_grow(client, login_as, n):
    login_as(Role.ADMIN)
    facility = factories.facility()
    for _ in range(n):
        factories.user(facility_id=facility.id, cadre_id=factories.cadre().id)
    db.session.commit()
    with count_queries() as queries:
        response = client.get("/users")
    assert response.status_code == 200
    assert queries.count <= 8, queries.statements


def test_user_list_filters(client, login_as):
    login_as(Role.ADMIN)
    factories.user(username="find.me", family_name_en="FINDME", roles=[Role.INSTRUCTOR])
    factories.user(username="not.me")
    db.session.commit()
    html = client.get("/users?q=findme&role=instructor").get_data(as_text=True)
    assert "find.me" in html and "not.me" not in html


def test_built_in_form_messages_are_in_khmer(client, login_as):
    """WTForms' own messages ("This field is required.") come from our catalogue too."""
    login_as(Role.ADMIN)
    html = client.post("/users/new", data={**FORM, "given_name_en": ""}).get_data(as_text=True)
    assert 'id="given_name_en-error"' in html
    assert km("This field is required.") in html
    assert "This field is required." not in html


def test_admin_sets_a_councils_licensing_cycle(client, login_as):
    from lms.users.models import Council

    login_as(Role.ADMIN)
    council = db.session.query(Council).filter_by(code="CMWC").one()
    assert client.get("/councils").status_code == 200
    response = client.post(
        f"/councils/{council.id}/edit",
        data={"name_km": council.name_km, "name_en": council.name_en, "licence_cycle_years": "5"},
    )
    assert response.status_code == 302
    db.session.refresh(council)
    assert council.licence_cycle_years == 5
    bad = client.post(
        f"/councils/{council.id}/edit",
        data={"name_km": council.name_km, "name_en": council.name_en, "licence_cycle_years": "0"},
    )
    assert bad.status_code == 200


def test_the_import_template_example_fills_its_own_columns(client, login_as):
    # The example row used to put the email under family_name_km.
    import csv

    login_as(Role.ADMIN)
    response = client.get("/users/import/template.csv")
    assert response.mimetype == "text/csv"
    (row,) = csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    assert row["username"] == "sok.dara" and row["family_name_km"] == "សុខ"
    assert row["email"] == "dara@example.org" and row["facility"] == ""
    data = response.get_data()
    response = client.post(
        "/users/import",
        data={"file": (io.BytesIO(data), "users.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and User.query.filter_by(username="sok.dara").one()
