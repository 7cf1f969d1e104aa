"""No Latin digit on the Khmer pages found still showing them (issue 17, item 16): province
codes in the place forms and filters, the import hint, curriculum versions in the cohort forms,
framework versions, an attendance shortfall, the matrix's levels and the look-up's example
serial; the English pages keep their Latin digits."""

from __future__ import annotations

from datetime import datetime, time

import pytest
import sqlalchemy as sa

from lms.assessments import services as assessments
from lms.assessments.rules import Mark
from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.frameworks import services as frameworks
from lms.i18n import khmer_digits
from lms.orgunits import services as orgunits
from lms.orgunits.models import OperationalDistrict
from lms.training import services as training
from lms.training.models import AttendanceStatus, CohortStatus
from lms.users.models import User

from . import clock, factories
from .conftest import km
from .visible_digits import latin_numbers


def _khmer_names() -> None:
    # The factories number the names they make up; a Khmer name would carry Khmer digits.
    for person in db.session.scalars(sa.select(User)):
        person.given_name_km = khmer_digits(person.given_name_km)
    db.session.commit()


# The sample framework's competency codes (codes keep their digits; the helper knows only
# codes joined by dashes).
CODES = ("D1.1.1", "D1.1", "D1.2")


def _pages(client, language: str, urls: list[str]) -> dict[str, str]:
    client.set_cookie("lang", language)
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert f'<html lang="{language}"' in html
        if language == "km":
            assert latin_numbers(html, CODES) == [], url
        found[url] = html
    return found


@pytest.mark.parametrize("language", ["km", "en"])
def test_places_write_province_codes_in_the_readers_digits(client, login_as, language):
    factories.facility(code="HC-TK-01", name_km="មណ្ឌលសុខភាពតាកែវ", name_en="Takeo HC")
    login_as(Role.ADMIN)
    _khmer_names()
    urls = ["/facilities", "/facilities/new", "/districts", "/districts/new"]
    pages = _pages(client, language, [*urls, "/provinces", "/facilities/import"])
    for url in urls:
        assert ("០១ បន្ទាយមានជ័យ" if language == "km" else "01 Banteay Meanchey") in pages[url]
    assert ("<td>០១</td>" if language == "km" else "<td>01</td>") in pages["/provinces"]
    hint = "ឧទាហរណ៍ ១២" if language == "km" else "e.g. 12 for Phnom Penh"
    assert hint in pages["/facilities/import"]


def test_an_import_takes_the_province_code_in_khmer_digits_as_the_hint_writes_it(app):
    text = "code,province_code,name_km,name_en\nOD-PP-1,១២,ស្រុកថ្មី,New OD\nOD-BMC-1, 1,ស្រុក,OD\n"
    orgunits.import_districts(None, text, utcnow())
    db.session.commit()
    found = db.session.execute(
        sa.select(OperationalDistrict.code, OperationalDistrict.province_id)
    ).all()
    assert sorted(found) == [
        ("OD-BMC-1", factories.province("01").id),
        ("OD-PP-1", factories.province("12").id),
    ]


@pytest.mark.parametrize("language", ["km", "en"])
def test_cohort_forms_write_the_curriculum_version(client, login_as, cohort, language):
    login_as(Role.ADMIN)
    _khmer_names()
    urls = ["/cohorts/new", f"/cohorts/{cohort.id}/edit"]
    for html in _pages(client, language, urls).values():
        assert ("TST-CUR កំណែ ១ " if language == "km" else "TST-CUR v1 ") in html


@pytest.mark.parametrize("language", ["km", "en"])
def test_framework_versions_to_compare(client, login_as, curriculum, language):
    first = frameworks.find_framework("TST-FW", 1)
    second = frameworks.new_draft_version(None, first, utcnow())
    db.session.commit()
    login_as(Role.ADMIN)
    _khmer_names()
    [html] = _pages(client, language, [f"/frameworks/{second.id}"]).values()
    assert f'<option value="{first.id}">{"១" if language == "km" else "1"}</option>' in html


@pytest.mark.parametrize("language", ["km", "en"])
def test_an_attendance_shortfall_and_the_matrix_levels(
    client, login_as, cohort, instructor, curriculum, language
):
    trainee = factories.user(given_name_km="ដារា")
    enrolment = training.enrol(instructor, cohort, trainee, utcnow())
    cohort.status = CohortStatus.RUNNING  # attendance is taken while it runs
    held = training.schedule_session(
        None,
        cohort,
        curriculum.modules[0].id,
        datetime.combine(clock.days(-5), time(8)),
        60,
        None,
        now=utcnow(),
    )
    training.mark_attendance(instructor, held, {enrolment.id: AttendanceStatus.ABSENT}, utcnow())
    station = next(i for i in curriculum.instruments if i.items)
    marks = {item.id: Mark.DONE for item in station.items}
    data = assessments.ChecklistData(marks, 3, clock.today())
    assessments.save_checklist(instructor, enrolment, station, data, True, utcnow())
    cohort.status = CohortStatus.CLOSED
    db.session.commit()
    login_as(Role.OFFICER)
    _khmer_names()
    urls = [f"/certificates/cohorts/{cohort.id}", f"/cohorts/{cohort.id}/matrix"]
    pages = _pages(client, language, urls)
    minimum = curriculum.min_attendance_percent
    shortfall = (
        f"(០% &lt; {khmer_digits(minimum)}%)" if language == "km" else f"(0% &lt; {minimum}%)"
    )
    assert shortfall in pages[urls[0]]
    assert ("<sub>៣</sub>" if language == "km" else "<sub>3</sub>") in pages[urls[1]]


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_look_up_shows_the_serial_as_printed_in_the_readers_language(client, language):
    [html] = _pages(client, language, ["/verify"]).values()
    if language == "km":
        serial = "BEMONC-២០២៦-០០០៤២"
        assert km("As printed on the certificate, e.g. %(serial)s", serial=serial) in html
    else:
        assert "As printed on the certificate, e.g. BEMONC-2026-00042" in html
