import io

import pytest

from lms.auth.roles import Role
from lms.extensions import db
from lms.orgunits.models import Facility, OperationalDistrict

from .. import factories
from ..conftest import count_queries


def test_admin_creates_and_edits_a_facility(client, login_as):
    login_as(Role.ADMIN)
    district = factories.district(province_code="21")
    db.session.commit()
    response = client.post(
        "/facilities/new",
        data={
            "code": "tk-hc-new",
            "name_km": "មណ្ឌលសុខភាពថ្មី",
            "name_en": "New Health Centre",
            "type": "health_centre",
            "province_id": factories.province("21").id,
            "district_id": district.id,
            "active": "y",
        },
    )
    assert response.status_code == 302
    facility = db.session.query(Facility).filter_by(code="TK-HC-NEW").one()
    response = client.post(
        f"/facilities/{facility.id}/edit",
        data={
            "code": "TK-HC-NEW",
            "name_km": "មណ្ឌលសុខភាពថ្មី",
            "name_en": "Renamed",
            "type": "health_post",
            "province_id": factories.province("21").id,
            "district_id": "",
        },
    )
    assert response.status_code == 302
    db.session.refresh(facility)
    assert facility.name_en == "Renamed" and not facility.active
    assert facility.district_id is None


def test_admin_creates_a_district(client, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/districts/new",
        data={
            "code": "OD-NEW",
            "province_id": factories.province("03").id,
            "name_km": "ស្រុកថ្មី",
            "name_en": "New",
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert db.session.query(OperationalDistrict).filter_by(code="OD-NEW").count() == 1


def test_facility_import_page(client, login_as):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    good = "code,name_km,name_en,type,province_code\nHC-9,មណ្ឌលសុខភាព,Centre Nine,health_centre,21\n"
    response = client.post(
        "/facilities/import",
        data={"file": (io.BytesIO(good.encode()), "f.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "1 created, 0 updated" in response.get_data(as_text=True)
    bad = good.replace("health_centre", "spaceship")
    response = client.post(
        "/facilities/import",
        data={"file": (io.BytesIO(bad.encode()), "f.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "<code>type</code>" in response.get_data(as_text=True)


def test_officer_reads_facilities_but_cannot_edit(client, login_as):
    login_as(Role.OFFICER)
    factories.facility(code="HC-READ")
    db.session.commit()
    html = client.get("/facilities").get_data(as_text=True)
    assert "HC-READ" in html and "/facilities/new" not in html


def test_facility_search_in_both_scripts(client, login_as):
    login_as(Role.ADMIN)
    factories.facility(code="HC-A", name_km="មណ្ឌលសុខភាពអង្គតាសោម", name_en="Angk Ta Saom")
    factories.facility(code="HC-B", name_km="មណ្ឌលសុខភាពព្រៃល្វា", name_en="Prey Lvea")
    db.session.commit()
    for term in ("អង្គតាសោម", "angk", "hc-a"):
        html = client.get(f"/facilities?q={term}").get_data(as_text=True)
        assert "HC-A" in html and "HC-B" not in html, term


@pytest.mark.parametrize("n", [2, 40])
def test_facility_list_query_count_does_not_grow(client, login_as, n):
    login_as(Role.ADMIN)
    district = factories.district()
    for _ in range(n):
        factories.facility(district_id=district.id)
    db.session.commit()
    with count_queries() as queries:
        assert client.get("/facilities").status_code == 200
    assert queries.count <= 7, queries.statements
    with count_queries() as queries:
        assert client.get("/provinces").status_code == 200
    assert queries.count <= 7, queries.statements
