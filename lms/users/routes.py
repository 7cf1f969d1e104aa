"""Administration of users and cadres."""

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import web
from ..audit import services as audit
from ..auth import throttle
from ..auth.access import roles_required
from ..auth.roles import Role
from ..confirm import Confirmation, ask_first
from ..database import utcnow
from ..forms import choices, form_values
from ..i18n import localised
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from ..orgunits.forms import FacilityFinder
from ..orgunits.models import Facility
from . import services
from .forms import CadreForm, CouncilForm, UserFilterForm, UserForm
from .models import Cadre, Council, Sex, User

bp = Blueprint("users", __name__)
admin_only = roles_required(Role.ADMIN)

register_nav(NavItem(_l("Users"), "users.list_users", frozenset({Role.ADMIN}), order=80))
register_panel(
    Panel(
        _l("Administration"),
        frozenset({Role.ADMIN}),
        lambda _user: [
            Link(
                _l("Users"), "users.list_users", _l("Create, edit and deactivate accounts; roles")
            ),
            Link(_l("Import users from CSV"), "users.import_users"),
            Link(_l("Cadres"), "users.list_cadres"),
        ],
        order=90,
    )
)


def _user_form(obj=None) -> UserForm:
    form = UserForm(obj=obj)
    form.set_choices(
        services.cadres(active_only=True),
        services.councils(),
        FacilityFinder(keep=obj.facility_id if obj is not None else None),
    )
    if obj is not None and request.method == "GET":
        form.roles.data = sorted(r.value for r in obj.roles)
        form.sex.data = obj.sex.value
        form.preferred_language.data = obj.preferred_language or ""
    return form


def _user_data(form: UserForm) -> services.UserData:
    return form_values(
        form,
        services.UserData,
        sex=Sex(form.sex.data),
        preferred_language=form.preferred_language.data or None,
        roles={Role(r) for r in form.roles.data},
    )


SHOWN_ONCE = "temporary_password"  # the session key that holds it until its page is shown


def _temporary_password(user: User, password: str, created: bool):
    """After the act, go to a page that shows the password once (a reload cannot repeat the
    act, and shows that it was shown)."""
    session[SHOWN_ONCE] = {"user_id": user.id, "password": password, "created": created}
    return redirect(url_for("users.show_temporary_password", user_id=user.id))


@bp.route("/users/<int:user_id>/temporary-password")
@admin_only
def show_temporary_password(user_id: int):
    user = web.get_or_404(User, user_id)
    held = session.get(SHOWN_ONCE)
    if not isinstance(held, dict) or held.get("user_id") != user.id:
        return render_template("users/temporary_password.html", user=user, password=None)
    session.pop(SHOWN_ONCE)
    return render_template(
        "users/temporary_password.html",
        user=user,
        password=held["password"],
        created=held["created"],
    )


@bp.route("/users")
@admin_only
def list_users():
    filters = UserFilterForm(request.args)
    filters.facility.offer(FacilityFinder(within=sa.select(Facility)))
    filters.read()
    status = {"active": True, "inactive": False}.get(filters.status.data)
    stmt = services.user_query(
        filters.q.data,
        filters.role.data or None,
        filters.facility.data,
        filters.sex.data or None,
        status,
    )
    page = services.users_page(stmt, request.args.get("page", 1, type=int))
    return render_template(
        "users/list.html", page=page, filters=filters, by_sex=services.count_by_sex(stmt)
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def create_user():
    form = _user_form()
    if form.validate_on_submit():
        done = web.run(
            lambda: services.create_user(current_user, _user_data(form), utcnow()), form=form
        )
        if done:
            user, temporary = done.value
            return _temporary_password(user, temporary, created=True)
    return render_template("users/form.html", form=form, user=None)


@bp.route("/users/<int:user_id>")
@admin_only
def show_user(user_id: int):
    user = web.get_or_404(User, user_id)
    now = utcnow()
    return render_template(
        "users/show.html",
        user=user,
        history=audit.events_for(user),
        language=services.language_name(user),
        logins=throttle.account_state(user, now, throttle.Policy.from_config(current_app.config)),
        now=now,
    )


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_user(user_id: int):
    user = web.get_or_404(User, user_id)
    form = _user_form(user)
    if web.saved(
        form,
        lambda: services.update_user(current_user, user, _user_data(form), utcnow()),
        _("The changes were saved."),
    ):
        return redirect(url_for("users.show_user", user_id=user.id))
    return render_template("users/form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_only
def set_user_active(user_id: int):
    user = web.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    if not active:
        asked = ask_first(
            Confirmation(
                _("Deactivate the account of %(name)s?", name=localised(user, "full_name")),
                _(
                    "They are logged out everywhere and cannot log in until the account is "
                    "activated again. Their records and certificates are kept."
                ),
                _("Deactivate"),
                url_for("users.show_user", user_id=user_id),
            )
        )
        if asked is not None:
            return asked
    return web.act(
        lambda: services.set_active(current_user, user, active, utcnow()),
        url_for("users.show_user", user_id=user_id),
        _("The account was activated.") if active else _("The account was deactivated."),
    )


@bp.route("/users/<int:user_id>/login-delays/clear", methods=["POST"])
@admin_only
def clear_login_delays(user_id: int):
    user = web.get_or_404(User, user_id)
    return web.act(
        lambda: throttle.clear_by_administrator(current_user, user, utcnow()),
        url_for("users.show_user", user_id=user_id),
        _("The login delays were lifted: the account can log in again at once."),
    )


@bp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@admin_only
def reset_user_password(user_id: int):
    user = web.get_or_404(User, user_id)
    done = web.run(lambda: services.reset_password(current_user, user, utcnow()))
    if not done:
        return redirect(url_for("users.show_user", user_id=user.id))
    return _temporary_password(user, done.value, created=False)


@bp.route("/cadres")
@admin_only
def list_cadres():
    return render_template("users/cadres.html", cadres=services.cadres())


def _cadre_form(obj=None) -> CadreForm:
    form = CadreForm(obj=obj)
    form.council_id.choices = choices(
        ((c.id, localised(c, "name")) for c in services.councils()), "—"
    )
    return form


def _cadre_data(form: CadreForm) -> services.CadreData:
    return form_values(form, services.CadreData)


@bp.route("/cadres/new", methods=["GET", "POST"], defaults={"cadre_id": None})
@bp.route("/cadres/<int:cadre_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_cadre(cadre_id):
    cadre = web.get_or_404(Cadre, cadre_id) if cadre_id is not None else None
    form = _cadre_form(cadre)
    if web.saved(
        form,
        lambda: services.save_cadre(current_user, _cadre_data(form), utcnow(), cadre),
        _("The cadre was saved."),
    ):
        return redirect(url_for("users.list_cadres"))
    return render_template("users/cadre_form.html", form=form, cadre=cadre)


@bp.route("/councils")
@admin_only
def list_councils():
    return render_template("users/councils.html", councils=services.councils())


@bp.route("/councils/<int:council_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_council(council_id: int):
    council = web.get_or_404(Council, council_id)
    form = CouncilForm(obj=council)
    if web.saved(
        form,
        lambda: services.save_council(
            current_user,
            council,
            form.name_km.data,
            form.name_en.data,
            form.licence_cycle_years.data,
            utcnow(),
        ),
        _("The council was saved."),
    ):
        return redirect(url_for("users.list_councils"))
    return render_template("users/council_form.html", form=form, council=council)


# Importing accounts and handing out their passwords is one module of this blueprint.
from . import import_routes  # noqa: E402, F401
