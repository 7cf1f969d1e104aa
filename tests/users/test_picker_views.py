"""The workplace picker of the user form and list, among the national 1,305 facilities: a
small page in a fixed number of queries, and a search step that needs no JavaScript."""

import pytest
import sqlalchemy as sa

from lms.auth.roles import Role
from lms.extensions import db
from lms.orgunits.models import Facility
from lms.users.models import User

from .. import factories
from ..conftest import count_queries, km
from ..orgunits.national import admin_page, national_places, options
from .test_views import FORM


@pytest.fixture
def national(app):
    national_places()


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_form_stays_small_among_1305_facilities(client, login_as, national, lang):
    response, queries = admin_page(client, login_as, "/users/new", lang)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(response.data) < 20_000, len(response.data)
    assert options(html, "facility_id") == [""]  # nothing listed until searched for
    hint = "Type part of the name or the code, then press Search: the list then holds what matches."
    assert (km(hint) if lang == "km" else hint) in html
    assert queries.count <= 8, queries.statements


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_search_step_lists_the_matches_and_keeps_what_was_typed(client, login_as, national, lang):
    login_as(Role.ADMIN)
    client.set_cookie("lang", lang)
    data = {**FORM, "facility_id-q": "takeo health centre", "facility_id-find": "1"}
    with count_queries() as queries:
        response = client.post("/users/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert User.query.filter_by(username=FORM["username"]).count() == 0  # nothing saved
    assert 'value="keo.sreymom"' in html and 'value="ស្រីមុំ"' in html  # kept
    listed = options(html, "facility_id")
    assert len(listed) == 26 and len(response.data) < 25_000  # the blank and the first 25
    more = "The first %(n)s matches for “%(text)s” are in the list."
    if lang == "km":
        more += " Type more of the name to narrow them."
        assert km(more, n="២៥", text="|").split("|")[0] in html
    else:
        assert "The first 25 matches for “takeo health centre”" in html
    assert queries.count <= 10, queries.statements


def test_one_match_is_chosen_and_saved_with_the_next_post(client, login_as, national):
    login_as(Role.ADMIN)
    client.set_cookie("lang", "en")
    data = {**FORM, "facility_id-q": "២១-HE-០០៧", "facility_id-find": "1"}
    html = client.post("/users/new", data=data).get_data(as_text=True)
    facility = db.session.scalar(sa.select(Facility).where(Facility.code == "21-HE-007"))
    assert f'<option value="{facility.id}" selected>' in html
    assert "One match for “២១-HE-០០៧”: it is chosen in the list." in html
    response = client.post("/users/new", data={**FORM, "facility_id": str(facility.id)})
    assert response.status_code == 302
    assert User.query.filter_by(username=FORM["username"]).one().facility_id == facility.id


def test_enter_elsewhere_with_an_empty_search_box_saves(client, login_as, national):
    # Enter in any text box presses the form's first button, the picker's: nothing searched.
    login_as(Role.ADMIN)
    response = client.post(
        "/users/new", data={**FORM, "facility_id-q": "", "facility_id-find": "1"}
    )
    assert response.status_code == 302


def test_a_facility_not_offered_is_refused(client, login_as, national):
    login_as(Role.ADMIN)
    closed = factories.facility(code="OLD-1", active=False)
    db.session.commit()
    html = client.post("/users/new", data={**FORM, "facility_id": str(closed.id)}).get_data(
        as_text=True
    )
    assert 'id="facility_id-error"' in html
    assert User.query.filter_by(username=FORM["username"]).count() == 0


def test_editing_keeps_a_workplace_since_closed(client, login_as, app):
    login_as(Role.ADMIN)
    closed = factories.facility(code="OLD-1", active=False)
    user = factories.user(username="worked.there", facility_id=closed.id)
    db.session.commit()
    html = client.get(f"/users/{user.id}/edit").get_data(as_text=True)
    assert f'<option value="{closed.id}" selected>' in html
    form = {**FORM, "username": "worked.there", "facility_id": str(closed.id)}
    assert client.post(f"/users/{user.id}/edit", data=form).status_code == 302


def test_a_short_list_is_a_plain_select(client, login_as, app):
    login_as(Role.ADMIN)
    factories.facility(code="TK-HC-1")
    db.session.commit()
    html = client.get("/users/new").get_data(as_text=True)
    assert len(options(html, "facility_id")) == 2 and 'name="facility_id-q"' not in html


def test_the_user_list_filters_by_workplace_found_by_name(client, login_as, national):
    login_as(Role.ADMIN)
    facility = db.session.scalar(sa.select(Facility).where(Facility.code == "21-HE-007"))
    factories.user(username="works.there", facility_id=facility.id)
    factories.user(username="works.elsewhere")
    db.session.commit()
    html = client.get("/users?facility-q=21-HE-007&facility-find=1").get_data(as_text=True)
    assert f'<option value="{facility.id}" selected>' in html
    html = client.get(f"/users?facility={facility.id}").get_data(as_text=True)
    assert "works.there" in html and "works.elsewhere" not in html
    with count_queries() as queries:
        assert client.get(f"/users?facility={facility.id}&facility-q=takeo").status_code == 200
    assert queries.count <= 10, queries.statements
