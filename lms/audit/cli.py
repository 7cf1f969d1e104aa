"""`flask --app wsgi audit verify` and `audit anchor`: check the audit trail, and keep its head
somewhere the database is not."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..database import utcnow
from . import services as audit

audit_cli = AppGroup("audit", help="The audit trail.")


def _read_anchor(path: Path) -> audit.Anchor:
    try:
        return audit.Anchor.from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--anchor") from exc


@audit_cli.command("verify")
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An anchor written by `audit anchor`: the trail must still hold its event.",
)
def audit_verify(anchors: tuple[Path, ...]):
    """Check that no audit event was edited or deleted (and that each anchor still holds)."""
    result = audit.verify_chain(tuple(_read_anchor(path) for path in anchors))
    if not result.ok:
        where = f" at event {result.bad_id}" if result.bad_id is not None else ""
        click.secho(
            f"Audit trail broken{where}: {result.problem} "
            f"({result.checked} events checked before it).",
            fg="red",
            err=True,
        )
        sys.exit(1)
    held = f"; {len(anchors)} anchor(s) held" if anchors else ""
    click.echo(f"Audit trail intact: {result.checked} events checked{held}.")


@audit_cli.command("anchor")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the anchor to this file (default: standard output).",
)
def audit_anchor(output: Path | None):
    """Write the newest event's id and hash, to keep apart from the database (e.g. daily)."""
    head = audit.anchor(utcnow())
    if head is None:
        click.secho("The audit trail is empty: there is nothing to anchor.", fg="red", err=True)
        sys.exit(1)
    if output is None:
        click.echo(head.to_json())
    else:
        output.write_text(head.to_json() + "\n", encoding="utf-8")
        click.echo(f"Anchored event {head.id} ({head.count} events) in {output}.")
