"""Where files are kept: certificate PDFs, evidence photos, learning materials.

Every stored file lives in an *area* ("certificates", "evidence", "materials") under a random
token that the database keeps; callers read, write and delete through the area, never through
paths, so the backend can change (a file system today; object storage is added behind this same
interface). Writes are atomic: a temporary file in the same folder, then a rename.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
AREAS = ("certificates", "evidence", "materials")


class FileArea:
    """One area of stored files in a folder of the file system."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"FileArea({str(self.folder)!r})"

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Write `data` under a new random token and return the token. `sha256`, when given,
        must be the digest of `data` (the bytes that were checked are the bytes kept)."""
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("the bytes are not the ones that were checked")
        self.folder.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(24)
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temporary, self.folder / token)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return token

    def read(self, token: str) -> bytes:
        """The stored bytes; ValueError for a malformed token, FileNotFoundError if gone."""
        with self.open(token) as fh:
            return fh.read()

    def open(self, token: str) -> BinaryIO:
        """The stored file for reading (the caller closes it)."""
        path = self._path(token)
        if not path.is_file():
            raise FileNotFoundError(path)
        return open(path, "rb")  # noqa: SIM115 (returned to the caller)

    def size(self, token: str) -> int:
        return self._path(token).stat().st_size

    def exists(self, token: str) -> bool:
        return self._path(token).is_file()

    def delete(self, token: str) -> None:
        """Remove a stored file if it is there; ValueError for a malformed token."""
        self._path(token).unlink(missing_ok=True)

    def tokens(self) -> list[str]:
        """Every token stored here (for backups and checks), sorted."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if TOKEN.fullmatch(p.name))

    def _path(self, token: str) -> Path:
        if not isinstance(token, str) or not TOKEN.fullmatch(token):
            raise ValueError(f"not a stored file token: {token!r}")
        return self.folder / token


Area = FileArea


def as_area(where: Area | Path | str) -> Area:
    """An area given as one, or as the folder that holds it."""
    return where if isinstance(where, FileArea) else FileArea(where)


def area(name: str) -> Area:
    """The application's area `name` ("certificates", "evidence" or "materials")."""
    from flask import current_app

    if name not in AREAS:
        raise ValueError(f"no storage area {name!r}")
    config = current_app.config
    base = config.get("UPLOAD_FOLDER") or current_app.instance_path + "/uploads"
    return FileArea(Path(base) / name)
