"""Errors a user can fix. Services raise them; routes show their translated message."""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    """A rule was broken. `message` is a lazy translatable string; `field` names the form field."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the acting user may not know that it does."""


class Forbidden(DomainError):
    """The acting user may not do this to this object."""


@dataclass
class RowError:
    """One problem in an imported file: where it is (line and field) and what is wrong."""

    line: int
    field: str
    message: object
    source: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", field '{self.field}'" if self.field else "")
        return (f"{self.source}: " if self.source else "") + f"{where}: {self.message}"


@dataclass
class ImportRejected(Exception):
    """An import found problems; nothing was written."""

    errors: list[RowError] = field(default_factory=list)
    source: str | None = None

    def __str__(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join((prefix if not e.source else "") + str(e) for e in self.errors)
