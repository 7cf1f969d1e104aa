"""Competency frameworks: versions, their proficiency scale, and the competency tree."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..columns import Described, DraftTitled, Positioned, link_table, parent_key
from ..extensions import db
from ..users.models import Cadre
from ..versioning import Publishable, Versioned

framework_cadres = link_table(
    "framework_cadres",
    ("framework_id", "frameworks"),
    ("cadre_id", "cadres"),
    right_cascade=False,
    right_index=False,
)


class Framework(Versioned, Publishable, DraftTitled, Described, db.Model):
    """One version of a competency framework. Published versions never change."""

    __tablename__ = "frameworks"
    audit_type = "framework"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_km: Mapped[str | None] = mapped_column(sa.Text)
    authority_en: Mapped[str | None] = mapped_column(sa.Text)
    scale_title_km: Mapped[str | None] = mapped_column(sa.Text)
    scale_title_en: Mapped[str | None] = mapped_column(sa.Text)
    proficient_level: Mapped[int]

    cadres: Mapped[list[Cadre]] = relationship(secondary=framework_cadres, order_by="Cadre.code")
    levels: Mapped[list[ScaleLevel]] = relationship(
        back_populates="framework", order_by="ScaleLevel.value", cascade="all, delete-orphan"
    )
    competencies: Mapped[list[Competency]] = relationship(
        back_populates="framework",
        cascade="all, delete-orphan",
        order_by="(Competency.depth, Competency.position)",
    )


class ScaleLevel(DraftTitled, Described, db.Model):
    __tablename__ = "scale_levels"
    __table_args__ = (sa.UniqueConstraint("framework_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = parent_key("frameworks", index=False)
    value: Mapped[int]

    framework: Mapped[Framework] = relationship(back_populates="levels")


class Competency(Positioned, DraftTitled, Described, db.Model):
    """A node of a framework's tree: a domain, a competency or a performance criterion."""

    __tablename__ = "competencies"
    audit_type = "competency"
    __table_args__ = (sa.UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = parent_key("frameworks")
    parent_id: Mapped[int | None] = parent_key("competencies")
    code: Mapped[str] = mapped_column(sa.String(40))
    critical: Mapped[bool] = mapped_column(default=False)
    depth: Mapped[int] = mapped_column(default=0)

    framework: Mapped[Framework] = relationship(back_populates="competencies")
    parent: Mapped[Competency | None] = relationship(remote_side="Competency.id")
