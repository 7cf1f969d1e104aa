"""Finding a facility among the national 1,305 by what people type: part of a name in either
script, or a code, digits in either script; a short answer, in one query."""

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.forms import ListFinder
from lms.orgunits import services
from lms.orgunits.forms import FacilityFinder
from lms.orgunits.models import Facility, Province

from .. import factories
from ..conftest import count_queries
from .national import NATIONAL_FACILITIES, national_places


@pytest.fixture
def national(app):
    national_places()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Facility)) == 1305


def codes(text, limit=50, within=None):
    return [f.code for f in services.find_facilities(text, limit, within)]


def test_names_are_found_in_either_script(national):
    takeo = db.session.scalar(sa.select(Province).where(Province.code == "21"))
    in_english = codes("takeo health centre", 500)
    in_khmer = codes(f"មណ្ឌលសុខភាព{takeo.name_km}", 500)
    assert in_english and sorted(in_english) == sorted(in_khmer)
    assert all(code.startswith("21-HE-") for code in in_english)


def test_codes_are_found_with_khmer_or_latin_digits_spaces_and_dashes(national):
    facility = db.session.scalar(sa.select(Facility).where(Facility.code == "21-HE-007"))
    assert facility is not None
    for typed in ("21-HE-007", "២១-HE-០០៧", "21-he-007", "២១ – HE – ០០៧"):
        assert codes(typed)[0] == "21-HE-007", typed


def test_a_digit_in_a_name_matches_in_either_script(national):
    facility = db.session.scalar(sa.select(Facility).where(Facility.code == "21-HE-007"))
    number = facility.name_en.rsplit(" ", 1)[1]  # "Takeo Health Centre 7": its number
    khmer_name = facility.name_km  # "មណ្ឌលសុខភាពតាកែវ ៧"
    assert khmer_name.endswith(" ៧") and number == "7"
    assert "21-HE-007" in codes(f"{khmer_name[:-2]} 7")
    assert "21-HE-007" in codes("Takeo Health Centre ៧")


def test_the_answer_is_short_and_says_when_more_matched(national):
    assert len(codes("", 25)) == 25
    found = FacilityFinder().find("health centre", 25)
    assert len(found.choices) == 25 and found.more
    one = FacilityFinder().find("21-HE-007", 25)
    assert one.choices[0][1].endswith("· 21-HE-007")
    assert not FacilityFinder().find("no such place", 25).choices


def test_like_wildcards_typed_are_taken_as_they_are(national):
    assert codes("%") == [] and codes("_") == []


def test_within_and_keep_bound_what_is_offered(national):
    takeo = db.session.scalar(sa.select(Province).where(Province.code == "21"))
    within = sa.select(Facility).where(Facility.province_id == takeo.id)
    assert all(c.startswith("21-") for c in codes("health", 100, within))
    outside = db.session.scalar(sa.select(Facility).where(Facility.code == "12-NA-015"))
    finder = FacilityFinder(within=within)
    assert finder.labels([outside.id]) == {}
    kept = FacilityFinder(within=within, keep=outside.id).labels([outside.id])
    assert kept[outside.id].endswith("12-NA-015")


def test_inactive_facilities_are_not_offered_unless_already_chosen(app):
    closed = factories.facility(code="OLD-1", active=False)
    db.session.commit()
    assert codes("OLD-1") == []
    assert FacilityFinder().labels([closed.id]) == {}
    assert FacilityFinder(keep=closed.id).labels([closed.id])[closed.id].endswith("OLD-1")


@pytest.mark.parametrize("text", ["", "health", "២១-HE-០០៧", "តាកែវ ១"])
def test_one_query_whatever_is_typed(national, text):
    with count_queries() as queries:
        FacilityFinder().find(text, 25)
    assert queries.count == 1


def test_the_facility_list_search_reads_digits_in_either_script(national):
    stmt = services.facility_query("២១-HE-០០៧")
    assert [f.code for f in db.session.scalars(stmt)] == ["21-HE-007"]
    assert NATIONAL_FACILITIES == 1305


def test_a_short_list_is_searched_in_memory():
    finder = ListFinder([(1, "BEMONC v1 Basic emergency care"), (2, "IPC v2 ការបង្ការ")])
    assert finder.find("bemonc", 10).choices == [(1, "BEMONC v1 Basic emergency care")]
    assert finder.find("v២", 10).choices == [(2, "IPC v2 ការបង្ការ")]
    assert finder.find("", 1).more and finder.labels([2, 3]) == {2: "IPC v2 ការបង្ការ"}


def test_a_name_ending_with_the_text_comes_first(national):
    # "Takeo 1" is number 1, before 10 to 19 and every code holding a 1.
    assert codes("តាកែវ ១")[0] == "21-PR-001"
    assert codes("Takeo 1")[0] == "21-PR-001"
