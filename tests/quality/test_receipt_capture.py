"""A quality domain page sent twice is saved once; the same key with other answers is refused
and what was saved first stays."""

import re

from lms.database import utcnow
from lms.extensions import db
from lms.i18n import local_today
from lms.quality import services
from lms.quality.models import QualityAnswer


def test_a_domain_page_sent_twice_is_saved_once(client, login, tool, hc, round_, assessor):
    a = services.start_assessment(assessor, hc, round_, local_today(), [], utcnow())
    db.session.commit()
    login(assessor)
    client.set_cookie("lang", "en")
    url = f"/quality/assessments/{a.id}/domains/1"
    html = client.get(url).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', html)[1]
    hh = next(
        i for d in services.load_tool(a.tool_id).domains for i in d.indicators if i.code == "HH"
    )
    data = {f"c{hh.id}": "yes", "go": "to-3", "idempotency_key": key}
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert "This was already saved." in client.get(second.headers["Location"]).get_data(True)
    refused = client.post(url, data={**data, f"c{hh.id}": "no"})
    assert refused.status_code == 409
    assert db.session.query(QualityAnswer).filter_by(indicator_id=hh.id).one().choice.value == "yes"
