"""Cohort pages for every role, materials, attendance, both languages, SQL counts."""

import io
from pathlib import Path

import pytest

from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.training import services
from lms.training.models import Attendance, AttendanceStatus, EnrolmentStatus, Material
from lms.users.models import Sex

from .. import clock, factories
from ..conftest import count_queries, km

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
    b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.mark.parametrize(
    "role,status",
    [
        (Role.ADMIN, 200),
        (Role.OFFICER, 200),
        (Role.QUALITY_ASSESSOR, 403),
        (Role.TRAINEE, 200),
        (Role.INSTRUCTOR, 403),
    ],
)
def test_who_sees_a_cohort(client, login_as, cohort, role, status):
    login_as(role)  # a trainee may look at an open cohort; another instructor may not
    assert client.get(f"/cohorts/{cohort.id}").status_code == status


def test_instructor_of_cohort_a_cannot_touch_cohort_b(client, login, make_cohort, instructor):
    teacher_b = factories.user(roles=[Role.INSTRUCTOR])
    cohort_b = make_cohort(code="B-1", instructors=[teacher_b])
    trainee = factories.user()
    enrolment = services.enrol(teacher_b, cohort_b, trainee, utcnow())
    db.session.commit()
    login(instructor)
    assert client.get(f"/cohorts/{cohort_b.id}").status_code == 403
    assert (
        client.post(
            f"/cohorts/{cohort_b.id}/enrolments", data={"trainee": trainee.username}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/cohorts/{cohort_b.id}/enrolments/{enrolment.id}/withdraw").status_code == 403
    )
    db.session.refresh(enrolment)
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_instructor_enrols_and_takes_attendance_on_a_phone(
    client, login, cohort, instructor, curriculum
):
    trainee = factories.user(username="keo.s")
    db.session.commit()
    login(instructor)
    client.set_cookie("lang", "en")
    response = client.post(f"/cohorts/{cohort.id}/enrolments", data={"trainee": "keo.s"})
    assert response.status_code == 302
    enrolment = services.enrolment_of(trainee, cohort)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    client.post(
        f"/cohorts/{cohort.id}/sessions/new",
        data={
            "module_id": curriculum.modules[0].id,
            "starts_at": f"{clock.days(-10)}T08:00",
            "minutes": "180",
        },
    )
    session = services.sessions_of(cohort)[0]
    page = client.get(f"/cohorts/{cohort.id}/sessions/{session.id}/attendance")
    assert f'name="e{enrolment.id}"' in page.get_data(as_text=True)
    client.post(
        f"/cohorts/{cohort.id}/sessions/{session.id}/attendance", data={f"e{enrolment.id}": "late"}
    )
    row = db.session.get(Attendance, (session.id, enrolment.id))
    assert row.status == AttendanceStatus.LATE
    bad = client.post(
        f"/cohorts/{cohort.id}/sessions/{session.id}/attendance",
        data={f"e{enrolment.id}": "asleep"},
    )
    assert bad.status_code == 400


def test_trainee_asks_to_join_and_is_accepted(client, login, cohort, instructor, app):
    trainee = factories.user()
    db.session.commit()
    login(trainee)
    client.post(f"/cohorts/{cohort.id}/join")
    enrolment = services.enrolment_of(trainee, cohort)
    assert enrolment.status == EnrolmentStatus.REQUESTED
    teacher = app.test_client()
    teacher.post("/login", data={"login": instructor.username, "password": factories.PASSWORD})
    teacher.post(f"/cohorts/{cohort.id}/enrolments/{enrolment.id}/accept")
    db.session.refresh(enrolment)
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_materials_upload_and_download(client, login, cohort, instructor, curriculum, app):
    trainee, outsider = factories.user(), factories.user()
    services.enrol(instructor, cohort, trainee, utcnow())
    db.session.commit()
    login(instructor)
    client.set_cookie("lang", "en")
    module = curriculum.modules[0].id
    response = client.post(
        f"/cohorts/{cohort.id}/materials/new",
        data={
            "module_id": module,
            "title_km": "មេរៀន",
            "title_en": "Lesson",
            "kind": "file",
            "file": (io.BytesIO(PDF), "មេរៀន ១.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    html_as_pdf = client.post(
        f"/cohorts/{cohort.id}/materials/new",
        data={
            "module_id": module,
            "title_km": "មេរៀន",
            "title_en": "Fake",
            "kind": "file",
            "file": (io.BytesIO(b"<html><script>x</script></html>"), "fake.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert html_as_pdf.status_code == 200 and 'id="file-error"' in html_as_pdf.get_data(
        as_text=True
    )
    material = db.session.query(Material).one()
    url = f"/cohorts/{cohort.id}/materials/{material.id}"
    reader = app.test_client()
    reader.post("/login", data={"login": trainee.username, "password": factories.PASSWORD})
    download = reader.get(url)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"].startswith("application/pdf")
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    stranger = app.test_client()
    stranger.post("/login", data={"login": outsider.username, "password": factories.PASSWORD})
    assert stranger.get(url).status_code == 403


def test_link_material_must_be_http(client, login, cohort, instructor, curriculum):
    login(instructor)
    data = {
        "module_id": curriculum.modules[0].id,
        "title_km": "វីដេអូ",
        "title_en": "Video",
        "kind": "link",
        "url": "javascript:alert(1)",
    }
    assert client.post(f"/cohorts/{cohort.id}/materials/new", data=data).status_code == 200
    data["url"] = "https://www.who.int/publications"
    assert client.post(f"/cohorts/{cohort.id}/materials/new", data=data).status_code == 302


def test_enrolment_csv_page(client, login, cohort, instructor):
    factories.user(username="ok.one")
    db.session.commit()
    login(instructor)
    client.set_cookie("lang", "en")
    bad = client.post(
        f"/cohorts/{cohort.id}/enrolments/import",
        data={"file": (io.BytesIO(b"trainee\nok.one\nghost\n"), "list.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "Line 3" in bad.get_data(as_text=True)
    assert services.enrolled_count(cohort.id) == 0


def test_cohort_page_in_khmer_with_counts_by_sex(client, login, cohort, instructor):
    for sex in (Sex.FEMALE, Sex.FEMALE, Sex.MALE):
        services.enrol(instructor, cohort, factories.user(sex=sex), utcnow())
    db.session.commit()
    login(instructor)
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert km("Trainees") in html and km("Female") in html


@pytest.mark.parametrize("n", [2, 25])
def test_cohort_page_query_count_does_not_grow(client, login, make_cohort, instructor, n):
    big = make_cohort(code=f"BIG-{n}", capacity=100)
    for _ in range(n):
        services.enrol(
            instructor, big, factories.user(facility_id=factories.facility().id), utcnow()
        )
    db.session.commit()
    login(instructor)
    with count_queries() as queries:
        assert client.get(f"/cohorts/{big.id}").status_code == 200
    assert queries.count <= 16, queries.statements


def _upload_lesson(client, cohort, curriculum) -> Material:
    """Share a PDF lesson in the cohort's first module, as its instructor (logged in)."""
    client.post(
        f"/cohorts/{cohort.id}/materials/new",
        data={
            "module_id": curriculum.modules[0].id,
            "title_km": "មេរៀន",
            "title_en": "Lesson",
            "kind": "file",
            "file": (io.BytesIO(PDF), "lesson.pdf"),
        },
        content_type="multipart/form-data",
    )
    return db.session.query(Material).one()


def test_deleting_a_material_removes_its_file(client, login, cohort, instructor, curriculum, app):
    login(instructor)
    material = _upload_lesson(client, cohort, curriculum)
    stored = Path(app.config["UPLOAD_FOLDER"]) / "materials" / material.token
    assert stored.read_bytes() == PDF
    client.post(f"/cohorts/{cohort.id}/materials/{material.id}/delete", data={"confirmed": "1"})
    assert db.session.query(Material).count() == 0 and not stored.exists()


def test_an_empty_cohort_offers_enrolment_to_its_manager(client, login, cohort, instructor):
    # Found by the browser journey: the enrol form and CSV link hid until someone was enrolled.
    login(instructor)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert f"/cohorts/{cohort.id}/enrolments/import" in page
    assert f'action="/cohorts/{cohort.id}/enrolments"' in page


def test_the_enrolment_template_is_a_csv_of_trainees(client, login_as, cohort):
    login_as(Role.ADMIN)
    response = client.get(f"/cohorts/{cohort.id}/enrolments/template.csv")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines() == [
        "\ufefftrainee,council",
        "sok.dara,",
        "MW-0001,CMWC",
    ]


def test_a_material_whose_file_is_gone_is_not_found(
    client, login, cohort, instructor, curriculum, app
):
    login(instructor)
    material = _upload_lesson(client, cohort, curriculum)
    (Path(app.config["UPLOAD_FOLDER"]) / "materials" / material.token).unlink()
    assert client.get(f"/cohorts/{cohort.id}/materials/{material.id}").status_code == 404


def test_ids_of_another_cohort_or_of_no_cohort_are_not_found(
    client, login, login_as, make_cohort, cohort, instructor
):
    other = make_cohort(code="OTHER-1")
    enrolment = services.enrol(instructor, other, factories.user(), utcnow())
    db.session.commit()
    login(instructor)
    url = f"/cohorts/{cohort.id}/enrolments/{enrolment.id}/withdraw"
    assert client.post(url).status_code == 404
    client.post("/logout")
    login_as(Role.ADMIN)
    assert client.get("/cohorts/0/edit").status_code == 404


def test_a_trainee_sees_the_join_button_of_an_open_cohort_until_asking(client, login, cohort):
    trainee = factories.user()
    db.session.commit()
    login(trainee)
    join = f'action="/cohorts/{cohort.id}/join"'
    assert join in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    client.post(f"/cohorts/{cohort.id}/join")
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert join not in page and "/withdraw" in page
