"""Journey: the demo trainee takes the timed BEmONC knowledge test on a phone, in Khmer. She
opens it from her progress, answers page by page (progress and timer in Khmer digits), reloads
in the middle and finds her answers kept, tries to hand in with one question unanswered and is
warned with a link to it, hands in, and reads the review the curriculum allows (her mistakes;
the right answers after her last attempt, which she is told is the last)."""

from __future__ import annotations

import re

from .conftest import PHONE, SHOTS

KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"


def _answer_page(page, skip_last: bool = False) -> int:
    """Choose the first answer of every question shown (but the last one, with `skip_last`);
    how many questions the page has."""
    groups = []
    for radio in page.query_selector_all("input[type=radio][name^=q]"):
        name = radio.get_attribute("name")
        if name not in groups:
            groups.append(name)
    for name in groups[:-1] if skip_last else groups:
        page.locator(f"input[name={name}]").first.check()
    return len(groups)


def _checked(page) -> int:
    return len(page.query_selector_all("input[type=radio][name^=q]:checked"))


def _answered(page) -> int:
    return int(page.get_attribute("progress#answered", "value"))


def test_the_trainee_takes_the_test_page_by_page_in_khmer(visit):
    trainee = visit("online-test", "km", viewport=PHONE)
    trainee.login("trainee")
    page = trainee.go("/my/progress")
    trainee.check("progress")
    page.click("main a.button.primary[href*='/tests/']")  # the test, near the top
    test_path = page.url.split("?")[0].replace(trainee.base, "")
    trainee.check("test-start")
    assert "៣០" in page.inner_text("main")  # the time limit, in Khmer digits
    page.click("button[value=start]")

    # Page 1 of 5: where she is, how much is answered, the time left (written by the server,
    # counted down by the script).
    head = page.inner_text(".test-head")
    assert "សំណួរទី ១–៥ ក្នុងចំណោម ២៥" in head, head
    timer = page.inner_text(".timer-left")
    assert re.fullmatch(f"[{KHMER_DIGITS}]{{2}}:[{KHMER_DIGITS}]{{2}}", timer), timer
    page.wait_for_timeout(1500)
    assert page.inner_text(".timer-left") != timer  # the countdown runs
    trainee.check("test-page")
    assert _answer_page(page) == 5
    page.click("main form button.primary[name=go]")
    assert page.url.endswith("?page=2") and _answered(page) == 5
    _answer_page(page)
    page.click("main form button.primary[name=go]")

    # A reload in the middle (or the browser closed and opened again): she is back on page 3,
    # and the first two pages kept their answers.
    page = trainee.go(test_path)
    assert _answered(page) == 10 and "សំណួរទី ១១–១៥" in page.inner_text(".test-head")
    page.click(".test-pages button[value='1']")
    assert _checked(page) == 5
    for number in range(2, 6):
        page.click(f".test-pages button[value='{number}']")
        if number >= 3:
            _answer_page(page, skip_last=number == 5)
    assert page.query_selector("main form button.primary[value=finish]")  # the last page

    # Handing in with one question unanswered: asked once, told how many, with a link to it.
    page.click("main form button.primary[value=finish]")
    warning = page.inner_text("section.confirm")
    assert "សំណួរ ១ ក្នុងចំណោម ២៥ មិនទាន់មានចម្លើយ" in warning, warning
    links = page.query_selector_all("section.confirm ul.jump a")
    assert len(links) == 1 and "សំណួរទី ២៥" in links[0].inner_text()
    assert links[0].get_attribute("href").startswith(f"{test_path}?page=5#q")
    page.screenshot(path=str(SHOTS / "online-test-km-hand-in-warning.png"), full_page=True)
    assert not trainee._axe()  # the question page is a POST's answer: checked here, not reloaded
    page.click("section.confirm form button.primary")

    # The review: the score, what she got wrong, and not yet the right answers (one attempt
    # left, which the page says is her last).
    result = page.inner_text("main")
    review = page.query_selector("section.review")
    if "អ្នកបានប្រឡងជាប់តេស្តនេះ" not in result:  # first answers are rarely all right
        assert review and "ចម្លើយរបស់អ្នក" in review.inner_text()
        assert "នេះជាការប្រឡងលើកចុងក្រោយរបស់អ្នក។" in result
        trainee.check("test-review")
        # The last attempt, handed in at once from its first page: now the right answers.
        page.click("button[value=start]")
        assert "ការប្រឡងលើកចុងក្រោយ" in page.inner_text(".test-head")
        page.click(".test-pages button[value=finish]")
        page.click("section.confirm form button.primary")
        assert "ចម្លើយត្រឹមត្រូវ" in page.inner_text("section.review")
        trainee.check("test-review-last")
    else:
        trainee.check("test-review")
    page = trainee.go("/my/progress")
    assert page.query_selector("main a.button[href*='/tests/']") is None  # nothing left to take
