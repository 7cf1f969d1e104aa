"""The list page and the buttons every versioned kind (frameworks, curricula) shares: each
domain's routes name the template, the services and the messages, and these do the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template, request, url_for
from flask_login import current_user

from . import versioning, web
from .auth.roles import Role
from .database import utcnow
from .versioning import Status


def list_page(template: str, latest_versions: Callable[[str | None, str | None], Any]) -> str:
    """The newest version of each code, filtered by the address's `q` and `status`, with the
    import page offered to administrators."""
    q, status = versioning.list_filters(request.args.get("q"), request.args.get("status"))
    return render_template(
        template,
        items=latest_versions(q, status),
        q=q or "",
        status=status,
        statuses=list(Status),
        import_url=url_for("curricula.import_files") if current_user.has_role(Role.ADMIN) else None,
    )


def change_version(change: Callable, thing, show: Callable[[int], str], success: str):
    """A versioning button (publish, retire, new version): `change(actor, thing, now)` as one
    unit of work, then back to the version's page, or to the new draft's when it made one."""
    return web.act(
        lambda: change(current_user, thing, utcnow()),
        lambda made: show(made.id if made else thing.id),
        success,
    )
