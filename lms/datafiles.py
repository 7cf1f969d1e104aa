"""Data files named on a command line: files, or folders meaning every data file in them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

YAML = (".yaml", ".yml")
FRAMEWORK_FILES = (*YAML, ".csv", ".json")  # curricula: YAML, Moodle CSV, CASE JSON


def in_folder(folder: Path, suffixes: Iterable[str] = YAML) -> list[Path]:
    """The data files directly in `folder` (not in its subfolders), sorted by name."""
    wanted = {s.lower() for s in suffixes}
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in wanted),
        key=lambda p: p.name,
    )


def expand(paths: Iterable[Path], suffixes: Iterable[str], default: Path) -> list[Path]:
    """Each file as given; each folder as its data files in name order; none given: `default`.

    A folder without any data file is a usage error naming it. A file reached twice is kept
    once, where it first appears.
    """
    suffixes = tuple(suffixes)
    result: list[Path] = []
    for path in list(paths) or [default]:
        if path.is_dir():
            found = in_folder(path, suffixes)
            if not found:
                raise click.UsageError(
                    f"{path}: no data files here (looked for {', '.join(suffixes)})."
                )
            result.extend(found)
        else:
            result.append(path)
    seen: set[Path] = set()
    unique = []
    for path in result:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


# A click argument for files and folders that exist.
PATHS = click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path)
