"""Journey for issue 17, item 3, in Khmer on a 360 px phone: the accreditation officer renews
the demo's two certificates that are due, one on its refresher, one on CPD credits; each page
first says how the certificate renews, and each renewal asks once."""

from __future__ import annotations

import sqlite3

from ..conftest import km


def _certificate_id(demo_data, username: str, prefix: str) -> int:
    with sqlite3.connect(demo_data / "e2e.sqlite3") as database:
        (found,) = database.execute(
            "SELECT certificates.id FROM certificates JOIN users ON users.id = holder_id "
            "WHERE users.username = ? AND serial LIKE ?",
            (username, f"{prefix}-20%"),
        ).fetchone()
    return found


def test_officer_renews_on_the_refresher_and_on_cpd_credits(visit, demo_data):
    officer = visit("renewal", "km")
    officer.login("officer")
    for username, prefix, name in (
        ("meas.sokha", "BEMONC", "refresher"),
        ("tep.rathana", "IPC-BASIC", "cpd"),
    ):
        page = officer.go(f"/certificates/{_certificate_id(demo_data, username, prefix)}")
        renewal = page.locator("#renewal")
        assert km("Renewal") in renewal.inner_text()
        officer.check(name)
        old = page.url
        renewal.locator("form button.primary").click()
        assert page.locator("section.confirm").count() == 1  # it asks once
        page.locator("section.confirm form button").first.click()
        assert page.wait_for_selector(".flash-success"), page.inner_text("main")[:500]
        assert page.url != old  # the renewal's own page
        officer.check(f"{name}-renewed")
        page = officer.go(old.replace(officer.base, ""))
        assert (
            km("This certificate was replaced by a newer one: it is the newer one that is renewed.")
            in page.locator("#renewal").inner_text()
        )
