"""Journey 2: an instructor takes attendance and records an OSCE station, a direct observation
and a paper test on a phone; the trainee takes the online knowledge test and logs a case; a
second instructor verifies the observation."""

from __future__ import annotations

import pytest

from lms.demo import cohort_code

from .. import clock

COHORT = cohort_code(clock.now(), 1)  # the demo cohort of this year


def _checklist(visit, page, code: str):
    page.locator("li", has_text=code).locator("a.button").first.click()
    visit.check(f"checklist-{code}")  # checking reloads the form: before filling it in
    for radio in page.query_selector_all("input[type=radio][value=done]"):
        radio.check()
    page.locator("input[name=overall_rating]").last.check()
    page.click("button[value=submit]")


@pytest.mark.parametrize("language", ["km", "en"])
def test_attendance_assessment_test_logbook_verification(visit, language):
    teacher = visit("teaching", language)
    teacher.login("instructor")
    page = teacher.go("/cohorts")
    page.locator("li.card", has_text=COHORT).locator("h2 a").click()
    cohort_url = page.url.replace(teacher.base, "")
    # Touch targets: at least 44 px tall (the attendance link, the menu, the language buttons).
    for selector in ("a[href*='/attendance']", ".nav a", ".lang button"):
        for box in (e.bounding_box() for e in page.query_selector_all(selector)):
            assert box is None or box["height"] >= 44, (selector, box)
    page.click("a[href*='/attendance'] >> nth=0")
    teacher.check("attendance")
    page.click("main form button.primary")
    assert page.wait_for_selector(".flash-success")
    page = teacher.go(cohort_url)
    page.click("a[href^='/enrolments/'] >> nth=0")
    enrolment = page.url.replace(teacher.base, "")
    teacher.check("enrolment")
    _checklist(teacher, page, "OSCE-ABX")
    assert page.wait_for_selector(".flash-success"), page.inner_text("main")[:500]
    page = teacher.go(enrolment)
    _checklist(teacher, page, "DOPS-BIRTH")
    page = teacher.go(enrolment)
    page.locator("li", has_text="KT-BEMONC").locator("a[href$='/paper']").click()
    teacher.check("paper-test")
    page.fill("input[name=score_percent]", "85")
    page.click("main form button.primary")
    assert page.wait_for_selector(".flash-success"), page.inner_text("main")[:500]

    trainee = visit("learning", language)
    trainee.login("trainee")
    page = trainee.go(enrolment)
    trainee.check("my-enrolment")
    page.click("a[href*='/tests/']")
    trainee.check("test-start")
    page.click("button[value=start]")
    while True:  # a few questions a page; the last page's main button hands in
        for group in sorted(
            {r.get_attribute("name") for r in page.query_selector_all("input[type=radio][name^=q]")}
        ):
            page.locator(f"input[name={group}]").first.check()
        last = page.query_selector("main form button.primary[value=finish]")
        page.click("main form button.primary")
        if last:
            break
    page.click("section.confirm form button")  # handing in asks once
    assert page.wait_for_selector(".flash")
    page = trainee.go(enrolment)
    page.click("a[href*='/logbook/']")
    trainee.check("logbook")
    page.fill("input[name=reference]", "E2E-001")
    page.click("main form button.primary")
    assert page.wait_for_selector(".flash-success"), page.inner_text("main")[:500]

    second = visit("verifying", language)
    second.login("instructor2")
    page = second.go(enrolment)
    page.locator("li", has_text="DOPS-BIRTH").locator("a[href^='/records/']").last.click()
    second.check("record")
    page.click("form[action$='/verify'] button")
    assert page.wait_for_selector(".flash-success")
    second.check("verified")
