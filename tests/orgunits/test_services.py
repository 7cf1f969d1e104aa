"""Provinces, districts and facilities: reference data, rules and CSV imports."""

import pytest

from lms.database import utcnow
from lms.errors import DomainError, ImportRejected
from lms.extensions import db
from lms.orgunits import services
from lms.orgunits.models import Facility, FacilityType, OperationalDistrict, Province

from .. import factories


def test_the_25_provinces_are_shipped_with_both_names(app):
    provinces = services.provinces()
    assert len(provinces) == 25
    assert [p.code for p in provinces] == [f"{n:02d}" for n in range(1, 26)]
    phnom_penh = next(p for p in provinces if p.code == "12")
    assert (phnom_penh.name_km, phnom_penh.name_en) == ("ភ្នំពេញ", "Phnom Penh")
    assert all(p.name_km and p.name_en for p in provinces)
    assert services.seed_provinces() == 0  # idempotent


def test_facility_district_must_be_in_its_province(app):
    takeo_od = factories.district(province_code="21")
    data = services.FacilityData(
        "HC-1",
        "មណ្ឌលសុខភាពមួយ",
        "Health Centre One",
        FacilityType.HEALTH_CENTRE,
        factories.province("17").id,
        takeo_od.id,
    )
    with pytest.raises(DomainError) as refused:
        services.save_facility(None, data, utcnow())
    assert refused.value.field == "district_id"


def test_facility_codes_are_unique_and_upper_case(app):
    factories.facility(code="HC-1")
    data = services.FacilityData(
        "hc-1", "មណ្ឌលសុខភាព", "Health Centre", FacilityType.HEALTH_CENTRE, factories.province().id
    )
    with pytest.raises(DomainError) as refused:
        services.save_facility(None, data, utcnow())
    assert refused.value.field == "code"


FACILITIES = "code,name_km,name_en,type,province_code,district_code,active\n"


def test_facility_import_creates_then_updates(app):
    factories.district(code="OD-TK-DK", province_code="21")
    text = FACILITIES + (
        "TK-HC-ATS,មណ្ឌលសុខភាពអង្គតាសោម,Angk Ta Saom Health Centre,health_centre,21,"
        "OD-TK-DK,yes\n"
        "NMCHC,មជ្ឈមណ្ឌលជាតិគាំពារមាតា និងទារក,National Maternal and Child Health Centre,"
        "national_hospital,12,,yes\n"
    )
    result = services.import_facilities(None, text, utcnow())
    assert (result.created, result.updated) == (2, 0)
    text = FACILITIES + (
        "TK-HC-ATS,មណ្ឌលសុខភាពអង្គតាសោម,Angk Ta Saom HC,health_centre,21,OD-TK-DK,no\n"
    )
    result = services.import_facilities(None, text, utcnow())
    assert (result.created, result.updated) == (0, 1)
    hc = db.session.query(Facility).filter_by(code="TK-HC-ATS").one()
    assert hc.name_en == "Angk Ta Saom HC" and not hc.active


def test_facility_import_with_bad_rows_changes_nothing(app):
    factories.district(code="OD-SR", province_code="17")
    text = FACILITIES + (
        "OK-1,មណ្ឌលសុខភាព,Good Centre,health_centre,21,,yes\n"
        "BAD-1,Latin only,Bad Centre,clinic,99,,maybe\n"
        "BAD-2,មណ្ឌលសុខភាព,Wrong District,health_centre,21,OD-SR,yes\n"
        "OK-1,មណ្ឌលសុខភាព,Duplicate,health_centre,21,,yes\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        services.import_facilities(None, text, utcnow())
    db.session.rollback()
    assert db.session.query(Facility).count() == 0
    found = {(e.line, e.field) for e in rejected.value.errors}
    assert found == {
        (3, "name_km"),
        (3, "type"),
        (3, "province_code"),
        (3, "active"),
        (4, "district_code"),
        (5, "code"),
    }


def test_district_import(app):
    text = (
        "code,province_code,name_km,name_en\n"
        "OD-TK-DK,21,ស្រុកប្រតិបត្តិដូនកែវ,Daun Keo\n"
        "OD-KP-1,7,ស្រុកប្រតិបត្តិកំពត,Kampot\n"
    )
    result = services.import_districts(None, text, utcnow())
    assert result.created == 2
    kampot = db.session.query(OperationalDistrict).filter_by(code="OD-KP-1").one()
    assert db.session.get(Province, kampot.province_id).code == "07"


def test_district_import_errors(app):
    text = "code,province_code,name_km,name_en\nOD-1,77,ស្រុក,Somewhere\n"
    with pytest.raises(ImportRejected) as rejected:
        services.import_districts(None, text, utcnow(), source="districts.csv")
    assert str(rejected.value).startswith("districts.csv: line 2, field 'province_code'")
