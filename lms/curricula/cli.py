"""`flask --app wsgi curricula …`: validate, import and export data files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..config import ROOT
from . import files

CURRICULA = ROOT / "curricula"

curricula_cli = AppGroup("curricula", help="Competency frameworks and curricula as files.")


def _paths(paths: tuple[Path, ...]) -> list[Path]:
    return list(paths) or sorted(CURRICULA.glob("*.yaml"))


def _print_errors(errors) -> None:
    for error in errors:
        click.secho(str(error), fg="red", err=True)


@curricula_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate(paths):
    """Check files without touching the database."""
    paths = _paths(paths)
    loaded, errors = files.read_files(paths, files.sibling_frameworks(paths))
    if errors:
        _print_errors(errors)
        click.secho(f"{len(errors)} problem(s) found; nothing was imported.", fg="red", err=True)
        sys.exit(1)
    for item in loaded:
        click.echo(f"ok  {item.source}: {item.spec.code} version {item.spec.version}")
