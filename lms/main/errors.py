"""Error pages, in the reader's language."""

import time

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_url
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..auth import keeping
from ..extensions import db, limiter
from ..i18n import format_number

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The file is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: _l("Go back, check what you entered and try again."),
    403: _l(
        "Your account does not have the role needed for this page. "
        "Ask an administrator if you think you should have it."
    ),
    404: _l("The address may be mistyped, or the page was removed."),
    405: _l("Go back and use the buttons on the page."),
    413: _l("Choose a smaller file and try again."),
    429: _l("Wait a minute, then try again."),
    500: _l("The error was recorded. Try again in a moment."),
}


def render_error(code: int, message=None):
    return render_template(
        "errors/error.html",
        code=code,
        title=TITLES.get(code, TITLES[500]),
        explanation=message or EXPLANATIONS.get(code, EXPLANATIONS[500]),
    ), code


def wait_message(reset_at: float | None, now: float):
    """How long to wait before the limit lets a request through again, in minutes."""
    if reset_at is None:
        return EXPLANATIONS[429]
    minutes = max(1, round((reset_at - now) / 60))  # the limiter rounds its reset up
    return _l(
        "Too many requests came from this address. Try again in %(minutes)s minutes.",
        minutes=format_number(minutes),
    )


def init_app(app) -> None:
    @app.errorhandler(429)
    def _too_many(_error):
        current = limiter.current_limit
        return render_error(429, wait_message(current.reset_at if current else None, time.time()))

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        # The token ended while the form was open: keep what was typed for the account the
        # session names, and show the form again (after logging in, if that ended too).
        if keeping.keep_post(keeping.session_owner()):
            if current_user.is_authenticated:
                return redirect(request.full_path if request.query_string else request.path)
            flash(
                _("Your work on this page was kept. Log in again to check it and send it."), "info"
            )
            return redirect(login_url("auth.login", request.url))
        return render_error(
            400,
            _l(
                "The form expired or was sent from another page. Reload the page and send it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(error):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error):
        app.logger.exception("Unhandled error", exc_info=error)
        db.session.rollback()
        if app.testing and app.config.get("PROPAGATE_EXCEPTIONS", True):
            raise error
        return render_error(500)
