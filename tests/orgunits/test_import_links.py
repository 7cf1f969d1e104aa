"""Each import's result links to what it imported: facilities and districts, enrolments,
frameworks and curricula (accounts: tests/users/test_handout_views.py); both languages."""

import io

import pytest
import sqlalchemy as sa
import yaml

from lms.auth.roles import Role
from lms.curricula.models import Curriculum
from lms.extensions import db
from lms.frameworks.models import Framework
from lms.orgunits.models import Facility, OperationalDistrict
from lms.training.models import Enrolment

from .. import factories
from ..conftest import count_queries, km
from ..curricula import samples


def _post(client, url, text, name="f.csv"):
    return client.post(
        url,
        data={"file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_facility_import_links_the_facilities_and_the_list(client, login_as, lang):
    login_as(Role.ADMIN)
    client.set_cookie("lang", lang)
    rows = "".join(f"HC-{n:02d},មណ្ឌលសុខភាព {n},Centre {n},health_centre,21\n" for n in range(25))
    with count_queries() as queries:
        response = _post(
            client, "/facilities/import", "code,name_km,name_en,type,province_code\n" + rows
        )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    first = db.session.scalar(sa.select(Facility).where(Facility.code == "HC-00"))
    assert f'href="/facilities/{first.id}/edit"' in html
    assert html.count('/edit"><code>HC-') == 20
    more, every = "… and %(n)s more.", "See all facilities"
    if lang == "km":
        assert km(more, n="៥") in html and km(every) in html
    else:
        assert "… and 5 more." in html and every in html
    assert queries.count <= 40, len(queries.statements)  # whatever the number of rows written


def test_a_district_import_links_the_districts(client, login_as):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    text = "code,province_code,name_km,name_en\nOD-NEW,21,ស្រុកថ្មី,New OD\n"
    html = _post(client, "/districts/import", text).get_data(as_text=True)
    district = db.session.scalar(
        sa.select(OperationalDistrict).where(OperationalDistrict.code == "OD-NEW")
    )
    assert (
        f'href="/districts/{district.id}/edit"' in html and "See all operational districts" in html
    )


@pytest.mark.parametrize("lang", ["en", "km"])
def test_an_enrolment_import_links_each_trainee_enrolled(client, login, cohort, instructor, lang):
    for name in ("ok.one", "ok.two"):
        factories.user(username=name)
    db.session.commit()
    login(instructor)
    client.set_cookie("lang", lang)
    response = _post(client, f"/cohorts/{cohort.id}/enrolments/import", "trainee\nok.one\nok.two\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.cohort_id == cohort.id))
    for enrolment in enrolments:
        assert f'href="/enrolments/{enrolment.id}"' in html
    every = "All the trainees of the cohort"
    assert (km(every) if lang == "km" else every) in html
    assert f'href="/cohorts/{cohort.id}#trainees"' in html


def test_a_curriculum_import_links_each_version(client, login_as, app):
    login_as(Role.ADMIN)
    fw = yaml.safe_dump(samples.framework(), allow_unicode=True).encode()
    cur = yaml.safe_dump(samples.curriculum(), allow_unicode=True).encode()
    response = client.post(
        "/curricula/import",
        content_type="multipart/form-data",
        data={"files": [(io.BytesIO(fw), "fw.yaml"), (io.BytesIO(cur), "cur.yaml")]},
    )
    html = response.get_data(as_text=True)
    framework = db.session.scalar(sa.select(Framework))
    curriculum = db.session.scalar(sa.select(Curriculum))
    assert f'href="/frameworks/{framework.id}"' in html
    assert f'href="/curricula/{curriculum.id}"' in html
