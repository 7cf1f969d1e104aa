"""CSV: reading uploaded files (decoding, header checks, line numbers) and writing downloads
(formulas neutralised)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response
from flask_babel import lazy_gettext as _l

from .errors import ImportRejected, RowError
from .text import normalise

MAX_ROWS = 50_000


def decode(data: bytes | str) -> str:
    """UTF-8 text (a byte-order mark is allowed), or ImportRejected."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            [RowError(1, "", _l("The file is not UTF-8 text. Save it as 'CSV UTF-8' and retry."))]
        ) from exc


def read_rows(
    data: bytes | str, required: Iterable[str], optional: Iterable[str] = ()
) -> list[tuple[int, dict[str, str | None]]]:
    """Rows as (line number, {column: stripped NFC value or None}); header problems raise."""
    text = decode(data)
    required, optional = list(required), list(optional)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    errors = []
    if not header:
        raise ImportRejected([RowError(1, "", _l("The file is empty."))])
    for name in required:
        if name not in header:
            errors.append(RowError(1, name, _l("This column is missing from the header.")))
    known = set(required) | set(optional)
    for name in header:
        if name not in known:
            errors.append(RowError(1, name, _l("Unknown column.")))
    if len(set(header)) != len(header):
        errors.append(RowError(1, "", _l("A column appears twice in the header.")))
    if errors:
        raise ImportRejected(errors)
    reader.fieldnames = header
    rows = []
    try:
        for raw in reader:
            if None in raw:
                errors.append(RowError(reader.line_num, "", _l("This row has too many values.")))
                continue
            values = {k: normalise(v) for k, v in raw.items()}
            if not any(values.values()):
                continue
            rows.append((reader.line_num, values))
            if len(rows) > MAX_ROWS:
                raise ImportRejected(
                    [RowError(reader.line_num, "", _l("The file has too many rows."))]
                )
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", _l("The CSV file is malformed.")))
        raise ImportRejected(errors) from exc
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(2, "", _l("The file has no data rows."))])
    return rows


def parse_bool(value: str | None, default: bool = True) -> bool | None:
    """yes/no, true/false, 1/0 (None when not one of those)."""
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"yes", "y", "true", "1"}:
        return True
    if lowered in {"no", "n", "false", "0"}:
        return False
    return None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ gets a
    leading apostrophe (numbers are left alone)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: list[str], rows) -> str:
    """CSV text with a byte-order mark (Excel then reads Khmer as UTF-8), formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff" + out.getvalue()


def csv_response(filename: str, header: list[str], rows):
    """A CSV download (`to_csv`) named `filename`."""
    return Response(
        to_csv(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
