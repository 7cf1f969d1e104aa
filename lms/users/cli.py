"""`flask --app wsgi users …`: accounts from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .. import web
from ..auth.roles import Role
from ..database import utcnow
from . import services as users
from .models import Sex

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--family-km", required=True)
@click.option("--given-km", required=True)
@click.option("--family-en", required=True)
@click.option("--given-en", required=True)
@click.option("--sex", type=click.Choice([s.value for s in Sex]), required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice([r.value for r in Role]),
    default=["trainee"],
    show_default=True,
)
@click.password_option()
def users_create(username, family_km, given_km, family_en, given_en, sex, roles, password):
    """Create a user with a password you type."""
    data = users.UserData(
        username=username,
        family_name_km=family_km,
        given_name_km=given_km,
        family_name_en=family_en,
        given_name_en=given_en,
        sex=Sex(sex),
        roles={Role(r) for r in roles},
    )
    web.command(lambda: users.create_user(None, data, utcnow(), password=password))
    click.echo(f"Created {username}.")


@users_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def users_import(path: Path):
    """Import users from CSV (all or nothing); prints their temporary passwords."""
    created = web.command(
        lambda: users.import_users(None, path.read_bytes(), utcnow(), source=str(path)),
        source=str(path),
    )
    for user, temporary in created:
        click.echo(f"{user.username}\t{temporary}")


@users_cli.command("wipe-passwords")
def users_wipe_passwords():
    """Wipe the temporary passwords of imports held past their time (for cron; the web
    pages wipe them too whenever a batch is given)."""
    count = web.command(lambda: users.end_expired(utcnow()))
    click.echo(f"{count} batch(es) of temporary passwords wiped.")
