"""The home page, the language switcher, one's own account and the health check."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import web
from ..auth import keeping
from ..auth.access import login_required, public
from ..auth.roles import Role
from ..auth.sessions import safe_next
from ..database import utcnow
from ..extensions import csrf
from ..i18n import LANGUAGE_COOKIE
from ..navigation import Link, Panel, nav_items, panels_for, register_panel
from ..users import services as users
from . import services

bp = Blueprint("main", __name__)

register_panel(
    Panel(
        _l("My account"),
        frozenset(),
        lambda _user: [
            Link(_l("My details"), "main.account", _l("Name, cadre, licence and workplace")),
            Link(_l("Change password"), "auth.change_password"),
        ],
        order=99,
    )
)


@bp.app_context_processor
def _template_globals():
    return {"roles": Role, "nav_items": nav_items}


@bp.route("/")
@login_required
def home():
    return render_template(
        "main/home.html",
        sections=services.what_is_next(current_user, utcnow()),
        panels=panels_for(current_user),
    )


@bp.route("/account")
@login_required
def account():
    return render_template("main/account.html", user=current_user)


@bp.route("/language", methods=["POST"])
@public
@csrf.exempt
def set_language():
    # A visitor who is not logged in changes nothing but their own cookie, so their pages
    # carry no CSRF token (and set no session: public pages stay cacheable). A logged-in
    # user's choice is saved to their account: that needs the token.
    if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    language = request.form.get("language", "")
    back = safe_next(request.form.get("next") or request.args.get("next"))
    # A page's form may send its fields here (its language buttons name it): they come back,
    # not sent, on the page in the other language (lms/auth/keeping.py).
    keeping.keep_post(keeping.session_owner(), urlsplit(back).path, notice="language")
    response = redirect(back)
    if language in current_app.config["LMS_LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
        if current_user.is_authenticated:
            web.run(lambda: users.set_preferred_language(current_user, language))
    return response


@bp.route("/health")
@public
def health():
    """For load balancers and monitoring: 200 while this server reaches its database, 503
    when it does not. It reads nothing else, sets no session and is not rate limited."""
    if not services.database_answers():
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
