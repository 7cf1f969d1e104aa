"""`flask --app wsgi facilities import` and `districts import`: places from CSV."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .. import web
from ..database import utcnow
from . import services as orgunits

CSV_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
facilities_cli = AppGroup("facilities", help="Health facilities.")
districts_cli = AppGroup("districts", help="Operational districts.")


def _import(importer, path: Path) -> None:
    result = web.command(
        lambda: importer(None, path.read_bytes(), utcnow(), source=str(path)), source=str(path)
    )
    click.echo(f"{result.created} created, {result.updated} updated.")


@facilities_cli.command("import")
@click.argument("path", type=CSV_FILE)
def import_facilities(path: Path):
    """Create or update facilities from CSV (all or nothing)."""
    _import(orgunits.import_facilities, path)


@districts_cli.command("import")
@click.argument("path", type=CSV_FILE)
def import_districts(path: Path):
    """Create or update operational districts from CSV (all or nothing)."""
    _import(orgunits.import_districts, path)
