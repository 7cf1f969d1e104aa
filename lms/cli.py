"""`flask --app wsgi …` commands: set-up and the demo here; each domain's in its cli.py."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from . import demo, setup
from .database import utcnow
from .extensions import db


def _print_accounts() -> None:
    click.echo("Demo accounts (login name / password / role):")
    for username, password, roles in demo.demo_accounts():
        click.echo(f"  {username:<12} {password:<22} {roles}")


@click.command("setup")
@click.option(
    "--demo",
    "with_demo",
    is_flag=True,
    help="On an empty database, load the demo data instead of a first admin.",
)
def setup_command(with_demo: bool) -> None:
    """Migrate the database, add reference data and the first administrator."""
    setup.prepare_database(utcnow())
    if with_demo:
        if not setup.has_people():
            demo.load()
            db.session.commit()
            click.echo("Demo data loaded.")
        if demo.is_loaded():
            _print_accounts()
        return
    if setup.has_administrator():
        click.echo("Database is up to date; an administrator exists.")
        return
    temporary = setup.first_administrator(utcnow())
    db.session.commit()
    click.echo("First administrator created. Log in and change the password at once:")
    click.echo(f"  login name: admin\n  temporary password: {temporary}")


demo_cli = AppGroup("demo", help="The demo dataset.")


@demo_cli.command("load")
def demo_load() -> None:
    """Add demo facilities and one account per role."""
    setup.seed_reference_data()
    if demo.is_loaded():
        click.secho("The demo data is already loaded.", fg="red", err=True)
        sys.exit(1)
    demo.load()
    db.session.commit()
    _print_accounts()


@demo_cli.command("accounts")
def demo_accounts() -> None:
    """Print the demo accounts."""
    _print_accounts()


assets_cli = AppGroup("assets", help="Static assets.")


@assets_cli.command("fonts")
def assets_fonts():
    """Rebuild the Khmer web fonts from the packaged variable font."""
    from .assets import build_pdf_fonts, build_web_fonts

    for path in build_web_fonts() + build_pdf_fonts():
        click.echo(f"{path} ({path.stat().st_size} bytes)")


def register(app: Flask) -> None:
    from .audit.cli import audit_cli
    from .curricula.cli import curricula_cli
    from .national.cli import national_cli
    from .orgunits.cli import districts_cli, facilities_cli
    from .quality.cli import quality_cli
    from .users.cli import users_cli

    app.cli.add_command(setup_command)
    for group in (
        demo_cli,
        users_cli,
        facilities_cli,
        districts_cli,
        assets_cli,
        curricula_cli,
        quality_cli,
        national_cli,
        audit_cli,
    ):
        app.cli.add_command(group)
