"""Log in, log out, change one's password."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import web
from ..database import utcnow
from . import services, sessions
from .access import login_required, public
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        done = web.run(
            lambda: sessions.log_in(
                services.authenticate(
                    form.login.data, form.password.data, request.remote_addr, utcnow()
                )
            ),
            form=form,
        )
        if done:
            return redirect(sessions.safe_next(request.args.get("next")))
        status = 429 if getattr(done.error, "throttled", False) else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@public
def logout():
    web.run(sessions.log_out)
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()

    def change() -> None:
        services.change_password(
            current_user, form.current_password.data, form.password.data, utcnow()
        )
        sessions.restart_session(current_user)

    if web.saved(form, change, _("Your password was changed. Other devices were logged out.")):
        return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
