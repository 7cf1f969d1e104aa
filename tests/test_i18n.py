"""Language selection, Khmer formatting, and a complete, current Khmer catalogue."""

import re
from datetime import date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from lms.auth.roles import Role
from lms.config import ROOT
from lms.extensions import db
from lms.i18n import khmer_digits, official_date_km, official_date_line_km
from lms.users.models import User

from .conftest import km

PO = ROOT / "translations" / "km" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def test_khmer_is_the_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="km">' in html
    assert km("Log in") in html


def test_browser_language_is_used_when_nothing_was_chosen(client):
    html = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in html and ">Log in<" in html


def test_switcher_is_remembered_and_beats_the_browser(client):
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = client.get("/login", headers={"Accept-Language": "km"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_users_preference_beats_the_cookie(client, login_as):
    login_as(Role.TRAINEE, preferred_language="km")
    client.set_cookie("lang", "en")
    assert '<html lang="km">' in client.get("/").get_data(as_text=True)


def test_switching_language_saves_the_preference(client, login_as):
    user = login_as(Role.TRAINEE)
    client.post("/language", data={"language": "en", "next": "/"})
    db.session.refresh(user)
    assert user.preferred_language == "en"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_switcher_ignores_unknown_languages_and_foreign_next(client):
    response = client.post("/language", data={"language": "fr", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"
    assert "lang=" not in response.headers.get("Set-Cookie", "")


def test_home_page_in_both_languages_fits_the_role(client, login_as):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    html = client.get("/").get_data(as_text=True)
    assert "Administration" in html and "/users" in html
    client.set_cookie("lang", "km")
    html = client.get("/").get_data(as_text=True)
    assert km("Administration") in html


def test_trainee_home_shows_no_administration(client, login_as):
    login_as(Role.TRAINEE)
    client.set_cookie("lang", "en")
    html = client.get("/").get_data(as_text=True)
    assert "Administration" not in html and 'href="/users"' not in html
    assert "My account" in html


def test_khmer_digits_and_official_dates():
    assert khmer_digits("EMONC-2026-00042") == "EMONC-២០២៦-០០០៤២"
    assert official_date_km(date(2018, 11, 24)) == "ថ្ងៃទី២៤ ខែវិច្ឆិកា ឆ្នាំ២០១៨"
    assert official_date_line_km("ភ្នំពេញ", date(2018, 1, 5)) == ("ធ្វើនៅភ្នំពេញ ថ្ងៃទី៥ ខែមករា ឆ្នាំ២០១៨")


def test_dates_in_pages_use_khmer_month_names(app):
    from lms.i18n import format_date

    assert "វិច្ឆិកា" in format_date(date(2018, 11, 24), "km")
    assert "Nov" in format_date(date(2018, 11, 24), "en")


def test_dates_on_khmer_pages_use_khmer_digits(app):
    from lms.i18n import format_date, format_moment

    khmer = format_date(date(2018, 12, 2), "km")
    assert (
        "២" in khmer and "២០១៨" in khmer and not any(ch.isascii() and ch.isdigit() for ch in khmer)
    )
    assert format_moment(datetime(2018, 12, 2, 5), "km") == khmer
    assert "2018" in format_date(date(2018, 12, 2), "en")


def test_names_are_stored_nfc(client, login_as):
    login_as(Role.ADMIN)
    decomposed = "ស\u17bb\u1781"  # valid already; NFC must leave Khmer as typed
    client.post(
        "/users/new",
        data={
            "username": "nfc.test",
            "family_name_km": decomposed,
            "given_name_km": "ដារា",
            "family_name_en": "Sok ",
            "given_name_en": " Dara",
            "sex": "female",
            "roles": ["trainee"],
        },
    )
    user = db.session.query(User).filter_by(username="nfc.test").one()
    assert user.family_name_en == "Sok" and user.given_name_en == "Dara"


# --- The catalogue -----------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _extracted() -> set[str]:
    method_map = [("lms/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_has_real_khmer():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    extracted = _extracted()
    assert len(extracted) > 100
    missing = sorted(m for m in extracted if m not in catalog)
    assert missing == [], "strings missing from the Khmer catalogue; run `make translations`"
    untranslated = sorted(
        str(m.id)
        for m in catalog
        if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    )
    assert untranslated == []
    fuzzy = sorted(m.id for m in catalog if m.id and m.fuzzy)
    assert fuzzy == []
    khmer_letter = re.compile("[\u1780-\u17ff]")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert set(PLACEHOLDER.findall(ids[-1])) == set(PLACEHOLDER.findall(string)), ids
            assert khmer_letter.search(string), f"not Khmer: {ids[0]!r}"


def test_catalogue_has_no_stale_entries():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    extracted = _extracted()
    stale = sorted(
        str(m.id)
        for m in catalog
        if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in extracted
    )
    assert stale == [], "obsolete strings in the catalogue; run `make translations`"


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_catalogue_is_current():
    with PO.open("rb") as fh:
        po = {_key(m.id): _key(m.string) for m in read_po(fh) if m.id}
    with Path(MO).open("rb") as fh:
        mo = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
    assert po == mo, "translations/km/LC_MESSAGES/messages.mo is stale; run `make translations`"


def test_numbers_go_through_babel_with_khmer_digits(app):
    from lms.i18n import format_number

    assert format_number(74.0, "en") == "74"
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_number(12.25, "km") == "១២.២៥"


def _dispose(other_app) -> None:
    """Close a second app's pooled connections (PostgreSQL warns of open ones)."""
    with other_app.app_context():
        db.engine.dispose()


def test_anonymous_pages_set_no_session_and_switch_language_without_a_token(app, request):
    # Public pages (certificate verification) carry no CSRF token: no session cookie is set,
    # so they can be cached. Switching language then only sets the visitor's cookie.
    from .conftest import make_app

    strict = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    request.addfinalizer(lambda: _dispose(strict))
    response = client.get("/verify")
    assert response.status_code == 200
    assert "csrf_token" not in response.get_data(as_text=True).split("<main", 1)[0]
    assert "lms_session" not in response.headers.get("Set-Cookie", "")
    response = client.post("/language", data={"language": "en", "next": "/verify"})
    assert response.status_code == 302
    assert "lang=en" in response.headers["Set-Cookie"]


def test_a_logged_in_users_language_switch_needs_the_token(app, request):
    from . import factories
    from .conftest import csrf_token, make_app

    strict = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    request.addfinalizer(lambda: _dispose(strict))
    user = factories.user()
    db.session.commit()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post(
        "/login", data={"csrf_token": token, "login": user.username, "password": factories.PASSWORD}
    )
    assert client.post("/language", data={"language": "en", "next": "/"}).status_code == 400
    token = csrf_token(client.get("/account").get_data(as_text=True))
    response = client.post("/language", data={"csrf_token": token, "language": "en", "next": "/"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.preferred_language == "en"


def test_moments_are_shown_on_their_day_in_phnom_penh(app):

    from lms.i18n import format_moment, local_moment

    assert format_moment(datetime(2018, 12, 31, 23, 30), "en") == "Jan 1, 2019"
    assert local_moment(datetime(2018, 12, 31, 23, 30)) == datetime(2019, 1, 1, 6, 30)
    assert format_moment(None) == ""
