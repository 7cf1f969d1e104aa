"""Journey: typed work survives. An instructor half fills a DOPS checklist on a phone in Khmer,
switches language and back (the marks stay), then the session ends before they submit: after
logging in again the checklist comes back filled in, and nothing was recorded meanwhile.

The session is ended the way the server ends one at its absolute lifetime: its row in the
server's database is made to expire (the cookie is left as the browser has it)."""

from __future__ import annotations

import sqlite3

from lms.demo import cohort_code

from .. import clock
from ..conftest import km
from .conftest import SHOTS, demo_password

COHORT = cohort_code(clock.now(), 1)
COMMENT = "លាងដៃបានល្អ ប៉ុន្តែភ្លេចពាក់ស្រោមដៃ"


def _database(tmp_path):
    return sqlite3.connect(tmp_path / "e2e.sqlite3")


def _records(tmp_path) -> int:
    with _database(tmp_path) as db:
        return db.execute("SELECT count(*) FROM assessment_records").fetchone()[0]


def _marks(page) -> int:
    return page.locator("input[type=radio][value=done]:checked").count()


def test_a_half_filled_checklist_survives_a_language_switch_and_expiry(visit, tmp_path):
    teacher = visit("kept", "km")
    teacher.login("instructor")
    page = teacher.go("/cohorts")
    page.locator("li.card", has_text=COHORT).locator("h2 a").click()
    page.click("a[href^='/enrolments/'] >> nth=0")
    page.locator("li", has_text="DOPS-BIRTH").locator("a.button").first.click()
    teacher.check("checklist")
    form_url = page.url
    radios = page.query_selector_all("input[type=radio][value=done]")
    for radio in radios[:2]:  # half filled
        radio.check()
    page.fill("textarea[name=comments]", COMMENT)
    before = _records(tmp_path)

    # A language switch mid-form: the page comes back in English, the marks still there.
    page.click(".lang button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.url == form_url and _marks(page) == 2
    assert page.input_value("textarea[name=comments]") == COMMENT
    assert "What you typed is still here." in page.inner_text("main")
    page.click(".lang button[value=km]")
    page.wait_for_selector("html[lang=km]")
    assert _marks(page) == 2 and page.input_value("textarea[name=comments]") == COMMENT

    # The session ends while the form is open; the instructor presses submit.
    with _database(tmp_path) as db:
        db.execute("UPDATE login_sessions SET expires_at = '2000-01-01 00:00:00'")
    page.click("button[value=submit]")
    page.wait_for_selector("input[name=password]")
    assert "/login" in page.url
    assert km("Your work on this page was kept. Log in again to check it and send it.") in (
        page.inner_text("main")
    )
    page.screenshot(path=str(SHOTS / "kept-km-login.png"), full_page=True)
    page.fill("input[name=login]", "instructor")
    page.fill("input[name=password]", demo_password("instructor"))
    page.click("main form button")
    page.wait_for_selector("textarea[name=comments]")

    # The same form, filled in and unsubmitted.
    assert page.url == form_url
    assert km("Your work was kept: check it and submit again.") in page.inner_text("main")
    assert _marks(page) == 2 and page.input_value("textarea[name=comments]") == COMMENT
    assert _records(tmp_path) == before
    page.screenshot(path=str(SHOTS / "kept-km-refilled.png"), full_page=True)
    size = page.evaluate("document.documentElement.outerHTML.length")
    print(f"refilled checklist: {size} characters of HTML")
