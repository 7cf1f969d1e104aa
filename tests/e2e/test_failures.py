"""Journey 5: what goes wrong for people: a wrong password, a refused page, a form with its
errors next to the fields, a bad import file with its list of errors. One runs without
JavaScript."""

from __future__ import annotations

import pytest

from .conftest import demo_password

WRONG = {"km": "ឈ្មោះចូលប្រើ ឬពាក្យសម្ងាត់មិនត្រឹមត្រូវ", "en": "wrong"}


@pytest.mark.parametrize("language", ["km", "en"])
def test_failure_paths(visit, language, tmp_path):
    person = visit("failures", language, javascript=(language == "en"))
    page = person.go("/login")
    page.fill("input[name=login]", "trainee")
    page.fill("input[name=password]", "not-the-password")
    page.click("main form button")
    assert page.locator("[role=alert], .form-errors, .error").count() >= 1
    person.check("wrong-password")
    # Log in with the keyboard alone: the skip link, then the fields in order, then Enter.
    page = person.go("/login")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "login":
            break
    page.keyboard.type("trainee")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(demo_password("trainee"))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    response = page.goto(person.base + "/users")
    assert response.status == 403
    person.check("forbidden")
    admin = visit("failures-admin", language, javascript=(language == "en"))
    admin.login("admin")
    page = admin.go("/users/new")
    page.fill("input[name=username]", "x")
    page.click("main form button.primary")
    assert page.locator(".has-error").count() >= 1
    assert page.locator("[aria-invalid=true]").count() >= 1
    admin.check("form-errors")
    bad = tmp_path / "facilities.csv"
    bad.write_text("code,name_km,name_en,type,province_code\nHC-1,,Health centre,spaceport,99\n")
    page = admin.go("/facilities/import")
    page.set_input_files("input[type=file]", str(bad))
    page.click("main form button.primary")
    problems = page.locator(".problems li")
    assert problems.count() >= 2, page.inner_text("main")
    assert "2" in problems.first.inner_text() or "២" in problems.first.inner_text()  # line 2
    admin.check("import-errors")
