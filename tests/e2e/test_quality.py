"""Journey 4: a quality assessor assesses a health centre on a phone, another validates, the
scorecard and the training needs appear."""

from __future__ import annotations

import re

import pytest

from lms.demo import cohort_code

from .. import clock

FACILITY = "TK-HC-PL"


@pytest.mark.parametrize("language", ["km", "en"])
def test_assess_validate_scorecard_needs(visit, language):
    lead = visit("quality", language)
    lead.login("assessor")
    page = lead.go("/quality/")
    lead.check("home")
    page.click("a.button.primary")
    # The assessor's few facilities are a plain select, each named with its code.
    option = page.eval_on_selector(
        "#facility_id", f"s => [...s.options].find(o => o.text.endsWith('{FACILITY}')).value"
    )
    page.select_option("#facility_id", option)
    with page.expect_navigation():
        page.click("main form button.primary")
    assert re.search(r"/quality/assessments/\d+/domains/1$", page.url), page.url
    assessment = re.search(r"/assessments/(\d+)/", page.url).group(1)
    lead.check("domain-1")
    for _ in range(10):
        for fieldset in page.query_selector_all("fieldset.att-row"):
            yes = fieldset.query_selector("input[type=radio][value=yes]")
            if yes:
                yes.check()
            number = fieldset.query_selector("input[type=number]")
            if number:
                number.fill(number.get_attribute("max") or "20")
        following = page.query_selector("button[value=next]")
        # Each press loads the next page: wait for it, or the loop would fill the old one.
        with page.expect_navigation():
            if following is None:
                page.click("button[value=done]")
            else:
                following.click()
        if following is None:
            break
    lead.check("summary")
    page.click(f"form[action$='/assessments/{assessment}/submit'] button")
    assert page.wait_for_selector(".flash-success")
    second = visit("quality2", language)
    second.login("assessor2")
    page = second.go("/quality/")
    assert page.query_selector(f"a[href$='/quality/assessments/{assessment}']")
    page = second.go(f"/quality/assessments/{assessment}")
    page.click(f"form[action$='/assessments/{assessment}/validate'] button")
    page.click("section.confirm form button")  # validating asks once
    assert page.wait_for_selector(".flash-success")
    page.click("a[href*='/quality/facilities/']")
    second.check("scorecard")
    assert page.locator("svg.chart").count() == 1  # the trend; each domain has its own bar
    folds = page.locator("details.fold")
    assert folds.count() >= 5 and page.locator("details.fold[open]").count() == 0
    failing = page.locator("details.fold:has(.badge-bad) > summary").first
    failing.click()  # a folded domain opens on a tap, without JavaScript
    assert page.locator("details.fold[open] a.act").count() >= 1
    second.check("scorecard-domain-open")
    text = page.inner_text("main")
    assert "BEMONC" in text  # a midwife's valid certificate
    page.click("a[href$='/training-needs']")
    second.check("training-needs")
    needs = page.inner_text("main")
    assert cohort_code(clock.now(), 1) in needs
