"""The web layer: the one place that owns the unit of work of a request or a command.

A route parses its input, hands the service call to `run` (or `saved`, for a form; `act`, for
a button that goes back to a page), and responds. `run` commits when the service returns and
rolls back when it raises; a rule the user can fix (`DomainError`) is shown on the form or
flashed in the user's language, `Forbidden` is a 403 and `NotFound` a 404 everywhere, and an
import's row errors come back for the page to list. Anything else rolls back and goes on to the
500 handler.

`command` does the same for the CLI: it prints the problems and exits 1.

`get_or_404` and `child_or_404` look objects up by id from the URL: no such row, or a row that
is not a child of the parent in the same URL, is a 404.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click
from flask import abort, flash, redirect

from .errors import DomainError, Forbidden, ImportRejected, NotFound, RowError
from .extensions import MAX_ID, db
from .forms import apply_error
from .receipts import guard as receipt_guard

T = TypeVar("T")
Message = str | Callable[[Any], str] | None


@dataclass
class Outcome:
    """What a unit of work came to: `ok` with the service's `value`, or the error it raised."""

    ok: bool
    value: Any = None
    error: DomainError | None = None
    rows: list[RowError] = field(default_factory=list)  # an import's problems, line by line

    def __bool__(self) -> bool:
        return self.ok


def run(action: Callable[[], T], *, form=None, success: Message = None) -> Outcome:
    """Run `action` as one transaction: commit on return, roll back on any exception.

    On success, flash `success` (a text, or a function of the action's value that returns one).
    A `DomainError` goes onto `form` next to its field (or is flashed when there is no form);
    `Forbidden` answers 403 and `NotFound` 404; `ImportRejected` comes back as `rows`.
    """
    try:
        value = action()
    except ImportRejected as rejected:
        db.session.rollback()
        return Outcome(False, rows=list(rejected.errors))
    except Forbidden:
        db.session.rollback()
        abort(403)
    except NotFound:
        db.session.rollback()
        abort(404)
    except DomainError as error:
        db.session.rollback()
        if form is not None:
            apply_error(form, error)
        else:
            flash(str(error.message), "error")
        return Outcome(False, error=error)
    except BaseException:
        db.session.rollback()
        raise
    if receipt_guard.deferring():  # an idempotent post: committed with its receipt
        db.session.flush()
        receipt_guard.ran()
    else:
        db.session.commit()
    message = success(value) if callable(success) else success
    if message:
        flash(str(message), "success")
    return Outcome(True, value)


def saved(form, action: Callable[[], Any], success: Message = None) -> bool:
    """A form's unit of work: when the form was posted and is valid, `run` `action` (a rule
    broken shows on the form); whether it was saved."""
    return form.validate_on_submit() and bool(run(action, form=form, success=success))


def act(action: Callable[[], Any], then: str | Callable[[Any], str], success: Message = None):
    """A button's unit of work: run it (errors are flashed), then redirect to `then` (a URL,
    or a function of the action's value that gives one; on failure it gets None)."""
    outcome = run(action, success=success)
    target = then(outcome.value) if callable(then) else then
    return redirect(target)


def command(
    action: Callable[[], T], *, source: str | None = None, failure: str = "nothing was changed"
) -> T:
    """A CLI command's unit of work: commit on return; on an import's row errors or a rule
    broken, roll back, print the problems (file, line and field; `source` names the file
    where a row does not) and exit 1."""
    try:
        value = action()
    except ImportRejected as rejected:
        db.session.rollback()
        for error in rejected.errors:
            where = "" if error.source or not source else f"{source}: "
            click.secho(f"{where}{error}", fg="red", err=True)
        count = len(rejected.errors)
        click.secho(f"{count} problem(s) found; {failure}.", fg="red", err=True)
        sys.exit(1)
    except DomainError as error:
        db.session.rollback()
        field = f"{error.field}: " if error.field else ""
        click.secho(f"{field}{error.message}", fg="red", err=True)
        sys.exit(1)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return value


def id_arg(values, name: str) -> int | None:
    """An id from a query string or form (`request.args`, `request.form`): a whole number a
    database id can be, or None (missing, not a number, or out of range filters nothing)."""
    raw = (values.get(name) or "").strip()
    try:
        number = int(raw)  # Python reads Khmer digits (០-៩) as digits too
    except ValueError:
        return None
    return number if 0 < number <= MAX_ID else None


def found_or_404(obj: T | None) -> T:
    """`obj`, or a 404 when the look-up found nothing."""
    if obj is None:
        abort(404)
    return obj


def get_or_404(model: type[T], ident: int) -> T:
    """The row of `model` with this primary key, or a 404."""
    return found_or_404(db.session.get(model, ident))


def child_or_404(model: type[T], ident: int, **parent: Any) -> T:
    """The row of `model` with this id whose foreign keys match `parent` (for example
    `cohort_id=cohort.id`), or a 404: an id from another parent's URL is not found here."""
    obj = db.session.get(model, ident)
    if obj is None or any(getattr(obj, key) != value for key, value in parent.items()):
        abort(404)
    return obj
