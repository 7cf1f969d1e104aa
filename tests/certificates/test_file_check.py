"""A stored certificate PDF that fails its SHA-256 check, or is gone, is not given out: the
download answers a page saying so (409, in the user's language), the failure is logged and
audited, and nothing else changes."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.extensions import db

from ..conftest import km


def stored_path(app, certificate) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]) / "certificates" / certificate.pdf_token


def failures():
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "certificate.file_failed_check")
    ).all()


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_changed_file_is_refused_with_a_page_logged_and_audited(
    app, client, login, issued, graduates, caplog, lang
):
    path = stored_path(app, issued)
    path.write_bytes(path.read_bytes() + b"%tampered\n")
    login(graduates[0].trainee)
    client.set_cookie("lang", lang)
    with caplog.at_level(logging.ERROR, logger="lms.certificates.services.rendering"):
        response = client.get(f"/certificates/{issued.id}/pdf")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and response.mimetype == "text/html"
    if lang == "en":
        assert "failed its integrity check" in html and issued.serial in html
    else:
        assert km("The file failed its integrity check") in html
    assert f"certificate {issued.serial}: stored PDF changed" in caplog.text
    [event] = failures()
    assert event.object_id == str(issued.id) and event.actor_id == graduates[0].trainee.id


def test_a_missing_file_is_refused_the_same_way(app, client, login_as, issued):
    stored_path(app, issued).unlink()
    login_as("accreditation_officer")
    client.set_cookie("lang", "en")
    response = client.get(f"/certificates/{issued.id}/pdf")
    assert response.status_code == 409 and "is missing" in response.get_data(as_text=True)
    assert len(failures()) == 1


def test_an_intact_file_is_given_out_and_nothing_is_audited(app, client, login, issued, graduates):
    login(graduates[0].trainee)
    response = client.get(f"/certificates/{issued.id}/pdf")
    assert response.status_code == 200 and response.data == stored_path(app, issued).read_bytes()
    assert failures() == []
