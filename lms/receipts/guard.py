"""The web side of receipts: `idempotent` routes and the hidden key field of their forms.

A POST to an `idempotent` route that carries a key (the `idempotency_key` field, or the
`Idempotency-Key` header) is looked up among the account's receipts: the same post again gets
the same redirect (flashed "already saved") without the route running; the same key with
other content is a 409. The first time, the route runs with `web.run` holding its commit back;
when it redirects, the receipt is written and committed in the same transaction as the work.
Two copies racing end on the unique key: the loser rolls back and answers the winner's way."""

from __future__ import annotations

from functools import wraps
from uuid import uuid4

from flask import abort, flash, g, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from ..database import utcnow
from ..extensions import db
from . import services as receipts

FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
UNHASHED = {"csrf_token", FIELD}


def key_field() -> Markup:
    """The hidden field of a form's key: a new random one each time the page is drawn."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, str(uuid4()))


def init_app(app) -> None:
    app.jinja_env.globals["idempotency_field"] = key_field


def deferring() -> bool:
    """Whether `web.run` should leave the commit to the receipt (an idempotent post runs)."""
    return bool(g.get("receipt_defer"))


def ran() -> None:
    """`web.run` says its work succeeded and waits, flushed, for the receipt's commit."""
    g.receipt_ran = True


def _posted_digest() -> str:
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in UNHASHED]
    files = []
    for name, upload in request.files.items(multi=True):
        data = upload.read()
        upload.seek(0)
        files.append((name, upload.filename or "", data))
    return receipts.digest(fields, files)


def _answer(receipt, endpoint: str, post_digest: str):
    if receipts.verdict(receipt, endpoint, post_digest) == receipts.CONFLICT:
        return render_template(
            "errors/error.html",
            code=409,
            title=_("This form was already sent with other content"),
            explanation=_(
                "What was saved the first time is kept. Open the page again to see it, "
                "and start a new form for a new entry."
            ),
        ), 409
    flash(_("This was already saved."), "info")
    return redirect(receipt.location, receipt.status)


def idempotent(view):
    """Let a POST carrying a key be saved once however often it is sent (see the module)."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if request.method != "POST" or not current_user.is_authenticated:
            return view(*args, **kwargs)
        raw = request.headers.get(HEADER) or request.form.get(FIELD)
        if not raw:
            return view(*args, **kwargs)
        key = raw.strip().lower()
        if not receipts.valid_key(key):
            abort(400)
        user_id, endpoint, post_digest = current_user.id, request.path, _posted_digest()
        found = receipts.find(user_id, key, utcnow())
        if found is not None:
            return _answer(found, endpoint, post_digest)
        flashed = len(session.get("_flashes", []))
        g.receipt_defer, g.receipt_ran = True, False
        try:
            response = view(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        finally:
            g.receipt_defer = False
        if not g.pop("receipt_ran", False):
            return response
        if 300 <= response.status_code < 400:
            try:
                receipts.store(
                    user_id,
                    key,
                    endpoint,
                    post_digest,
                    response.status_code,
                    response.headers["Location"],
                    utcnow(),
                )
            except IntegrityError:  # the same post, sent at the same moment, won
                db.session.rollback()
                session["_flashes"] = session.get("_flashes", [])[:flashed]
                winner = receipts.find(user_id, key, utcnow())
                if winner is None:
                    raise
                return _answer(winner, endpoint, post_digest)
        db.session.commit()
        return response

    return guarded
