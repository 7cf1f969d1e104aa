"""The request side of kept work (`pending.py` holds the rules): a form post that arrives
after its session or CSRF token ended is kept for its account, and the next GET of the same
page by that account, once logged in again, shows the form filled in and unsubmitted.

One mechanism refills every page: on that GET, `request.form` holds the kept fields and
`Form` reads them as its formdata. The route runs as for any GET, so nothing is applied until
the person submits again.
"""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from flask import current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

from .. import web
from ..database import utcnow
from . import pending

KEPT_KEY = "kept"  # in the signed session cookie: the kept post's token, key and page
NOT_KEPT = {"csrf_token", "confirmed", "language", "next"}  # never the token or a confirmation
NOT_FOR = {"auth", "static"}  # logging in, passwords: nothing of theirs is ever kept


def same_origin() -> bool:
    """Whether this post came from a page of this site: a post made elsewhere must not be
    able to fill a form for someone."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return False
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


def keepable_fields(path: str | None = None) -> list[tuple[str, str]] | None:
    """The fields of this post worth keeping, or None when it is not a form of a page that a
    GET shows again (a known endpoint, same origin; `path`, the page, is this one by default).
    Never files, passwords or tokens."""
    if request.method != "POST" or not same_origin():
        return None
    try:
        endpoint, _args = current_app.url_map.bind(request.host).match(path or request.path)
    except HTTPException:  # no page there, or none that a GET shows
        return None
    if endpoint.partition(".")[0] in NOT_FOR:
        return None
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in NOT_KEPT and "password" not in name.lower()
    ]


def keep_post(user_id: int | None, path: str | None = None, notice: str = "kept") -> bool:
    """Keep this post's fields for `user_id` (the account its session named), to come back on
    the GET of `path` (this page by default). Whether anything was kept."""
    path = path or request.path
    fields = keepable_fields(path)
    if not user_id or not fields:  # nothing typed: nothing to keep
        return False
    done = web.run(
        lambda: pending.keep_submission(
            user_id, path, fields, utcnow(), current_app.config["LMS_PENDING_MINUTES"]
        )
    )
    if not (done and done.value):
        return False
    kept = done.value
    session[KEPT_KEY] = {
        "token": kept.token,
        "key": base64.urlsafe_b64encode(kept.key).decode(),
        "path": kept.path,
        "notice": notice,
    }
    return True


def session_owner() -> int | None:
    """The account this request's signed session names, live or not: the logged-in user, or
    the one whose session just ended (set by the user loader)."""
    if current_user.is_authenticated:
        return current_user.id
    return g.get("ended_session_user_id")


def refill():
    """A before-request hook: on the GET of the page whose post was kept, by its owner, give
    the fields back as this request's form data (once: the kept post is then deleted)."""
    marker = session.get(KEPT_KEY) if request.method == "GET" else None
    if not isinstance(marker, dict) or marker.get("path") != request.path:
        return None
    if not current_user.is_authenticated:
        return None
    session.pop(KEPT_KEY, None)
    try:
        key = base64.urlsafe_b64decode(str(marker.get("key", "")))
    except ValueError:
        return None
    done = web.run(
        lambda: pending.take_submission(current_user.id, marker.get("token"), key, utcnow())
    )
    if done and done.value is not None:
        g.kept_form = ImmutableMultiDict(done.value)
        request.form = g.kept_form  # the page reads it as it reads a post
        if marker.get("notice") == "language":
            flash(_("What you typed is still here. Nothing was sent yet."), "info")
        else:
            flash(_("Your work was kept: check it and submit again."), "info")
    return None


def carry_over() -> dict | None:
    """What of the session to keep across a fresh login (the kept post's marker)."""
    return session.get(KEPT_KEY)
