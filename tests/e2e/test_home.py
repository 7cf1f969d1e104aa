"""Journey: each demo persona opens the home page on a phone in Khmer, finds the list of what to
do now with a count, and follows one item to the page where that work is done."""

from __future__ import annotations

import re

import pytest

from lms.i18n import khmer_digits

from .conftest import PHONE

LATIN = re.compile(r"[0-9]")
KHMER_COUNT = re.compile(r"^[០-៩][០-៩,]*$")

# persona: (the item followed, what the page it leads to must show)
WORK = {
    "trainee": ("logbook_cases_left", "input[name=reference]"),
    "instructor": ("to_assess", "input[type=radio][value=done]"),
    "officer": ("eligible_not_issued", "form[action*='/issue'] button"),
    "assessor": ("facilities_to_assess", "select#facility_id"),
    "admin": ("login_delayed", "form[action$='/login-delays/clear'] button"),
}
HELD_BACK = "nhem.dalin"  # a demo graduate who mistypes her password


def _fail_logins(visit, username: str, times: int = 5):
    """Wrong passwords until the account must wait (the administrator's item)."""
    guesser = visit("home-guesses", "km", PHONE)
    for _ in range(times):
        guesser.login(username, "not-her-password-1")
        assert "/login" in guesser.page.url


@pytest.mark.parametrize("persona", list(WORK))
def test_each_home_says_what_is_next(visit, persona):
    if persona == "admin":
        _fail_logins(visit, HELD_BACK)
    person = visit(f"home-{persona}", "km", PHONE)
    person.login(persona)
    page = person.go("/")
    person.check("home")
    todo = page.locator("section.todo")
    assert todo.count() == 1, persona
    counts = [c.text_content().strip() for c in page.query_selector_all("section.todo .todo-count")]
    numbers = [c for c in counts if c not in ("›",) and ":" not in c]
    assert numbers and all(KHMER_COUNT.match(c) for c in numbers), (persona, counts)
    assert not LATIN.search("".join(numbers))
    code, landmark = WORK[persona]
    fold = page.locator("section.todo details.todo-fold > summary")
    if persona == "instructor":  # eight stations to assess unfold from one item, no script
        assert fold.count() == 1 and "៨" in fold.inner_text()
        fold.click()
    item = page.locator(f"section.todo li[data-code={code}] a.todo-link").first
    text = item.inner_text()
    box = item.bounding_box()
    assert box is not None and box["height"] >= 44, (persona, box)
    if persona == "admin":
        assert "ញឹម" in text  # her name, in Khmer
    item.click()
    page.wait_for_load_state()
    assert page.query_selector(landmark), (persona, page.url, page.inner_text("main")[:400])
    if persona == "officer":
        assert khmer_digits("1") in text
