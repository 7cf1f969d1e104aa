"""Every consequential act asks once, on a page without JavaScript, and acts only on the second
post (issuing, revoking, validating, handing in a test, deleting material, deactivating a user,
withdrawing: each domain's tests post the confirmation; here, the question pages themselves)."""

from __future__ import annotations

import sqlalchemy as sa

from lms.auth.roles import Role
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.users.models import User

from .. import factories


def test_deactivating_a_user_asks_and_changes_nothing_until_confirmed(client, login_as):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    target = factories.user(username="to.go")
    db.session.commit()
    page = client.post(f"/users/{target.id}/active", data={"active": "0"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Deactivate the account of" in html
    assert f'href="/users/{target.id}"' in html  # Cancel goes back
    assert db.session.get(User, target.id).active
    # activating needs no question
    client.post(f"/users/{target.id}/active", data={"active": "0", "confirmed": "1"})
    assert not db.session.get(User, target.id).active
    assert client.post(f"/users/{target.id}/active", data={"active": "1"}).status_code == 302


def test_issuing_asks_first(client, login_as, graduates, cohort):
    login_as(Role.OFFICER)
    client.set_cookie("lang", "km")
    one = f"/certificates/cohorts/{cohort.id}/enrolments/{graduates[0].id}/issue"
    assert client.post(one).status_code == 200
    assert client.post(f"/certificates/cohorts/{cohort.id}/issue").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0
    assert client.post(one, data={"confirmed": "1"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


def test_revoking_asks_first_with_the_reason_kept(client, login_as, issued):
    login_as(Role.OFFICER)
    client.set_cookie("lang", "en")
    url = f"/certificates/{issued.id}/revoke"
    html = client.post(url, data={"reason": "issued_in_error", "note": "typo"}).get_data(
        as_text=True
    )
    assert f"Revoke certificate {issued.serial}?" in html
    assert 'name="reason" value="issued_in_error"' in html and 'name="note" value="typo"' in html
    assert issued.revoked_at is None
