"""`flask --app wsgi audit verify`: check the audit trail."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from . import services as audit

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
def audit_verify():
    """Check that no audit event was edited or deleted."""
    result = audit.verify_chain()
    if not result.ok:
        click.secho(
            f"Audit trail broken at event {result.bad_id}: {result.problem} "
            f"({result.checked} events checked before it).",
            fg="red",
            err=True,
        )
        sys.exit(1)
    click.echo(f"Audit trail intact: {result.checked} events checked.")
