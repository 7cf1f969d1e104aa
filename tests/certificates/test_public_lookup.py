"""The public look-up by serial and family name cannot list a curriculum's holders: it needs
the whole serial, is limited far harder than opening a QR code's address (10 an hour per
address), says how long to wait in the reader's language; a revoked certificate shows a public
category, never the officer's reason."""

from __future__ import annotations

import pytest

from lms.certificates import services as certificates
from lms.certificates.models import RevocationReason
from lms.database import utcnow
from lms.extensions import db

from .. import clock
from ..conftest import km

ADDRESS = {"REMOTE_ADDR": "203.0.113.9"}


def lookup(client, serial, name="keo", address=ADDRESS):
    return client.get(
        "/verify", query_string={"serial": serial, "family_name": name}, environ_base=address
    )


def test_a_serial_must_be_whole(client, issued):
    serial = issued.serial  # TST-CUR-<year>-00001
    assert lookup(client, serial).status_code == 302
    for part in (serial[:-1], serial[:-5], f"TST-CUR-{clock.today().year}", "TST-CUR-%", "1"):
        assert lookup(client, part).status_code == 404, part


def test_khmer_digits_in_a_serial_are_read(client, issued):
    khmer = issued.serial.translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))
    assert lookup(client, khmer.lower()).status_code == 302


def test_ten_lookups_an_hour_per_address_and_the_page_says_how_long(client, issued):
    for n in range(10):
        assert lookup(client, f"TST-CUR-2026-{n + 2:05d}").status_code == 404
    client.set_cookie("lang", "en")
    refused = lookup(client, issued.serial)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Try again in 60 minutes." in html
    # another address, the empty form, and QR addresses are not held back by it
    assert lookup(client, issued.serial, address={"REMOTE_ADDR": "203.0.113.10"}).status_code == 302
    assert client.get("/verify", environ_base=ADDRESS).status_code == 200
    qr = client.get(f"/verify/{issued.verification_code}", environ_base=ADDRESS)
    assert qr.status_code == 200


def test_the_wait_is_said_in_khmer(client, issued):
    for n in range(11):
        response = lookup(client, f"TST-CUR-2026-{n + 2:05d}")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert km("Too many requests") in html and "៦០" in html


@pytest.mark.parametrize(
    "reason, public",
    [
        (RevocationReason.MISCONDUCT, "Withdrawn by the issuing body"),
        (RevocationReason.ASSESSMENT_INVALID, "Withdrawn by the issuing body"),
        (RevocationReason.LICENCE_WITHDRAWN, "Withdrawn by the professional council"),
        (RevocationReason.ISSUED_IN_ERROR, "Issued in error"),
    ],
)
def test_a_revocation_shows_its_public_category_only(client, issued, reason, public):
    certificates.revoke(None, issued, reason, "Seen drunk at work", utcnow())
    db.session.commit()
    client.set_cookie("lang", "en")
    html = client.get(f"/verify/{issued.verification_code}").get_data(as_text=True)
    assert public in html
    assert "misconduct" not in html.lower() and "drunk" not in html
    data = client.get(f"/verify/{issued.verification_code}.json").get_json()
    assert data["revocation_reason"] in {"withdrawn", "withdrawn_by_council", "issued_in_error"}
    assert "drunk" not in str(data)


@pytest.mark.parametrize(
    "typed",
    [
        "TST-CUR-{year}-00001",
        "tst-cur-{khmer_year}-០០០០១",
        " TST – CUR – {year} – 00001 ",
        "TST‑CUR‑{year}‑00001",
    ],
)
def test_a_serial_as_printed_on_the_khmer_line_is_found(client, issued, typed):
    year = clock.today().year
    khmer_year = str(year).translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))
    serial = typed.format(year=year, khmer_year=khmer_year)
    assert lookup(client, serial).status_code == 302


def test_the_registry_search_reads_khmer_digits(client, login_as, issued):
    login_as("accreditation_officer")
    khmer = issued.serial.translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))
    html = client.get("/certificates", query_string={"q": khmer}).get_data(as_text=True)
    assert issued.serial in html


@pytest.mark.parametrize("lang", ["en", "km"])
def test_an_unknown_code_says_so_and_offers_the_look_up(client, lang):
    client.set_cookie("lang", lang)
    response = client.get("/verify/no-such-code")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    message = (
        "No certificate has this verification code. Check that the whole address was copied, "
        "or look the certificate up by its serial number and the holder's family name."
    )
    assert (message if lang == "en" else km(message)) in html
    assert 'name="serial"' in html and 'action="/verify"' in html
