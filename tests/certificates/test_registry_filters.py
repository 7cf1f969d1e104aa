"""The registry's filters are choices: curricula, councils, provinces, a workplace found by
name or code (among the national 1,305), a status; both languages, a fixed number of
queries."""

import pytest
import sqlalchemy as sa

from lms.auth.roles import Role
from lms.certificates import services as certificates
from lms.extensions import db
from lms.orgunits.models import Facility
from lms.users.models import Council

from .. import clock, factories
from ..conftest import count_queries, km
from ..orgunits.national import national_places


def _listed(client, query: str, serial: str) -> bool:
    return f"<code>{serial}</code>" in client.get(f"/certificates?{query}").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_filters_offer_choices_not_codes_to_type(client, login_as, issued, lang):
    login_as(Role.OFFICER)
    client.set_cookie("lang", lang)
    html = client.get("/certificates").get_data(as_text=True)
    assert '<select id="curriculum" name="curriculum"' in html
    assert '<option value="TST-CUR">TST-CUR · ' in html
    assert '<select id="council" name="council"' in html
    assert '<select id="province" name="province"' in html
    assert '<select id="facility" name="facility"' in html
    assert (
        'type="text" id="facility"' not in html
        and 'id="curriculum" name="curriculum" type' not in html
    )
    any_council = km("Any council") if lang == "km" else "Any council"
    assert any_council in html


def test_each_filter_narrows_the_registry(client, login_as, issued):
    login_as(Role.OFFICER)
    serial, holder = issued.serial, issued.holder
    midwives, nurses = _councils("CMWC", "CCN")
    holder.council_id = midwives.id
    holder.facility_id = factories.facility(code="TK-HC-1", province_code="21").id
    db.session.commit()
    assert _listed(client, "curriculum=TST-CUR", serial)
    assert _listed(client, "curriculum=tst-cur", serial)  # a code typed in a link
    assert not _listed(client, "curriculum=OTHER", serial)
    assert _listed(client, f"council={midwives.id}", serial)
    assert not _listed(client, f"council={nurses.id}", serial)
    assert _listed(client, f"facility={holder.facility_id}", serial)
    takeo, phnom_penh = (factories.province(code).id for code in ("21", "12"))
    assert _listed(client, f"province={takeo}", serial)
    assert not _listed(client, f"province={phnom_penh}", serial)
    assert _listed(client, "status=valid", serial) and not _listed(client, "status=revoked", serial)


def _councils(*codes) -> list[Council]:
    return [db.session.scalar(sa.select(Council).where(Council.code == c)) for c in codes]


def test_the_council_filter_in_the_service(app, issued):
    midwives, nurses = _councils("CMWC", "CCN")
    issued.holder.council_id = midwives.id
    db.session.commit()

    def found(council):
        filters = certificates.RegistryFilters(council=council)
        return list(db.session.scalars(certificates.registry_query(filters, clock.today())))

    assert found(midwives.id) == [issued] and found(nurses.id) == []


def test_junk_in_the_filters_filters_nothing(client, login_as, issued):
    login_as(Role.OFFICER)
    for query in ("council=bogus", "facility=99999999999999999999", "province=-1", "status=x"):
        response = client.get(f"/certificates?{query}")
        assert response.status_code == 200 and f"<code>{issued.serial}</code>" in response.get_data(
            as_text=True
        ), query


def test_the_workplace_is_found_by_name_among_1305(client, login_as, issued):
    national_places()
    login_as(Role.OFFICER)
    client.set_cookie("lang", "en")
    client.get("/certificates")
    with count_queries() as plain:
        response = client.get("/certificates")
    assert len(response.data) < 30_000
    facility = db.session.scalar(sa.select(Facility).where(Facility.code == "21-HE-007"))
    with count_queries() as searched:
        html = client.get("/certificates?facility-q=២១-HE-០០៧&facility-find=1").get_data(
            as_text=True
        )
    assert f'<option value="{facility.id}" selected>' in html
    assert searched.count <= plain.count + 1, searched.statements
    assert plain.count <= 14, plain.statements
