"""Paper copies: the attendance list and the cohort page print without the menu and forms; the
browser journey (tests/e2e/test_rounds.py) renders the matrix's print layout to a PDF."""

from __future__ import annotations

import pytest

from lms.config import ROOT
from lms.database import utcnow
from lms.extensions import db
from lms.training import services

from .. import factories
from ..conftest import km


@pytest.mark.parametrize("language", ["en", "km"])
def test_the_attendance_list_prints_a_signature_box_per_trainee(
    client, login, cohort, instructor, curriculum, language
):
    for _ in range(2):
        services.enrol(instructor, cohort, factories.user(), utcnow())
    session = services.schedule_session(
        instructor, cohort, curriculum.modules[0].id, utcnow(), 60, None, now=utcnow()
    )
    db.session.commit()
    login(instructor)
    client.set_cookie("lang", language)
    html = client.get(f"/cohorts/{cohort.id}/sessions/{session.id}/attendance").text
    signature = km("Signature") if language == "km" else "Signature"
    assert html.count(f'<span class="print-only att-sign">{signature}</span>') == 2
    page = client.get(f"/cohorts/{cohort.id}").text
    assert 'class="card no-print"' in page  # the enrol form is not printed
    assert '<th scope="col" class="no-print">' in page


def test_the_print_rules_hide_the_menu_and_turn_the_matrix_landscape():
    css = (ROOT / "lms/static/css/app.css").read_text()
    rules = css[css.index("@media print") :]
    assert "@page landscape { size: A4 landscape;" in css
    assert ".print-landscape { page: landscape; }" in rules
    assert all(part in rules for part in (".top", ".foot", ".no-print", "button"))
