"""Public verification: anyone checks a certificate from its QR code's address or by serial
number and family name. Rate limited per address; no login."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..auth.access import public
from ..extensions import limiter
from ..i18n import current_language, local_today
from ..paging import LRUCache
from . import services
from .forms import LookupForm
from .routes import bp


def _rate_limit():
    return current_app.config["LMS_VERIFY_RATE_LIMIT"]


def _lookup_limit():
    return current_app.config["LMS_LOOKUP_RATE_LIMIT"]


def _lookup_key() -> str:
    return f"lookup:{get_remote_address()}"  # counted apart from opening QR addresses


def _no_search() -> bool:
    """Opening the empty look-up form is not a search, and is not counted as one."""
    return not request.args


# Rendered verification pages for visitors who are not logged in, per process, keyed by
# everything they show that can change (the certificate's state, the day, the language).
_pages = LRUCache(2048)


def _unknown(code: str):
    """No certificate has this code: say so plainly, and offer the look-up by serial."""
    return render_template("certificates/lookup.html", form=LookupForm(), unknown_code=True), 404


@bp.route("/verify/<code>")
@public
@limiter.limit(_rate_limit)
def verify(code: str):
    today = local_today()
    # Only the plain address is kept: a query string would make endless variants of one page.
    cacheable = not (session or request.query_string or current_user.is_authenticated)
    if cacheable:
        state = services.verification_state(code)
        if state is None:
            return _unknown(code)
        key = (code, current_language(), today, state)
        page = _pages.get(key)
        if page is not None:
            return page
    certificate = services.by_code(code)
    if certificate is None:
        return _unknown(code)
    page = render_template(
        "certificates/verify.html",
        c=services.public_record(certificate, today),
        dates={
            "issued": certificate.issued_on,
            "expires": certificate.expires_on,
            "revoked": certificate.revoked_at,
        },
        status=certificate.status_on(today),
        reason=services.public_reason(certificate),
    )
    if cacheable and not session:  # rendering set nothing in the session (no flash, no token)
        _pages.put(key, page)
    return page


@bp.route("/verify/<code>.json")
@public
@limiter.limit(_rate_limit)
def verify_json(code: str):
    certificate = services.by_code(code)
    if certificate is None:
        return jsonify({"error": "not_found"}), 404
    return jsonify(services.public_record(certificate, local_today()))


@bp.route("/verify")
@public
@limiter.limit(_rate_limit)
@limiter.limit(
    _lookup_limit, key_func=lambda: f"lookup:{get_remote_address()}", exempt_when=_no_search
)
def lookup():
    form = LookupForm(request.args)
    not_found = False
    if request.args and form.validate():
        certificate = services.by_serial_and_family_name(form.serial.data, form.family_name.data)
        if certificate is not None:
            return redirect(url_for("certificates.verify", code=certificate.verification_code))
        not_found = True
    return render_template("certificates/lookup.html", form=form, not_found=not_found), (
        404 if not_found else 200
    )
