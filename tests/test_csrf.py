"""Every state-changing request needs a CSRF token."""

from werkzeug.routing.converters import AnyConverter

from lms.auth.roles import Role
from lms.extensions import db
from lms.users.models import User

from .conftest import csrf_token


def _post_urls(app):
    """A concrete URL for every rule that accepts POST (ids 1, first choice of `any`)."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint != "static":
            values = {}
            for arg, converter in rule._converters.items():
                values[arg] = (
                    sorted(converter.items)[0] if isinstance(converter, AnyConverter) else 1
                )
            yield adapter.build(rule.endpoint, values, method="POST")


def test_every_post_without_token_is_refused(app, client, login_as):
    admin = login_as(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    client.set_cookie("lang", "en")
    urls = sorted(set(_post_urls(app)))
    assert "/users/new" in urls and "/logout" in urls and len(urls) >= 12
    users_before = db.session.query(User).count()
    for url in urls:
        response = client.post(url, data={"active": "0", "language": "en"})
        assert response.status_code == 400, url
        assert "The form expired" in response.get_data(as_text=True), url
    assert db.session.query(User).count() == users_before
    db.session.refresh(admin)
    assert admin.active
    assert client.get("/").status_code == 200  # logout without a token did nothing


def test_post_with_the_pages_token_works(app, client, login_as):
    login_as(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/account").get_data(as_text=True)
    response = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_login_form_needs_a_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"login": "x", "password": "y"})
    assert response.status_code == 400
