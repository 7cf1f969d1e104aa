"""Who may open what: role × URL × expected status, and every view declares its access."""

import pytest

from lms.auth.access import PUBLIC
from lms.auth.roles import Role
from lms.extensions import db

from . import factories

ALL = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
PLACES = frozenset({Role.ADMIN, Role.OFFICER, Role.QUALITY_ASSESSOR})

TABLE = {
    "/": ALL,
    "/account": ALL,
    "/account/password": ALL,
    "/users": ADMIN,
    "/users/new": ADMIN,
    "/users/import": ADMIN,
    "/users/import/template.csv": ADMIN,
    "/cadres": ADMIN,
    "/cadres/new": ADMIN,
    "/provinces": PLACES,
    "/facilities": PLACES,
    "/districts": PLACES,
    "/facilities/new": ADMIN,
    "/districts/new": ADMIN,
    "/facilities/import": ADMIN,
    "/districts/import": ADMIN,
}


@pytest.mark.parametrize("url", sorted(TABLE))
@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
def test_role_table(client, login_as, role, url):
    if role is not None:
        login_as(role)
    response = client.get(url)
    if role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    elif role in TABLE[url]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_object_pages_are_for_administrators(client, login_as, role):
    other = factories.user()
    facility = factories.facility()
    district = factories.district()
    cadre = factories.cadre()
    db.session.commit()
    login_as(role)
    for url in (
        f"/users/{other.id}",
        f"/users/{other.id}/edit",
        f"/facilities/{facility.id}/edit",
        f"/districts/{district.id}/edit",
        f"/cadres/{cadre.id}/edit",
    ):
        expected = 200 if role is Role.ADMIN else 403
        assert client.get(url).status_code == expected, url


def test_missing_objects_are_404(client, login_as):
    login_as(Role.ADMIN)
    for url in (
        "/users/999999",
        "/facilities/999999/edit",
        "/districts/999999/edit",
        "/cadres/999999/edit",
    ):
        assert client.get(url).status_code == 404, url


def test_post_only_actions_refuse_other_roles(client, login_as):
    target = factories.user()
    db.session.commit()
    login_as(Role.INSTRUCTOR)
    assert client.post(f"/users/{target.id}/active", data={"active": "0"}).status_code == 403
    assert client.post(f"/users/{target.id}/password-reset").status_code == 403
    db.session.refresh(target)
    assert target.active


def test_every_view_declares_its_access(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and getattr(app.view_functions[rule.endpoint], "access", None) is None
    ]
    assert undeclared == []


def test_public_views_are_few_and_known(app):
    public = sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if getattr(app.view_functions.get(rule.endpoint), "access", None) == PUBLIC
        }
    )
    assert public == [
        "auth.login",
        "auth.logout",
        "certificates.lookup",
        "certificates.verify",
        "certificates.verify_json",
        "main.health",
        "main.set_language",
    ]


@pytest.mark.parametrize(
    "language,text", [("en", "You do not have access to this page"), ("km", None)]
)
def test_forbidden_page_in_the_users_language(client, login_as, language, text):
    from .conftest import km

    login_as(Role.TRAINEE, preferred_language=language)
    response = client.get("/users")
    assert response.status_code == 403
    expected = text or km("You do not have access to this page")
    assert expected in response.get_data(as_text=True)
