"""Importing accounts from CSV, and handing out their temporary passwords once: the
import's result, the printable slips, the CSV file, wiping them, and resetting them again.

The key that unseals a handout's passwords lives in this browser's session only (never in a
URL or the database): another administrator, another browser, or the same one after logging
out gets the list of accounts without the passwords.
"""

from __future__ import annotations

import base64
import binascii

from flask import current_app, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import csvio, web
from ..confirm import Confirmation, ask_first
from ..database import utcnow
from ..forms import CsvImportForm
from ..i18n import format_number, local_moment, localised_digits
from . import services
from .models import PasswordHandout
from .routes import admin_only, bp

KEYS = "password_handouts"  # the session's keys, by handout token
KEPT = 5  # handouts this browser holds keys for at most (a session cookie stays small)
CSV_HEADER = [
    "username",
    "family_name_km",
    "given_name_km",
    "family_name_en",
    "given_name_en",
    "temporary_password",
    "expires_at",
    "login_url",
]


def keep_key(handout: PasswordHandout, key: bytes) -> None:
    """Keep the key of a new handout in this browser's session."""
    keys = {t: k for t, k in dict(session.get(KEYS) or {}).items() if t != handout.token}
    keys[handout.token] = base64.urlsafe_b64encode(key).decode()
    session[KEYS] = dict(list(keys.items())[-KEPT:])


def _key(handout: PasswordHandout) -> bytes | None:
    raw = dict(session.get(KEYS) or {}).get(handout.token)
    try:
        return base64.urlsafe_b64decode(raw) if isinstance(raw, str) else None
    except (ValueError, binascii.Error):
        return None


def _drop_key(handout: PasswordHandout) -> None:
    keys = dict(session.get(KEYS) or {})
    if keys.pop(handout.token, None) is not None:
        session[KEYS] = keys


@bp.app_template_filter("moment_time")
def moment_time(moment) -> str:
    """The Cambodian wall-clock time (hours and minutes) of a naive-UTC moment, in the
    reader's digits."""
    return localised_digits(local_moment(moment).strftime("%H:%M")) if moment else ""


def _handout_or_404(token: str) -> PasswordHandout:
    return web.found_or_404(services.find_handout(token))


def _login_url() -> str:
    return current_app.config["LMS_BASE_URL"] + url_for("auth.login")


def _page(handout: PasswordHandout, access: services.Access, part=None, status: int = 200):
    """The handout's page: its accounts, and what can still be done with their passwords."""
    if access == services.Access.ENDED:
        _drop_key(handout)
    accounts = services.handout_accounts(handout)
    return render_template(
        "users/handout.html",
        handout=handout,
        accounts=accounts,
        temporary=services.still_temporary(accounts),
        access=access,
        part=part,
        now=utcnow(),
    ), status


@bp.route("/users/import", methods=["GET", "POST"])
@admin_only
def import_users():
    form = CsvImportForm()
    errors = []
    if form.validate_on_submit():
        done = web.run(
            lambda: services.import_accounts(current_user, form.file.data.read(), utcnow()),
            form=form,
        )
        if done:
            handout, key = done.value
            keep_key(handout, key)
            return redirect(url_for("users.show_handout", token=handout.token))
        errors = done.rows
    return render_template(
        "users/import.html",
        form=form,
        errors=errors,
        columns=services.USER_COLUMNS + services.USER_OPTIONAL,
    ), 422 if errors else 200


@bp.route("/users/import/template.csv")
@admin_only
def user_import_template():
    header, rows = services.import_template()
    return csvio.csv_response("users-template.csv", header, rows)


@bp.route("/users/handouts/<token>")
@admin_only
def show_handout(token: str):
    handout = _handout_or_404(token)
    return _page(handout, services.handout_access(handout, _key(handout), utcnow()))


def _reveal(token: str, part: services.Part, respond):
    """Give `part` once, as `respond(handout, slips)` makes it (kept out of any cache); else the
    page that says why not."""
    handout = _handout_or_404(token)
    key = _key(handout)
    done = web.run(lambda: services.reveal(current_user, handout, key, part, utcnow()))
    if done.value.access != services.Access.HELD:
        return _page(handout, done.value.access, part, status=410)
    if handout.sealed is None:
        _drop_key(handout)
    response = current_app.make_response(respond(handout, done.value.slips))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/users/handouts/<token>/slips", methods=["POST"])
@admin_only
def print_slips(token: str):
    return _reveal(
        token,
        services.Part.SLIPS,
        lambda handout, slips: render_template(
            "users/slips.html", handout=handout, slips=slips, login_url=_login_url()
        ),
    )


@bp.route("/users/handouts/<token>/passwords.csv", methods=["POST"])
@admin_only
def download_passwords(token: str):
    return _reveal(token, services.Part.CSV, _passwords_csv)


def _passwords_csv(_handout: PasswordHandout, slips: list[services.Slip]):
    login_url = _login_url()
    rows = (
        [
            s.username,
            s.family_name_km,
            s.given_name_km,
            s.family_name_en,
            s.given_name_en,
            s.password,
            local_moment(s.expires_at).strftime("%Y-%m-%d %H:%M") if s.expires_at else "",
            login_url,
        ]
        for s in slips
    )
    return csvio.csv_response("temporary-passwords.csv", CSV_HEADER, rows)


@bp.route("/users/handouts/<token>/handed-out", methods=["POST"])
@admin_only
def mark_handed_out(token: str):
    handout = _handout_or_404(token)
    outcome = web.act(
        lambda: services.mark_handed_out(current_user, handout, utcnow()),
        url_for("users.show_handout", token=handout.token),
        _("The temporary passwords were wiped. They cannot be shown again."),
    )
    _drop_key(handout)
    return outcome


@bp.route("/users/handouts/<token>/reset", methods=["POST"])
@admin_only
def reset_handout(token: str):
    handout = _handout_or_404(token)
    count = len(services.still_temporary(handout.accounts))
    asked = ask_first(
        Confirmation(
            ngettext(
                "Give a new temporary password to the %(n)s account still on one?",
                "Give new temporary passwords to the %(n)s accounts still on one?",
                count,
                n=format_number(count),
            ),
            _(
                "Their current temporary passwords stop working at once. You get new slips to "
                "print and a new CSV file, once each. Accounts whose owners already chose their "
                "own password are left alone."
            ),
            _("Reset the passwords"),
            url_for("users.show_handout", token=handout.token),
        )
    )
    if asked is not None:
        return asked
    done = web.run(lambda: services.reset_again(current_user, handout, utcnow()))
    if not done:
        return redirect(url_for("users.show_handout", token=handout.token))
    _drop_key(handout)
    fresh, key = done.value
    keep_key(fresh, key)
    return redirect(url_for("users.show_handout", token=fresh.token))
