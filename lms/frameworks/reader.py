"""The typed reader of YAML data files (frameworks, curricula, quality tools).

`parse_yaml` turns text into Python values and remembers the line of every path; a `Reader`
then reads those values field by field, recording each problem with the file, the place in it
(`competencies[0].children[2].code`), its line, and what is wrong. Nothing here touches the
database.
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l

from ..errors import RowError
from .spec import Status, Text

# A data file is text a person wrote: far below this (the largest shipped one is under 100 KB).
MAX_DATA_FILE_BYTES = 2 * 1024 * 1024
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
KHMER_RE = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")


class Reader:
    """Typed access to parsed YAML that records errors with their place and line."""

    def __init__(self, source: str, lines: dict[str, int]):
        self.source = source
        self.lines = lines
        self.errors: list[RowError] = []

    def line(self, path: str) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = (
                re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path)
                if re.search(r"(\.[^.\[\]]+|\[\d+\])$", path)
                else ""
            )
        return self.lines.get("", 1)

    def error(self, path: str, message) -> None:
        self.errors.append(RowError(self.line(path), path, message, self.source))

    @staticmethod
    def join(path: str, key: str | int) -> str:
        if isinstance(key, int):
            return f"{path}[{key}]"
        return f"{path}.{key}" if path else key

    def mapping(self, value, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, _l("Expected a mapping of names to values."))
            return None
        return value

    def only(self, data: dict, path: str, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.error(self.join(path, key), _l("Unknown field. Check its spelling."))

    def get(self, data: dict, key: str, path: str, kind, required: bool = True, default=None):
        where = self.join(path, key)
        if key not in data or data[key] is None:
            if required:
                self.error(where, _l("This field is required."))
            return default
        value = data[key]
        if kind is int and isinstance(value, bool):
            value = str(value)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind):
            names = {
                str: _l("text"),
                int: _l("a whole number"),
                float: _l("a number"),
                bool: _l("true or false"),
                list: _l("a list"),
                dict: _l("a mapping"),
                date: _l("a date (YYYY-MM-DD)"),
            }
            first = kind[0] if isinstance(kind, tuple) else kind  # (str, int): a code
            self.error(where, _l("Expected %(kind)s.", kind=names.get(first, first.__name__)))
            return default
        return value

    def number(
        self, data, key, path, *, minimum=None, maximum=None, required=True, default=None, kind=int
    ):
        value = self.get(data, key, path, kind, required, default)
        if value is None or value is default:
            return value
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.error(
                self.join(path, key),
                _l(
                    "Must be between %(min)s and %(max)s.",
                    min=minimum,
                    max=maximum if maximum is not None else "∞",
                ),
            )
            return default
        return value

    def code(self, data, key, path, required=True) -> str | None:
        value = self.get(data, key, path, (str, int), required)
        if value is None:
            return None
        value = str(value)
        if not CODE_RE.match(value):
            self.error(
                self.join(path, key),
                _l("A code has 1 to 40 letters, digits, dots, dashes or underscores."),
            )
        return value

    def choice(self, data, key, path, enum: type[Enum], required=True, default=None):
        value = self.get(data, key, path, str, required, None)
        if value is None:
            return default
        try:
            return enum(value)
        except ValueError:
            self.error(
                self.join(path, key),
                _l("Must be one of: %(values)s", values=", ".join(m.value for m in enum)),
            )
            return default

    def text(self, data, key, path, required=True) -> Text:
        where = self.join(path, key)
        value = data.get(key)
        if value is None:
            if required:
                self.error(where, _l("This field is required, in Khmer (km) and English (en)."))
            return Text()
        value = self.mapping(value, where)
        if value is None:
            return Text()
        self.only(value, where, {"km", "en"})
        km = self.get(value, "km", where, str, required)
        en = self.get(value, "en", where, str, required)
        if km and not KHMER_RE.search(km):
            self.error(self.join(where, "km"), _l("The Khmer text must be written in Khmer."))
        return Text(km=km.strip() if km else None, en=en.strip() if en else None)

    def unique(self, seen: dict[str, str], code: str | None, path: str) -> None:
        """Note that `code` is used at `path`, or record that it was used before (`seen` maps
        each code to where it was first used)."""
        if code is None:
            return
        if code in seen:
            self.error(self.join(path, "code"), used_twice(code, seen[code]))
        else:
            seen[code] = path

    def items(self, data, key, path, required=True) -> list[tuple[str, object]]:
        """(path, element) for each element of the list at `key`."""
        value = self.get(data, key, path, list, required, [])
        where = self.join(path, key)
        return [(self.join(where, i), element) for i, element in enumerate(value or [])]


def used_twice(code: str, other: str):
    """The message for a code used a second time; `other` is where it was first used."""
    return _l("The code %(code)s is used twice (first at %(other)s).", code=code, other=other)


def too_large(size: int, source: str) -> RowError | None:
    """The error for a data file over `MAX_DATA_FILE_BYTES`, or None."""
    if size <= MAX_DATA_FILE_BYTES:
        return None
    limit = MAX_DATA_FILE_BYTES // (1024 * 1024)
    return RowError(1, "", _l("The file is larger than %(mb)s MB.", mb=limit), source)


def read_data_file(path: Path) -> tuple[str | None, RowError | None]:
    """A data file's text (UTF-8, a byte-order mark allowed), or why it cannot be read: not
    there, too large (checked before reading), or not UTF-8."""
    source = str(path)
    try:
        large = too_large(path.stat().st_size, source)
        if large:
            return None, large
        return path.read_bytes().decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, RowError(1, "", _l("The file is not UTF-8 text."), source)
    except OSError as exc:
        return None, RowError(1, "", _l("Cannot read the file: %(e)s", e=exc), source)


def _aliases(text: str) -> int | None:
    """Refuse YAML anchors and aliases (`&a`, `*a`): data files do not need them, and nested
    aliases make a few hundred bytes expand into gigabytes."""
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
            return token.start_mark.line + 1  # the line of the first one
    return None


def parse_yaml(text: str, source: str) -> tuple[object, dict[str, int], list[RowError]]:
    """YAML text to Python values plus the line of every path; syntax errors as RowErrors.

    Too large a text, or one with anchors or aliases, is refused before anything is built."""
    large = too_large(len(text.encode("utf-8")), source)
    if large:
        return None, {}, [large]
    loader = yaml.SafeLoader(text)
    try:
        alias_line = _aliases(text)
        if alias_line:
            message = _l("YAML anchors and aliases (& and *) are not allowed in data files.")
            return None, {}, [RowError(alias_line, "", message, source)]
        node = loader.get_single_node()
        lines: dict[str, int] = {}

        def convert(node, path):
            lines[path] = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                result = {}
                for key_node, value_node in node.value:
                    key = loader.construct_object(key_node, deep=True)
                    child = Reader.join(path, str(key))
                    if key in result:
                        raise _Duplicate(child, key_node.start_mark.line + 1)
                    result[key] = convert(value_node, child)
                return result
            if isinstance(node, yaml.SequenceNode):
                return [convert(n, Reader.join(path, i)) for i, n in enumerate(node.value)]
            return loader.construct_object(node, deep=True)

        data = convert(node, "") if node is not None else None
        return data, lines, []
    except _Duplicate as dup:
        return None, {}, [RowError(dup.line, dup.path, _l("This field appears twice."), source)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return (
            None,
            {},
            [
                RowError(
                    line, "", _l("The file is not valid YAML: %(problem)s", problem=problem), source
                )
            ],
        )
    finally:
        loader.dispose()


class _Duplicate(Exception):
    def __init__(self, path, line):
        self.path, self.line = path, line


# The fields every versioned data file starts with.
COMMON = {"kind", "code", "version", "status", "effective_date", "title", "description"}


def read_header(r: Reader, data: dict):
    """(code, version, status, effective date) of a versioned file, as its header gives them."""
    code = r.code(data, "code", "")
    version = r.number(data, "version", "", minimum=1, maximum=9999)
    status = r.choice(data, "status", "", Status, required=False, default=Status.DRAFT)
    effective = r.get(data, "effective_date", "", date, required=False)
    return code, version, status, effective
