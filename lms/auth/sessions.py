"""Binding Flask-Login to server-side sessions.

The signed cookie carries a random token; the `login_sessions` table says whether that token
is still live. Logging out or changing the password deletes the row, so a copy of the old
cookie logs nobody in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..database import utcnow
from ..extensions import login_manager
from . import services

SESSION_KEY = "sid"
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


@login_manager.user_loader
def load_user(user_id: str):
    token = session.get(SESSION_KEY)
    if not token:
        return None
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        return None
    return services.user_for_session(token, uid, utcnow())


def log_in(user) -> None:
    """Start a fresh session for `user`: a new token, and nothing kept from before (the
    caller commits)."""
    session.clear()
    token = services.start_session(user, request.remote_addr, request.user_agent.string, utcnow())
    session[SESSION_KEY] = token
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
