"""Who may open which view, decided in one place.

Every view declares its access with one of the decorators below; `enforce_access` runs before
every request and applies the declaration. A view that declares nothing is refused to everyone
(and a test fails), so forgetting a check fails closed.
"""

from __future__ import annotations

from flask import abort, current_app, request
from flask_login import current_user

from ..extensions import login_manager
from .roles import Role

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def public(view):
    """Anyone, logged in or not."""
    view.access = PUBLIC
    return view


def login_required(view):
    """Any logged-in user."""
    view.access = AUTHENTICATED
    return view


def roles_required(*roles: Role):
    """Logged-in users holding at least one of `roles`."""

    def decorate(view):
        view.access = frozenset(roles)
        return view

    return decorate


def declared_access(endpoint: str):
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def enforce_access():
    if request.endpoint is None or request.endpoint == "static":
        return None
    access = declared_access(request.endpoint)
    if access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if access == AUTHENTICATED:
        return None
    if not isinstance(access, frozenset) or not current_user.has_role(*access):
        abort(403)
    return None
