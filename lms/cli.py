"""`flask --app wsgi …` commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from flask_migrate import upgrade

from . import demo
from .audit import services as audit
from .database import utcnow
from .errors import DomainError, ImportRejected
from .extensions import db
from .orgunits import services as orgunits
from .users import services as users
from .users.models import Role, Sex, User, UserRole


def seed_reference_data() -> None:
    """Provinces, councils and cadres: idempotent."""
    orgunits.seed_provinces()
    users.seed_councils_and_cadres()


def prepare_database() -> None:
    """Migrate to the newest schema and add the reference data, committed: what `flask setup`
    and `flask national generate` do first."""
    upgrade()
    seed_reference_data()
    db.session.commit()


def _print_accounts() -> None:
    click.echo("Demo accounts (login name / password / role):")
    for username, password, roles in demo.demo_accounts():
        click.echo(f"  {username:<12} {password:<22} {roles}")


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def register(app: Flask) -> None:
    @app.cli.command("setup")
    @click.option(
        "--demo",
        "with_demo",
        is_flag=True,
        help="On an empty database, load the demo data instead of a first admin.",
    )
    def setup(with_demo: bool) -> None:
        """Migrate the database, add reference data and the first administrator."""
        prepare_database()
        has_users = db.session.scalar(db.select(User.id).limit(1)) is not None
        if with_demo:
            if not has_users:
                demo.load()
                db.session.commit()
                click.echo("Demo data loaded.")
            if demo.is_loaded():
                _print_accounts()
            return
        has_admin = db.session.scalar(
            db.select(UserRole.user_id).where(UserRole.role == Role.ADMIN).limit(1)
        )
        if has_admin:
            click.echo("Database is up to date; an administrator exists.")
            return
        data = users.UserData(
            username="admin",
            family_name_km="អ្នកគ្រប់គ្រង",
            given_name_km="ប្រព័ន្ធ",
            family_name_en="Administrator",
            given_name_en="System",
            sex=Sex.OTHER,
            roles={Role.ADMIN},
        )
        _user, temporary = users.create_user(None, data, utcnow())
        db.session.commit()
        click.echo("First administrator created. Log in and change the password at once:")
        click.echo(f"  login name: admin\n  temporary password: {temporary}")

    demo_cli = AppGroup("demo", help="The demo dataset.")

    @demo_cli.command("load")
    def demo_load() -> None:
        """Add demo facilities and one account per role."""
        seed_reference_data()
        if demo.is_loaded():
            _fail("The demo data is already loaded.")
        demo.load()
        db.session.commit()
        _print_accounts()

    @demo_cli.command("accounts")
    def demo_accounts() -> None:
        """Print the demo accounts."""
        _print_accounts()

    app.cli.add_command(demo_cli)

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
        try:
            users.create_user(None, data, utcnow(), password=password)
        except DomainError as error:
            db.session.rollback()
            _fail(f"{error.field or 'error'}: {error.message}")
        db.session.commit()
        click.echo(f"Created {username}.")

    @users_cli.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def users_import(path: Path):
        """Import users from CSV (all or nothing); prints their temporary passwords."""
        try:
            created = users.import_users(None, path.read_bytes(), utcnow(), source=str(path))
        except ImportRejected as rejected:
            db.session.rollback()
            rejected.source = str(path)
            _fail(str(rejected))
        db.session.commit()
        for user, temporary in created:
            click.echo(f"{user.username}\t{temporary}")

    app.cli.add_command(users_cli)

    for kind, run in (
        ("facilities", orgunits.import_facilities),
        ("districts", orgunits.import_districts),
    ):
        group = AppGroup(
            kind, help=f"Operational {kind}." if kind == "districts" else "Health facilities."
        )

        @group.command("import")
        @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
        def import_command(path: Path, run=run):
            """Create or update from CSV (all or nothing)."""
            try:
                result = run(None, path.read_bytes(), source=str(path))
            except ImportRejected as rejected:
                db.session.rollback()
                rejected.source = str(path)
                _fail(str(rejected))
            db.session.commit()
            click.echo(f"{result.created} created, {result.updated} updated.")

        app.cli.add_command(group)

    assets_cli = AppGroup("assets", help="Static assets.")

    @assets_cli.command("fonts")
    def assets_fonts():
        """Rebuild the Khmer web fonts from the packaged variable font."""
        from .assets import build_pdf_fonts, build_web_fonts

        for path in build_web_fonts() + build_pdf_fonts():
            click.echo(f"{path} ({path.stat().st_size} bytes)")

    app.cli.add_command(assets_cli)

    from .curricula.cli import curricula_cli

    app.cli.add_command(curricula_cli)

    from .quality.cli import quality_cli

    app.cli.add_command(quality_cli)

    from .national.cli import national_cli

    app.cli.add_command(national_cli)

    audit_cli = AppGroup("audit", help="The audit trail.")

    @audit_cli.command("verify")
    def audit_verify():
        """Check that no audit event was edited or deleted."""
        result = audit.verify_chain()
        if not result.ok:
            _fail(
                f"Audit trail broken at event {result.bad_id}: {result.problem} "
                f"({result.checked} events checked before it)."
            )
        click.echo(f"Audit trail intact: {result.checked} events checked.")

    app.cli.add_command(audit_cli)
