"""A checklist submitted with items left unmarked keeps what was marked and points at the rest."""

import re

import pytest
import sqlalchemy as sa

from lms.assessments.models import AssessmentRecord
from lms.extensions import db

from .. import clock
from ..conftest import km


@pytest.mark.parametrize("language", ["en", "km"])
def test_unmarked_items_stand_out_and_are_linked(client, login, enrolled, instructor, language):
    enrolment, _trainee, instruments = enrolled
    osce = instruments["OSCE-1"]
    first, second = osce.items[0], osce.items[1]
    login(instructor)
    client.set_cookie("lang", language)
    data = {f"item{item.id}": "done" for item in osce.items[2:]}
    data.update(overall_rating="3", action="submit", assessed_on=clock.days(-1).isoformat())
    response = client.post(f"/enrolments/{enrolment.id}/instruments/{osce.id}/checklist", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentRecord)) == 0
    unmarked = re.findall(r'<fieldset class="card att-row unmarked" id="item-(\d+)"', html)
    assert unmarked == [str(first.id), str(second.id)]
    assert f'href="#item-{first.id}"' in html and f'href="#item-{second.id}"' in html
    message = "Not marked yet: choose one."
    assert html.count(km(message) if language == "km" else message) == 2
    if language == "km":
        assert km("item %(n)s", n=1) in html  # ចំណុចទី ១
    # What was marked stays marked.
    assert html.count('value="done" checked') == len(osce.items) - 2


def test_a_fresh_form_points_at_nothing(client, login, enrolled, instructor):
    enrolment, _trainee, instruments = enrolled
    osce = instruments["OSCE-1"]
    login(instructor)
    client.set_cookie("lang", "en")
    page = client.get(f"/enrolments/{enrolment.id}/instruments/{osce.id}/checklist")
    assert "unmarked" not in page.get_data(as_text=True)
