"""`flask --app wsgi quality …`: validate and import quality assessment tool files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from .. import web
from ..database import utcnow
from ..datafiles import PATHS, YAML, expand
from .files import TOOLS, read_tool_files
from .importer import import_tools

quality_cli = AppGroup("quality", help="Facility quality assessment tools as files.")


def _paths(paths: tuple[Path, ...]) -> list[Path]:
    return expand(paths, YAML, TOOLS)


def _fail(errors) -> None:
    for error in errors:
        click.secho(str(error), fg="red", err=True)
    click.secho(f"{len(errors)} problem(s) found; nothing was imported.", fg="red", err=True)
    sys.exit(1)


@quality_cli.command("validate")
@click.argument("paths", nargs=-1, type=PATHS)
def validate(paths):
    """Check tool files without touching the database.

    PATHS are files or folders (every YAML file in the folder); default: the shipped tools."""
    loaded, errors = read_tool_files(_paths(paths))
    if errors:
        _fail(errors)
    for tool in loaded:
        count = sum(1 for _ in tool.spec.indicators())
        click.echo(
            f"ok  {tool.source}: {tool.spec.code} version {tool.spec.version}, "
            f"{len(tool.spec.domains)} domains, {count} indicators"
        )


@quality_cli.command("import")
@click.argument("paths", nargs=-1, type=PATHS)
def import_command(paths):
    """Import tool files into the database: all of them, or none when any has a problem."""
    paths = _paths(paths)
    done = web.command(lambda: import_tools(None, paths, utcnow()), failure="nothing was imported")
    for item in done:
        click.echo(f"{item.action:<9} {item.code} version {item.version}  ({item.source})")
