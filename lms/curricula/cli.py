"""`flask --app wsgi curricula …`: validate, import and export data files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from .. import web
from ..config import ROOT
from ..datafiles import FRAMEWORK_FILES, PATHS, expand
from . import files

CURRICULA = ROOT / "curricula"

curricula_cli = AppGroup("curricula", help="Competency frameworks and curricula as files.")


def _paths(paths: tuple[Path, ...]) -> list[Path]:
    return expand(paths, FRAMEWORK_FILES, CURRICULA)


NOTHING_IMPORTED = "nothing was imported"


def _print_errors(errors) -> None:
    for error in errors:
        click.secho(str(error), fg="red", err=True)


@curricula_cli.command("validate")
@click.argument("paths", nargs=-1, type=PATHS)
def validate(paths):
    """Check files without touching the database.

    PATHS are files or folders (every YAML, Moodle CSV and CASE JSON file in the folder);
    default: the curricula/ folder."""
    paths = _paths(paths)
    loaded, errors = files.read_files(paths, files.sibling_frameworks(paths))
    if errors:
        _print_errors(errors)
        click.secho(f"{len(errors)} problem(s) found; {NOTHING_IMPORTED}.", fg="red", err=True)
        sys.exit(1)
    for item in loaded:
        click.echo(f"ok  {item.source}: {item.spec.code} version {item.spec.version}")


@curricula_cli.command("import")
@click.argument("paths", nargs=-1, type=PATHS)
@click.option(
    "--allow-uncovered",
    is_flag=True,
    help="Publish curricula even if a required competency is assessed by nothing.",
)
def import_command(paths, allow_uncovered):
    """Import files into the database: all of them, or none when any has a problem.

    PATHS are files or folders, as for `validate`."""
    from ..database import utcnow
    from .importer import import_paths

    paths = _paths(paths)
    done = web.command(
        lambda: import_paths(None, paths, utcnow(), allow_uncovered), failure=NOTHING_IMPORTED
    )
    for item in done:
        click.echo(
            f"{item.action:<9} {item.kind} {item.code} version {item.version}  ({item.source})"
        )
        if item.missing_khmer:
            click.echo(
                f"          imported as a draft; Khmer still needed for "
                f"{len(item.missing_khmer)} text(s):"
            )
            for path in item.missing_khmer:
                click.echo(f"            - {path}")
        if item.unassessed_required:
            click.echo(
                "          warning: no instrument assesses " + ", ".join(item.unassessed_required)
            )


@curricula_cli.command("export")
@click.argument("code")
@click.option("--version", "version", type=int, help="Default: the newest version.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "moodle", "case"]), default="yaml")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def export_command(code, version, fmt, output):
    """Write a framework or curriculum version out (curricula: YAML only)."""
    from .exports import ExportError, export_text

    try:
        text, _filename = export_text(code, version, fmt)
    except ExportError as error:
        click.secho(str(error.message), fg="red", err=True)
        sys.exit(1)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}")
    else:
        click.echo(text, nl=False)
