"""Journeys for issue 17, items 1 and 2, in Khmer on a 360 px phone.

1. Anyone verifies a genuine demo certificate by its serial typed as the Khmer line of the PDF
   prints it (Khmer digits) and the holder's family name in Khmer; an unknown code at
   /verify/<code> says so and offers the same look-up.
2. The demo trainee withdraws from the running cohort: it asks once, on a page that works
   without JavaScript, then offers the same-day undo, which works.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from lms.demo import cohort_code
from lms.i18n import khmer_digits

from .. import clock
from ..conftest import km

RUNNING = cohort_code(clock.now(), 1)  # the demo's running cohort


def _a_demo_certificate(demo_data) -> tuple[str, str, str]:
    """The serial, the holder's family name in Khmer and the holder's name in Latin script of
    the demo's first certificate, read from the demo database every server copies."""
    with sqlite3.connect(demo_data / "e2e.sqlite3") as database:
        serial, snapshot = database.execute(
            "SELECT serial, snapshot FROM certificates ORDER BY id LIMIT 1"
        ).fetchone()
    data = json.loads(snapshot)
    return serial, data["family_name_km"], data["holder_en"]


def test_lookup_by_a_serial_in_khmer_digits_and_an_unknown_code(visit, demo_data):
    serial, family_km, holder_en = _a_demo_certificate(demo_data)
    typed = khmer_digits(serial)  # as printed on the Khmer line: BEMONC-២០២៦-០០០០១
    assert typed != serial
    public = visit("verify-lookup", "km")
    page = public.go("/verify")
    public.check("lookup")
    page.fill("input[name=serial]", typed)
    page.fill("input[name=family_name]", family_km)
    page.click("main form button.primary")
    page.wait_for_url("**/verify/*")
    text = page.inner_text("main")
    assert serial in text or typed in text, text
    assert holder_en in text and km("Valid") in text
    public.check("found")

    response = page.goto(public.base + "/verify/no-such-code-0000000000000000")
    assert response.status == 404
    text = page.inner_text("main")
    assert (
        km(
            "No certificate has this verification code. Check that the whole address was copied, "
            "or look the certificate up by its serial number and the holder's family name."
        )
        in text
    )
    assert page.locator("main form input[name=serial]").count() == 1  # the look-up is offered
    assert page.locator("a[href='/login']").count() <= 1  # not the generic "log in" 404
    public.check("unknown-code")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_withdrawal_asks_once_then_offers_the_same_day_undo(visit, javascript):
    trainee = visit("withdraw" if javascript else "withdraw-nojs", "km", javascript=javascript)
    trainee.login("trainee")
    page = trainee.go("/cohorts")
    page.locator("li.card", has_text=RUNNING).locator("h2 a").click()
    cohort_url = page.url
    trainee.check("cohort")
    mine = page.locator("#mine")
    assert km("Enrolled") in mine.inner_text()

    mine.locator("button.danger").click()  # Withdraw
    confirm = page.locator("section.confirm")
    assert confirm.count() == 1  # it asks first, saying what will happen
    assert km("Withdraw") in confirm.locator("button").first.inner_text()
    trainee.check("confirm")
    page.goto(cohort_url)  # going back changed nothing
    assert km("Enrolled") in page.locator("#mine").inner_text()

    page.locator("#mine button.danger").click()
    page.locator("section.confirm form button.danger").click()
    assert page.wait_for_selector(".flash-success")
    mine = page.locator("#mine")
    assert km("Withdrawn") in mine.inner_text()
    undo = mine.locator("button.primary")
    assert undo.inner_text().strip() == km("Undo the withdrawal")
    trainee.check("withdrawn")

    page.locator("#mine button.primary").click()  # the same-day undo
    assert km("The withdrawal was undone.") in page.locator(".flash-success").inner_text()
    mine = page.locator("#mine")
    assert km("Enrolled") in mine.inner_text() and mine.locator("button.danger").count() == 1
    trainee.check("undone")
