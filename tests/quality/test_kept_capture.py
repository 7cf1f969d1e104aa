"""A quality domain page posted after the session ended comes back filled in, not saved."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.i18n import local_today
from lms.quality.models import QualityAnswer, QualityAssessment

from .. import clock, factories
from ..conftest import km

KEPT = "Your work was kept: check it and submit again."


def _answers():
    return db.session.scalar(sa.select(sa.func.count()).select_from(QualityAnswer))


@pytest.mark.parametrize("language", ["en", "km"])
def test_a_domain_page_comes_back_filled_in(client, login, tool, hc, round_, assessor, language):
    login(assessor)
    client.set_cookie("lang", language)
    data = {"facility_id": hc.id, "round_id": round_.id, "assessed_on": local_today().isoformat()}
    client.post("/quality/assessments/new", data=data)
    a = db.session.scalar(sa.select(QualityAssessment))
    url = f"/quality/assessments/{a.id}/domains/1"
    ind = {i.code: i for d in tool.domains for i in d.indicators}
    answers = {f"c{ind['WASTE'].id}": "partial", f"n{ind['HH'].id}": "Soap missing in ward 2"}
    before = _answers()
    with clock.later(timedelta(minutes=31)):
        to_login = client.post(url, data=answers, headers={"Origin": "http://localhost"})
        login_url = to_login.headers["Location"]
        creds = {"login": assessor.username, "password": factories.PASSWORD}
        assert client.post(login_url, data=creds).headers["Location"] == url
        html = client.get(url).get_data(as_text=True)
    assert (km(KEPT) if language == "km" else KEPT) in html
    assert "Soap missing in ward 2" in html and 'value="partial" checked' in html
    assert _answers() == before  # nothing saved without the second submit
