"""Binding Flask-Login to server-side sessions.

The signed cookie carries a random token; the `login_sessions` table says whether that token
is still live. Logging out or changing the password deletes the row, so a copy of the old
cookie logs nobody in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_url, login_user, logout_user

from ..database import utcnow
from ..extensions import login_manager
from ..i18n import format_number
from . import keeping, services

SESSION_KEY = "sid"
SEEN_KEY = "seen"  # when this browser last made a request (seconds), for the idle timeout
SEEN_EVERY = 60  # refresh it at most once a minute, so the cookie is not re-sent every page
# Pages a user who must change their password may still open.
ALLOWED_BEFORE_PASSWORD_CHANGE = {
    "auth.change_password",
    "auth.logout",
    "main.set_language",
    "static",
}


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.unauthorized_handler
def ask_to_log_in():
    """To the login page, coming back here afterwards. The home page is where everyone starts:
    opening it is no mistake, so it gets no "please log in" message."""
    if request.method == "POST" and keeping.keep_post(g.get("ended_session_user_id")):
        flash(_("Your work on this page was kept. Log in again to check it and send it."), "info")
    elif request.path != "/":
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, request.url))


@login_manager.user_loader
def load_user(user_id: str):
    token = session.get(SESSION_KEY)
    if not token:
        return None
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        return None
    now = utcnow()
    # The signed cookie names this account even once its session has ended: a form it posts
    # then is kept for this account only (see keeping.py).
    g.ended_session_user_id = uid
    user = services.user_for_session(token, uid, now)
    if user is None:
        return None
    seen = session.get(SEEN_KEY)
    idle = services.idle_limit(user, current_app.config)
    if isinstance(seen, int | float) and now.timestamp() - seen > idle.total_seconds():
        # The cookie forgets the session (the row ends with its absolute lifetime). Not
        # logout_user(): it would load the user again, from here.
        session.clear()
        minutes = format_number(int(idle.total_seconds() // 60))
        flash(
            _("You were logged out after %(minutes)s minutes without activity.", minutes=minutes),
            "info",
        )
        return None
    g.pop("ended_session_user_id", None)
    if not isinstance(seen, int | float) or now.timestamp() - seen >= SEEN_EVERY:
        session[SEEN_KEY] = int(now.timestamp())  # the signed cookie keeps it: no write per page
    return user


def log_in(user) -> None:
    """Start a fresh session for `user`: a new token, and nothing kept from before (the
    caller commits), but the work kept from the session that ended."""
    kept = keeping.carry_over()
    session.clear()
    if kept:
        session[keeping.KEPT_KEY] = kept
    token = services.start_session(user, request.remote_addr, request.user_agent.string, utcnow())
    session[SESSION_KEY] = token
    session[SEEN_KEY] = int(utcnow().timestamp())
    session.permanent = True
    login_user(user)


def log_out() -> None:
    """End this browser's session (the caller commits)."""
    services.end_session(session.get(SESSION_KEY))
    logout_user()
    session.clear()


def restart_session(user) -> None:
    """After a password change: the old token is gone; this browser gets a new one (the
    caller commits)."""
    token = services.start_session(user, request.remote_addr, request.user_agent.string, utcnow())
    session[SESSION_KEY] = token


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for("main.home")


def require_password_change():
    if (
        request.endpoint not in ALLOWED_BEFORE_PASSWORD_CHANGE  # first: static files need no user
        and current_user.is_authenticated
        and current_user.must_change_password
    ):
        return redirect(url_for("auth.change_password"))
    return None
