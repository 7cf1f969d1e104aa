"""Imported accounts through the browser: the import's result page, the slips and the CSV
file once each, what a reload and another administrator see, resetting again; both languages."""

import csv
import io

import pytest

from lms.auth.passwords import verify_password
from lms.auth.roles import Role
from lms.extensions import db
from lms.users.models import PasswordHandout, User

from .. import factories
from ..conftest import count_queries, km

CSV_TEXT = (
    "username,family_name_km,given_name_km,family_name_en,given_name_en,sex,facility\n"
    "keo.sreymom,កែវ,ស្រីមុំ,KEO,Sreymom,female,TK-HC-1\n"
    "ly.vanna,លី,វណ្ណា,LY,Vanna,male,\n"
)


def _import(client, text=CSV_TEXT):
    return client.post(
        "/users/import",
        data={"file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
    )


@pytest.fixture
def handout_url(client, login_as):
    login_as(Role.ADMIN, username="first.admin")
    factories.facility(code="TK-HC-1", name_en="Angk Ta Saom HC")
    db.session.commit()
    response = _import(client)
    assert response.status_code == 302
    return response.headers["Location"]


def _secrets(html: str) -> list[str]:
    return [part.split("<")[0] for part in html.split('class="secret">')[1:]]


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_import_result_links_every_account_and_offers_the_passwords_once(
    client, handout_url, lang
):
    client.set_cookie("lang", lang)
    assert handout_url.startswith("/users/handouts/")
    html = client.get(handout_url).get_data(as_text=True)
    keo = User.query.filter_by(username="keo.sreymom").one()
    assert f'href="/users/{keo.id}"' in html and "ly.vanna" in html
    text = "Show the slips to print" if lang == "en" else km("Show the slips to print")
    assert text in html and 'class="secret"' not in html
    if lang == "en":
        assert "Angk Ta Saom HC" in html and "2 accounts were created on" in html
    else:
        assert km("Imported accounts") in html
        lead = html.split('class="lead">')[1].split("</p>")[0]
        assert "២" in lead and not any(digit in lead for digit in "0123456789")


@pytest.mark.parametrize("lang", ["en", "km"])
def test_slips_once_then_a_reload_says_so_and_offers_a_reset(client, handout_url, lang):
    client.set_cookie("lang", lang)
    token = handout_url.rsplit("/", 1)[1]
    response = client.post(f"{handout_url}/slips")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    html = response.get_data(as_text=True)
    shown = _secrets(html)
    assert len(shown) == 2
    keo = User.query.filter_by(username="keo.sreymom").one()
    assert verify_password(keo.password_hash, shown[0])
    assert "កែវ ស្រីមុំ" in html and "KEO Sreymom" in html and "http://localhost/login" in html
    again = client.post(f"{handout_url}/slips")
    assert again.status_code == 410
    html = again.get_data(as_text=True)
    assert _secrets(html) == []
    already = "The slips were already shown once, at %(time)s. They are not shown again."
    expected = (km(already, time="|") if lang == "km" else already % {"time": "|"}).split("|")[0]
    assert expected in html
    # the CSV file, once
    response = client.post(f"{handout_url}/passwords.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["username"] for r in rows] == ["keo.sreymom", "ly.vanna"]
    assert rows[0]["temporary_password"] == shown[0]
    assert rows[0]["login_url"] == "http://localhost/login"
    # both were taken: gone, and said so, with a reset offered
    assert client.post(f"{handout_url}/passwords.csv").status_code == 410
    html = client.get(handout_url).get_data(as_text=True)
    gone = "The temporary passwords are no longer kept, and cannot be shown again."
    assert (km(gone) if lang == "km" else gone) in html
    assert f"/users/handouts/{token}/reset" in html


def test_another_administrator_sees_the_accounts_but_not_the_passwords(app, handout_url):
    other = app.test_client()
    admin2 = factories.user(roles=[Role.ADMIN], username="second.admin")
    db.session.commit()
    other.post("/login", data={"login": admin2.username, "password": factories.PASSWORD})
    other.set_cookie("lang", "en")
    html = other.get(handout_url).get_data(as_text=True)
    assert "keo.sreymom" in html and "These passwords are held for" in html
    assert "Show the slips to print" not in html
    response = other.post(f"{handout_url}/slips")
    assert response.status_code == 410 and _secrets(response.get_data(as_text=True)) == []
    assert other.post(f"{handout_url}/passwords.csv").mimetype != "text/csv"
    assert db.session.query(PasswordHandout).one().slips_shown_at is None


def test_logging_out_loses_the_passwords(client, login, handout_url):
    admin = User.query.filter_by(username="first.admin").one()
    client.post("/logout")
    login(admin)
    assert client.post(f"{handout_url}/slips").status_code == 410


def test_handed_out_wipes_them(client, handout_url):
    client.set_cookie("lang", "en")
    response = client.post(f"{handout_url}/handed-out", follow_redirects=True)
    assert "The temporary passwords were wiped" in response.get_data(as_text=True)
    assert db.session.query(PasswordHandout).one().sealed is None
    assert client.post(f"{handout_url}/slips").status_code == 410


def test_reset_asks_first_then_gives_a_new_handout(client, handout_url):
    client.post(f"{handout_url}/handed-out")
    asked = client.post(f"{handout_url}/reset")
    assert asked.status_code == 200 and 'name="confirmed"' in asked.get_data(as_text=True)
    done = client.post(f"{handout_url}/reset", data={"confirmed": "1"})
    assert done.status_code == 302 and done.headers["Location"] != handout_url
    html = client.post(done.headers["Location"] + "/slips").get_data(as_text=True)
    keo = User.query.filter_by(username="keo.sreymom").one()
    assert verify_password(keo.password_hash, _secrets(html)[0])


def test_a_reload_of_the_import_creates_nothing_more(client, handout_url):
    again = _import(client)
    assert again.status_code == 422
    assert User.query.filter_by(username="keo.sreymom").count() == 1


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.INSTRUCTOR, Role.OFFICER])
def test_other_roles_are_refused(app, handout_url, role):
    other = app.test_client()
    person = factories.user(roles=[role])
    db.session.commit()
    other.post("/login", data={"login": person.username, "password": factories.PASSWORD})
    assert other.get(handout_url).status_code == 403
    assert other.post(f"{handout_url}/slips").status_code == 403
    assert other.post(f"{handout_url}/passwords.csv").status_code == 403


def test_an_unknown_handout_is_404(client, handout_url):
    assert client.get("/users/handouts/nope").status_code == 404
    assert client.post("/users/handouts/nope/slips").status_code == 404


@pytest.mark.parametrize("n", [2, 20])
def test_the_pages_take_a_fixed_number_of_queries(client, login_as, n):
    login_as(Role.ADMIN)
    facility = factories.facility(code="TK-HC-1")
    db.session.commit()
    rows = "".join(f"person.{i},កែវ,ស្រីមុំ,KEO,Sreymom{i},female,{facility.code}\n" for i in range(n))
    url = _import(client, CSV_TEXT.split("\n")[0] + "\n" + rows).headers["Location"]
    with count_queries() as page:
        assert client.get(url).status_code == 200
    with count_queries() as slips:
        assert client.post(url + "/slips").status_code == 200
    assert page.count <= 8, page.statements
    assert slips.count <= 19, slips.statements  # with the lock that lets one of two clicks win
