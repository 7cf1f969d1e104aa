"""Demo places: four operational districts and seven facilities in Takeo, Siem Reap and
Phnom Penh (the provinces are reference data, there already)."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from . import services
from .models import Facility, FacilityType

# (code, province code, name km, name en)
DISTRICTS = (
    ("OD-TK-DK", "21", "ស្រុកប្រតិបត្តិដូនកែវ", "Daun Keo"),
    ("OD-TK-KV", "21", "ស្រុកប្រតិបត្តិគិរីវង់", "Kirivong"),
    ("OD-SR-SR", "17", "ស្រុកប្រតិបត្តិសៀមរាប", "Siem Reap"),
    ("OD-PP-CC", "12", "ស្រុកប្រតិបត្តិច្បារអំពៅ", "Chbar Ampov"),
)
# (code, name km, name en, type, province code, district code)
FACILITIES = (
    (
        "NMCHC",
        "មជ្ឈមណ្ឌលជាតិគាំពារមាតា និងទារក",
        "National Maternal and Child Health Centre",
        FacilityType.NATIONAL_HOSPITAL,
        "12",
        None,
    ),
    (
        "TK-PRH",
        "មន្ទីរពេទ្យបង្អែកខេត្តតាកែវ",
        "Takeo Provincial Referral Hospital",
        FacilityType.PROVINCIAL_REFERRAL_HOSPITAL,
        "21",
        "OD-TK-DK",
    ),
    (
        "TK-KV-RH",
        "មន្ទីរពេទ្យបង្អែកគិរីវង់",
        "Kirivong Referral Hospital",
        FacilityType.REFERRAL_HOSPITAL_CPA2,
        "21",
        "OD-TK-KV",
    ),
    (
        "TK-HC-ATS",
        "មណ្ឌលសុខភាពអង្គតាសោម",
        "Angk Ta Saom Health Centre",
        FacilityType.HEALTH_CENTRE,
        "21",
        "OD-TK-DK",
    ),
    (
        "TK-HC-PL",
        "មណ្ឌលសុខភាពព្រៃល្វា",
        "Prey Lvea Health Centre",
        FacilityType.HEALTH_CENTRE,
        "21",
        "OD-TK-DK",
    ),
    (
        "SR-HC-SN",
        "មណ្ឌលសុខភាពស្រង៉ែ",
        "Sra Ngae Health Centre",
        FacilityType.HEALTH_CENTRE,
        "17",
        "OD-SR-SR",
    ),
    (
        "RTC-TK",
        "មជ្ឈមណ្ឌលបណ្តុះបណ្តាលភូមិភាគតាកែវ",
        "Takeo Regional Training Centre",
        FacilityType.TRAINING_INSTITUTION,
        "21",
        None,
    ),
)


def load(now) -> None:
    """Add the demo districts and facilities that are missing (the caller commits)."""
    province = {p.code: p.id for p in services.provinces()}
    district = {d.code: d.id for d in db.session.scalars(services.district_query())}
    for code, pcode, km, en in DISTRICTS:
        if code not in district:
            data = services.DistrictData(code, province[pcode], km, en)
            district[code] = services.save_district(None, data, now).id
    facilities = set(db.session.scalars(sa.select(Facility.code)))
    for code, km, en, kind, pcode, dcode in FACILITIES:
        if code not in facilities:
            data = services.FacilityData(code, km, en, kind, province[pcode], district.get(dcode))
            services.save_facility(None, data, now)
