"""No URL answers 500 to junk: every GET route is walked from `app.url_map`, as every role.

Integer parts of paths get values no row has (the largest a database holds, one past it, zero);
every page without path parameters gets junk in every filter the pages read, all at once. Any
answer of 500, or an exception, fails.
"""

from __future__ import annotations

import pytest

from lms.auth.roles import Role

from . import factories
from .rules import fill_rule

JUNK = ["99999999999999999999", "-1", "bogus", "x" * 300, "%00", "1e9", "២០២៦", "', OR 1=1 --"]
FILTERS = [
    "page",
    "q",
    "role",
    "sex",
    "status",
    "province",
    "district",
    "facility",
    "facility_type",
    "curriculum",
    "cadre",
    "council",
    "expiring",
    "round",
    "tool",
    "type",
    "kind",
    "format",
    "sort",
    "active",
    "day",
    "as_of",
    "serial",
    "family_name",
    "next",
    "instrument",
    "competency",
    "cohort",
]
INT_VALUES = [str(2**31 - 1), str(2**31), str(2**63 - 1), str(2**63), str(2**64 + 5), "0"]
PERSONAS = [None, *Role]


def get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        yield rule


def fill(rule, value: str) -> str:
    """The rule's path with every argument set to `value` (int) or a plain word (others)."""
    return fill_rule(
        rule, lambda converter, _name: {"int": value, "any": None}.get(converter, "junk-value")
    )


def has_int(rule) -> bool:
    return "<int:" in rule.rule


@pytest.fixture
def as_persona(app, client, login):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is counted, not raised

    def become(role):
        client.post("/logout")
        if role is not None:
            login(factories.user(roles=[role]))

    return become


@pytest.mark.parametrize("role", PERSONAS, ids=lambda r: r.value if r else "anonymous")
def test_no_get_route_answers_500_to_ids_no_row_has(app, client, as_persona, role):
    as_persona(role)
    wrong = []
    for rule in get_routes(app):
        if not has_int(rule):
            continue
        for value in INT_VALUES:
            url = fill(rule, value)
            status = client.get(url).status_code
            if status not in (302, 400, 403, 404):
                wrong.append((url, status))
    assert wrong == []


@pytest.mark.parametrize("role", PERSONAS, ids=lambda r: r.value if r else "anonymous")
def test_no_page_answers_500_to_junk_in_its_filters(app, client, as_persona, role):
    as_persona(role)
    wrong = []
    for rule in get_routes(app):
        if rule.arguments:
            continue
        for junk in JUNK:  # every filter at once: one request per junk value and page
            status = client.get(rule.rule, query_string=dict.fromkeys(FILTERS, junk)).status_code
            if status >= 500:
                wrong.append((rule.rule, junk, status))
    assert wrong == []
