"""Column groups and keys that many models declare the same way.

A mixin here declares columns with the names and types the migrations already give them, so a
model lists only what is its own. Mixin columns come after a model's own in `__table__`; the
database's order is the migrations'.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


def parent_key(table: str, **kwargs) -> Mapped[int]:
    """A child row's key to the `table` row it belongs to: deleted with it, and indexed
    (pass `index=False`, `primary_key=True` and the like to change that)."""
    kwargs.setdefault("index", True)
    return mapped_column(sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), **kwargs)


def link_table(
    name: str,
    left: tuple[str, str],
    right: tuple[str, str],
    *,
    right_cascade: bool = True,
    right_index: bool = True,
) -> sa.Table:
    """A many-to-many table between (column, table) pairs: a row goes with its `left` row, and
    with its `right` one unless `right_cascade` is false; `right_index` indexes that side."""
    ondelete = "CASCADE" if right_cascade else None
    return sa.Table(
        name,
        db.metadata,
        sa.Column(left[0], sa.ForeignKey(f"{left[1]}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            right[0],
            sa.ForeignKey(f"{right[1]}.id", ondelete=ondelete),
            primary_key=True,
            index=right_index,
        ),
    )


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> sa.Index:
    """An index over the rows for which `where` (SQL) holds, on SQLite and PostgreSQL alike."""
    return sa.Index(
        name,
        *columns,
        unique=unique,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


class Positioned:
    """A row kept in an order its parent chooses (lowest first)."""

    position: Mapped[int] = mapped_column(default=0)


class Titled:
    """A title in Khmer and in English, both required."""

    title_km: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.Text)


class DraftTitled:
    """Written content (frameworks, curricula): an English title, and a Khmer one that may be
    missing while a draft is incomplete."""

    title_km: Mapped[str | None] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.Text)


class Described:
    """An optional description in Khmer and in English."""

    description_km: Mapped[str | None] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)


class DraftWorded:
    """A sentence of written content (an outcome, a checklist item, a question or an answer):
    English, and Khmer that may be missing while a draft is incomplete."""

    text_km: Mapped[str | None] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text)


class Named:
    """Reference data with a short unique code and a name in Khmer and in English."""

    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_km: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
