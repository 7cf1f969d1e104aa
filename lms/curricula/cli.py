"""`flask --app wsgi curricula …`: validate, import and export data files."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .. import web
from ..config import ROOT
from ..database import utcnow
from ..datafiles import FRAMEWORK_FILES, PATHS, expand
from . import files
from .exports import export_text
from .importer import import_paths

CURRICULA = ROOT / "curricula"

curricula_cli = AppGroup("curricula", help="Competency frameworks and curricula as files.")


def _paths(paths: tuple[Path, ...]) -> list[Path]:
    return expand(paths, FRAMEWORK_FILES, CURRICULA)


NOTHING_IMPORTED = "nothing was imported"


@curricula_cli.command("validate")
@click.argument("paths", nargs=-1, type=PATHS)
def validate(paths):
    """Check files without touching the database.

    PATHS are files or folders (every YAML, Moodle CSV and CASE JSON file in the folder);
    default: the curricula/ folder."""
    paths = _paths(paths)
    loaded = web.command(
        lambda: files.read_checked(paths, files.sibling_frameworks(paths)),
        failure=NOTHING_IMPORTED,
    )
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
    text, _filename = web.command(lambda: export_text(code, version, fmt))
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}")
    else:
        click.echo(text, nl=False)
