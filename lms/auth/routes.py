"""Log in, log out, change one's password."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms import apply_error
from . import services, sessions
from .access import login_required, public
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


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


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.login.data, form.password.data, request.remote_addr, utcnow()
            )
        except services.LoginRefused as refused:
            db.session.rollback()
            form.form_errors.append(refused.message)
            status = 429 if refused.throttled else 200
        else:
            sessions.log_in(user)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@public
def logout():
    sessions.log_out()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.password.data, utcnow()
            )
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            sessions.restart_session(current_user)
            flash(_("Your password was changed. Other devices were logged out."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
