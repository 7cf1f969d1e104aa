"""Rounds named as readers say them (quarters, months), the round open today preselected, the
scorecard folded by domain, domain names instead of codes, and no Latin digit on Khmer pages."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import khmer_digits, local_today
from lms.quality import services
from lms.quality.models import AssessmentRound, QualityAnswer
from lms.quality.periods import Period, quarter_of
from lms.users.models import User

from .. import factories
from ..conftest import count_queries, csrf_token, km
from ..visible_digits import latin_numbers
from .conftest import assess, plan_action


def test_quarters_are_found_by_their_dates():
    assert quarter_of(date(2041, 1, 1), date(2041, 3, 31)) == 1
    assert quarter_of(date(2041, 4, 1), date(2041, 6, 30)) == 2
    assert quarter_of(date(2041, 10, 1), date(2041, 12, 31)) == 4
    assert quarter_of(date(2041, 4, 1), date(2041, 6, 29)) is None
    assert quarter_of(date(2041, 2, 1), date(2041, 4, 30)) is None
    made = services.quarters(date(2041, 2, 10), 2)  # the rounds the demo creates
    assert [quarter_of(r.starts_on, r.ends_on) for r in made] == [4, 1]
    assert [(r.code, r.title_km, r.title_en) for r in made] == [
        ("2040-Q4", "ត្រីមាសទី៤ ឆ្នាំ២០៤០", "Q4 2040"),
        ("2041-Q1", "ត្រីមាសទី១ ឆ្នាំ២០៤១", "Q1 2041"),
    ]


@pytest.mark.parametrize(
    ("first", "last", "en", "km_label", "en_lines", "km_lines"),
    [
        (
            date(2041, 4, 1),
            date(2041, 6, 30),
            "Q2 2041",
            "ត្រីមាសទី២ ឆ្នាំ២០៤១",
            ("Q2", "2041"),
            ("ត្រីមាសទី២", "២០៤១"),
        ),
        (
            date(2041, 1, 1),
            date(2041, 6, 30),
            "Jan–Jun 2041",
            "មករា–មិថុនា ២០៤១",
            ("Jan–Jun", "2041"),
            ("មករា–មិថុនា", "២០៤១"),
        ),
        (
            date(2041, 11, 15),
            date(2042, 2, 14),
            "Nov–Feb 2041–2042",
            "វិច្ឆិកា–កុម្ភៈ ២០៤១–២០៤២",
            ("Nov–Feb", "2041–2042"),
            ("វិច្ឆិកា–កុម្ភៈ", "២០៤១–២០៤២"),
        ),
        (date(2041, 3, 2), date(2041, 3, 20), "Mar 2041", "មីនា ២០៤១", ("Mar", "2041"), None),
    ],
)
def test_period_labels_in_both_languages(app, first, last, en, km_label, en_lines, km_lines):
    period = Period(first, last)
    with app.test_request_context("/"):
        with force_locale("en"):
            assert (period.label, period.lines) == (en, en_lines)
        with force_locale("km"):
            assert period.label == km_label
            assert km_lines is None or period.lines == km_lines
            assert not re.search(r"[0-9]", period.label)


def _round(code, first, last):
    return AssessmentRound(code=code, title_km=code, title_en=code, starts_on=first, ends_on=last)


def test_the_current_round_is_the_one_open_on_cambodias_day():
    past = _round("P", date(2041, 1, 1), date(2041, 3, 31))
    current = _round("C", date(2041, 4, 1), date(2041, 6, 30))
    future = _round("F", date(2041, 7, 1), date(2041, 9, 30))
    rounds = [past, current, future]
    assert services.current_round(rounds, datetime(2041, 5, 10, 3)) is current
    # 30 June, 17:30 UTC is already 1 July in Phnom Penh (UTC+7): the next round is open.
    assert services.current_round(rounds, datetime(2041, 6, 30, 17, 30)) is future
    assert services.current_round(rounds, datetime(2041, 6, 30, 16, 30)) is current
    # Overlapping rounds: the one that started last; between rounds: the latest started.
    extra = _round("X", date(2041, 5, 1), date(2041, 5, 31))
    assert services.current_round([past, current, extra], datetime(2041, 5, 10)) is extra
    assert services.current_round([past, future], datetime(2041, 5, 10)) is past
    assert services.current_round([future], datetime(2041, 5, 10)) is None
    assert services.current_round([], datetime(2041, 5, 10)) is None


def _selected(html: str, select_id: str) -> str | None:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    chosen = re.search(r'<option[^>]*\bselected\b[^>]*value="([^"]*)"', select.group(1))
    chosen = chosen or re.search(r'<option[^>]*value="([^"]*)"[^>]*\bselected\b', select.group(1))
    return chosen.group(1) if chosen else None


def _rounds_around_today():
    today = local_today()
    made = []
    for code, first, last in (
        ("R-PAST", today - timedelta(days=120), today - timedelta(days=31)),
        ("R-NEXT", today + timedelta(days=31), today + timedelta(days=120)),
    ):
        data = services.RoundData(code, code, code, first, last)
        made.append(services.save_round(None, data, utcnow()))
    db.session.commit()
    return made


@pytest.mark.parametrize("lang", ["en", "km"])
def test_a_new_assessment_preselects_the_round_open_today(
    client, login, tool, hc, round_, assessor, lang
):
    _rounds_around_today()
    login(assessor)
    client.set_cookie("lang", lang)
    html = client.get(f"/quality/assessments/new?facility={hc.id}").get_data(as_text=True)
    assert _selected(html, "round_id") == str(round_.id)
    assert _selected(html, "facility_id") == str(hc.id)


@pytest.mark.parametrize("lang", ["en", "km"])
def test_scorecard_folds_indicators_by_domain_in_both_languages(
    client, login, tool, hc, round_, assessor, validator, lang
):
    a = assess(assessor, validator, hc, round_, failing=("HH", "WASTE", "O-PPH"))
    action = plan_action(assessor, a)
    db.session.commit()
    _rounds_around_today()
    login(assessor)
    client.set_cookie("lang", lang)
    html = client.get(f"/quality/facilities/{hc.id}").get_data(as_text=True)
    t = (lambda s, **v: km(s, **v)) if lang == "km" else (lambda s, **v: s % v if v else s)
    folds = re.findall(r'<details class="card fold">\s*<summary>(.*?)</summary>', html, re.S)
    assert len(folds) == 3  # IPC, MNC, WF: every one folded (no `open`)
    ipc, mnc, _wf = folds
    title = "ការបង្ការការចម្លងរោគ" if lang == "km" else "Infection prevention"
    assert title in ipc and t("%(n)s not met", n=2) in ipc and t("%(n)s critical", n=1) in ipc
    assert t("%(n)s not met", n=1) in mnc
    assert t("Met or not counted (%(n)s)", n=1) in html  # the rest of IPC, folded inside
    assert t("Indicators by domain") in html
    # The action's review preselects the round open today; rounds read as periods.
    assert _selected(html, f"r{action.id}") == str(round_.id)
    assert ">R-PAST<" not in html and ">R-NOW<" not in html


def test_scorecard_queries_do_not_grow_with_rounds_domains_and_actions(
    client, login, tool, hc, round_, assessor, validator
):
    a = assess(assessor, validator, hc, round_)
    login(assessor)
    url = f"/quality/facilities/{hc.id}"

    def count():
        db.session.expire_all()
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return q.count

    small = count()
    for past in _rounds_around_today()[:1]:
        assess(assessor, validator, hc, past, day=past.starts_on, failing=("HH", "O-PPH"))
    plan_action(assessor, a)
    plan_action(assessor, a)
    db.session.commit()
    assert count() == small


@pytest.mark.parametrize("lang", ["en", "km"])
def test_capture_names_the_domains_and_going_to_one_saves(
    client, login, tool, hc, round_, assessor, lang
):
    a = services.start_assessment(assessor, hc, round_, local_today(), [], utcnow())
    db.session.commit()
    login(assessor)
    client.set_cookie("lang", lang)
    url = f"/quality/assessments/{a.id}/domains/1"
    html = client.get(url).get_data(as_text=True)
    nav = html[html.index('<nav class="card domain-list"') :]
    names = ("ការបង្ការការចម្លងរោគ", "មាតា និងទារក", "បុគ្គលិក")
    if lang == "en":
        names = ("Infection prevention", "Maternal care", "Workforce")
    assert all(name in nav for name in names)
    assert not re.search(r">\s*(IPC|MNC|WF)\s*<", nav)  # no codes for names
    tool_ = services.load_tool(a.tool_id)
    hh = next(i for d in tool_.domains for i in d.indicators if i.code == "HH")
    response = client.post(
        url, data={"csrf_token": csrf_token(html), f"c{hh.id}": "yes", "go": "to-3"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/quality/assessments/{a.id}/domains/3")
    assert db.session.query(QualityAnswer).filter_by(indicator_id=hh.id).one().choice.value == "yes"
    for junk in ("to-9", "to-x", "to-"):
        response = client.post(url, data={"csrf_token": csrf_token(html), "go": junk})
        assert response.headers["Location"].endswith(url)


def test_quality_pages_in_khmer_show_no_latin_digits(
    client, login_as, tool, hc, round_, assessor, validator, cohort
):
    factories.user(facility_id=hc.id, cadre_id=factories.cadre().id)
    # An earlier quarter (code `2026-Q2` and the like), so that the trend has two rounds.
    quarter = services.quarters(local_today() - timedelta(days=200), 1)[0]
    earlier = services.save_round(None, quarter, utcnow())
    assess(assessor, validator, hc, earlier, day=earlier.starts_on, failing=("HH",))
    a = assess(assessor, validator, hc, round_, failing=("HH", "O-PPH"))
    plan_action(assessor, a)
    other = factories.facility(code="HC-B", province_code="21")
    draft = services.start_assessment(assessor, other, round_, local_today(), [], utcnow())
    login_as(Role.ADMIN)
    # The factories number the names they make up; a Khmer name would carry Khmer digits.
    for person in db.session.scalars(sa.select(User)):
        person.given_name_km = khmer_digits(person.given_name_km)
    for place in (hc, other):
        place.name_km = khmer_digits(place.name_km)
    db.session.commit()
    client.set_cookie("lang", "km")
    pages = [
        "/quality/",
        "/quality/league",
        f"/quality/league?province={hc.province_id}",
        "/quality/tools",
        f"/quality/tools/{tool.id}",
        "/quality/rounds",
        "/quality/assessments/new",
        "/quality/assessors",
        f"/quality/facilities/{hc.id}",
        f"/quality/facilities/{hc.id}/training-needs",
        f"/quality/assessments/{a.id}",
        f"/quality/assessments/{a.id}/domains/1",
        f"/quality/assessments/{a.id}/actions",
        f"/quality/assessments/{draft.id}",
        f"/quality/assessments/{draft.id}/domains/2",
    ]
    # The example of a round code to type (codes are typed and kept in Latin digits).
    allowed = {"/quality/rounds": ("2026-Q4",)}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="km"' in response.get_data(as_text=True)
        assert latin_numbers(response.get_data(as_text=True), allowed.get(url, ())) == [], url
