"""Provinces, operational districts and health facilities."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..columns import Named
from ..database import TimestampMixin, enum_column
from ..enums import LabelledEnum
from ..extensions import db


class FacilityType(LabelledEnum):
    NATIONAL_HOSPITAL = "national_hospital", _l("National hospital")
    PROVINCIAL_REFERRAL_HOSPITAL = (
        "provincial_referral_hospital",
        _l("Provincial referral hospital"),
    )
    REFERRAL_HOSPITAL_CPA3 = "referral_hospital_cpa3", _l("Referral hospital CPA-3")
    REFERRAL_HOSPITAL_CPA2 = "referral_hospital_cpa2", _l("Referral hospital CPA-2")
    REFERRAL_HOSPITAL_CPA1 = "referral_hospital_cpa1", _l("Referral hospital CPA-1")
    HEALTH_CENTRE = "health_centre", _l("Health centre")
    HEALTH_POST = "health_post", _l("Health post")
    TRAINING_INSTITUTION = "training_institution", _l("Training institution")
    PRIVATE = "private", _l("Private facility")


class Province(db.Model):
    __tablename__ = "provinces"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(2), unique=True)
    name_km: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))

    districts: Mapped[list[OperationalDistrict]] = relationship(
        back_populates="province", order_by="OperationalDistrict.code"
    )


class OperationalDistrict(Named, TimestampMixin, db.Model):
    __tablename__ = "operational_districts"
    audit_type = "district"
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("provinces.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    province: Mapped[Province] = relationship(back_populates="districts")


class Facility(Named, TimestampMixin, db.Model):
    __tablename__ = "facilities"
    audit_type = "facility"
    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[FacilityType] = mapped_column(enum_column(FacilityType))
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("provinces.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("operational_districts.id"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)

    province: Mapped[Province] = relationship()
    district: Mapped[OperationalDistrict | None] = relationship()
