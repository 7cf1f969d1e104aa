"""Every route × every role: the access table, built from `app.url_map`.

Each route (its URL rule) declares what each person gets, in the columns of `COLUMNS`:
anonymous, then the demo persona of each role. For a GET and for a POST (an empty form, as a curious person would
send it) one letter per column:

- `L` a redirect to the login page;
- `F` 403 (the role may not);
- `N` 404 (the role may, but not this object, or nothing is there);
- `O` let through (GET: 200; POST: anything but the four refusals, e.g. a form error or a
  redirect after the act);
- `R` a redirect elsewhere (e.g. the login page for someone logged in).

`-` means the route does not answer that method. A route with no line here fails the test, with
the line it would need printed for review.

The world is the demo dataset (tests/access_world.py): each persona opens the objects they
would naturally open (their own cohort, enrolment and facility). GETs run first, then POSTs,
role by role with the administrator last, in one fixed order, so the table reads the same on
every run; a POST that acts could change what the next role finds (consequential acts ask first:
an empty POST gets the question page, and acts on nothing).
"""

# ruff: noqa: E501 (the table's URL rules are as long as they are)

from __future__ import annotations

import pytest

from lms import demo
from lms.auth.roles import Role

from . import clock
from .access_world import PERSONAS, load_world, url_for_rule

COLUMNS = list(PERSONAS)  # anonymous, trainee, instructor, officer, assessor, admin
# Endpoints left out: logging out would end the persona's session mid-table.
SKIPPED = {"static", "auth.logout"}

# fmt: off
# URL rule: (GET, POST); columns: anonymous, trainee, instructor, officer, assessor, admin
TABLE = {
    "/": ("LOOOOO", "-"),
    "/<any(facilities, districts):kind>/import": ("LFFFFO", "LFFFFO"),
    "/account": ("LOOOOO", "-"),
    "/account/password": ("LOOOOO", "LOOOOO"),
    "/cadres": ("LFFFFO", "-"),
    "/cadres/<int:cadre_id>/edit": ("LFFFFO", "LFFFFO"),
    "/cadres/new": ("LFFFFO", "LFFFFO"),
    "/certificates": ("LFFOFO", "-"),
    "/certificates/<int:certificate_id>": ("LFFOFO", "-"),
    "/certificates/<int:certificate_id>/<any(pdf, pdfa):variant>": ("LFFOFO", "-"),
    "/certificates/<int:certificate_id>/reissue": ("-", "LFFOFO"),
    "/certificates/<int:certificate_id>/renew": ("-", "LFFOFO"),
    "/certificates/<int:certificate_id>/revoke": ("-", "LFFOFO"),
    "/certificates/cohorts/<int:cohort_id>": ("LFFOFO", "-"),
    "/certificates/cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>/issue": ("-", "LFFOFO"),
    "/certificates/cohorts/<int:cohort_id>/issue": ("-", "LFFOFO"),
    "/certificates/reviews": ("LFFOFO", "-"),
    "/certificates/reviews/<int:review_id>": ("-", "LFFOFO"),
    "/certificates/settings": ("LFFFFO", "LFFFFO"),
    "/cohorts": ("LOOOFO", "-"),
    "/cohorts/<int:cohort_id>": ("LOOOFO", "-"),
    "/cohorts/<int:cohort_id>/edit": ("LFFFFO", "LFFFFO"),
    "/cohorts/<int:cohort_id>/enrolments": ("-", "LFOFFO"),
    "/cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>/<any(accept, refuse, withdraw, reinstate):action>": ("-", "LFOFFO"),
    "/cohorts/<int:cohort_id>/enrolments/import": ("LFOFFO", "LFOFFO"),
    "/cohorts/<int:cohort_id>/enrolments/template.csv": ("LFOFFO", "-"),
    "/cohorts/<int:cohort_id>/join": ("-", "LOFFFF"),
    "/cohorts/<int:cohort_id>/materials/<int:material_id>": ("LRRRFR", "-"),
    "/cohorts/<int:cohort_id>/materials/<int:material_id>/delete": ("-", "LFOFFO"),
    "/cohorts/<int:cohort_id>/materials/new": ("LFOFFO", "LFOFFO"),
    "/cohorts/<int:cohort_id>/matrix": ("LFOOFO", "-"),
    "/cohorts/<int:cohort_id>/queue": ("LFOFFO", "-"),
    "/cohorts/<int:cohort_id>/rounds": ("LFOFFO", "-"),
    "/cohorts/<int:cohort_id>/sessions/<int:session_id>/attendance": ("LFOFFO", "LFOFFO"),
    "/cohorts/<int:cohort_id>/sessions/new": ("LFOFFO", "LFOFFO"),
    "/cohorts/new": ("LFFFFO", "LFFFFO"),
    "/councils": ("LFFFFO", "-"),
    "/councils/<int:council_id>/edit": ("LFFFFO", "LFFFFO"),
    "/curricula": ("LOOOOO", "-"),
    "/curricula/<int:curriculum_id>": ("LOOOOO", "-"),
    "/curricula/<int:curriculum_id>/<any(modules, instruments):part>/<int:index>/<any(delete, up, down):action>": ("-", "LFFFFO"),
    "/curricula/<int:curriculum_id>/download/yaml": ("LFOOFO", "-"),
    "/curricula/<int:curriculum_id>/edit": ("LFFFFR", "LFFFFO"),
    "/curricula/<int:curriculum_id>/instruments/<int:index>/<any(items, questions, 'case-types'):part>/<int:number>/delete": ("-", "LFFFFO"),
    "/curricula/<int:curriculum_id>/instruments/<int:index>/<any(items, questions, 'case-types'):part>/<int:number>/edit": ("LFFFFR", "LFFFFO"),
    "/curricula/<int:curriculum_id>/instruments/<int:index>/<any(items, questions, 'case-types'):part>/new": ("LFFFFR", "LFFFFO"),
    "/curricula/<int:curriculum_id>/instruments/<int:index>/edit": ("LFFFFR", "LFFFFO"),
    "/curricula/<int:curriculum_id>/instruments/new": ("LFFFFR", "LFFFFO"),
    "/curricula/<int:curriculum_id>/modules/<int:index>/edit": ("LFFFFR", "LFFFFO"),
    "/curricula/<int:curriculum_id>/modules/new": ("LFFFFR", "LFFFFO"),
    "/curricula/<int:curriculum_id>/publish": ("-", "LFFFFO"),
    "/curricula/<int:curriculum_id>/retire": ("-", "LFFFFO"),
    "/curricula/<int:curriculum_id>/versions": ("-", "LFFFFO"),
    "/curricula/import": ("LFFFFO", "LFFFFO"),
    "/districts": ("LFFOOO", "-"),
    "/districts/<int:district_id>/edit": ("LFFFFO", "LFFFFO"),
    "/districts/new": ("LFFFFO", "LFFFFO"),
    "/enrolments/<int:enrolment_id>": ("LOOOFO", "-"),
    "/enrolments/<int:enrolment_id>/competencies/<int:competency_id>": ("LOOOFO", "-"),
    "/enrolments/<int:enrolment_id>/competencies/<int:competency_id>/panel": ("LFOFFO", "LFOFFO"),
    "/enrolments/<int:enrolment_id>/instruments/<int:instrument_id>/checklist": ("LFOFFO", "LFOFFO"),
    "/enrolments/<int:enrolment_id>/instruments/<int:instrument_id>/paper": ("LFOFFO", "LFOFFO"),
    "/enrolments/<int:enrolment_id>/logbook/<int:instrument_id>": ("LOFFFF", "LOFFFF"),
    "/enrolments/<int:enrolment_id>/tests/<int:instrument_id>": ("LOFFFF", "LNFFFF"),
    "/facilities": ("LFFOOO", "-"),
    "/facilities/<int:facility_id>/edit": ("LFFFFO", "LFFFFO"),
    "/facilities/new": ("LFFFFO", "LFFFFO"),
    "/frameworks": ("LOOOOO", "-"),
    "/frameworks/<int:framework_id>": ("LOOOOO", "-"),
    "/frameworks/<int:framework_id>/competencies/<int:competency_id>/delete": ("-", "LFFFFO"),
    "/frameworks/<int:framework_id>/competencies/<int:competency_id>/edit": ("LFFFFO", "LFFFFO"),
    "/frameworks/<int:framework_id>/competencies/<int:competency_id>/move": ("-", "LFFFFO"),
    "/frameworks/<int:framework_id>/competencies/new": ("LFFFFO", "LFFFFO"),
    "/frameworks/<int:framework_id>/diff": ("LOOOOO", "-"),
    "/frameworks/<int:framework_id>/download/<any(yaml, moodle, case):fmt>": ("LOOOOO", "-"),
    "/frameworks/<int:framework_id>/edit": ("LFFFFR", "LFFFFO"),
    "/frameworks/<int:framework_id>/publish": ("-", "LFFFFO"),
    "/frameworks/<int:framework_id>/retire": ("-", "LFFFFO"),
    "/frameworks/<int:framework_id>/versions": ("-", "LFFFFO"),
    "/health": ("OOOOOO", "-"),
    "/language": ("-", "OOOOOO"),
    "/logbook/<int:entry_id>/<any(verify, reject):action>": ("-", "LFOFFO"),
    "/login": ("ORRRRR", "OOOOOO"),
    "/my/certificates": ("LOFFFF", "-"),
    "/my/progress": ("LOFFFF", "-"),
    "/panel-decisions/<int:decision_id>/confirm": ("-", "LFOFFO"),
    "/provinces": ("LFFOOO", "-"),
    "/quality/": ("LFRROO", "-"),
    "/quality/actions/<int:action_id>": ("-", "LFFFOO"),
    "/quality/assessments/<int:assessment_id>": ("LFFFOO", "-"),
    "/quality/assessments/<int:assessment_id>/actions": ("LFFFOO", "LFFFOO"),
    "/quality/assessments/<int:assessment_id>/correct": ("-", "LFFFOO"),
    "/quality/assessments/<int:assessment_id>/domains/<int:number>": ("LFFFOO", "LFFFOO"),
    "/quality/assessments/<int:assessment_id>/return": ("-", "LFFFOO"),
    "/quality/assessments/<int:assessment_id>/submit": ("-", "LFFFOO"),
    "/quality/assessments/<int:assessment_id>/validate": ("-", "LFFFFO"),
    "/quality/assessments/new": ("LFFFOO", "LFFFOO"),
    "/quality/assessors": ("LFFFFO", "-"),
    "/quality/assessors/<int:user_id>": ("LFFFFO", "LFFFFO"),
    "/quality/facilities/<int:facility_id>": ("LFOOOO", "-"),
    "/quality/facilities/<int:facility_id>/training-needs": ("LFOOOO", "-"),
    "/quality/facilities/<int:facility_id>/training-needs/enrol": ("-", "LFOFFO"),
    "/quality/league": ("LFOOOO", "-"),
    "/quality/league.csv": ("LFOOOO", "-"),
    "/quality/rounds": ("LFFFOO", "LFFFFO"),
    "/quality/tools": ("LFOOOO", "-"),
    "/quality/tools/<int:tool_id>": ("LFOOOO", "-"),
    "/records/<int:record_id>": ("LFOOFO", "-"),
    "/records/<int:record_id>/correct": ("LFOFFO", "LFOFFO"),
    "/records/<int:record_id>/photo": ("LFNNFN", "-"),
    "/records/<int:record_id>/submit": ("-", "LFOFFO"),
    "/records/<int:record_id>/verify": ("-", "LFOFFO"),
    "/users": ("LFFFFO", "-"),
    "/users/<int:user_id>": ("LFFFFO", "-"),
    "/users/<int:user_id>/active": ("-", "LFFFFO"),
    "/users/<int:user_id>/edit": ("LFFFFO", "LFFFFO"),
    "/users/<int:user_id>/login-delays/clear": ("-", "LFFFFO"),
    "/users/<int:user_id>/password-reset": ("-", "LFFFFO"),
    "/users/<int:user_id>/temporary-password": ("LFFFFO", "-"),
    "/users/handouts/<token>": ("LFFFFN", "-"),
    "/users/handouts/<token>/handed-out": ("-", "LFFFFN"),
    "/users/handouts/<token>/passwords.csv": ("-", "LFFFFN"),
    "/users/handouts/<token>/reset": ("-", "LFFFFN"),
    "/users/handouts/<token>/slips": ("-", "LFFFFN"),
    "/users/import": ("LFFFFO", "LFFFFO"),
    "/users/import/template.csv": ("LFFFFO", "-"),
    "/users/new": ("LFFFFO", "LFFFFO"),
    "/verify": ("OOOOOO", "-"),
    "/verify/<code>": ("OOOOOO", "-"),
    "/verify/<code>.json": ("OOOOOO", "-"),
}
# fmt: on

REFUSALS = {403: "F", 404: "N"}


def letter(response, method: str) -> str:
    """The table's letter for a response."""
    status = response.status_code
    if status in REFUSALS:
        return REFUSALS[status]
    if status in (301, 302, 303):
        to_login = response.headers["Location"].startswith("/login")
        if to_login:
            return "L"
        return "O" if method == "POST" else "R"
    if method == "GET":
        return "O" if status == 200 else f"<{status}>"
    return "O" if status < 500 else f"<{status}>"


def rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in SKIPPED:
            yield rule


def become(client, role):
    """Log out, then in as the demo persona of `role` (None: stay anonymous)."""
    client.post("/logout")
    if role is None:
        return
    username = PERSONAS[role]
    password = next(a[1] for a in demo.ACCOUNTS if a[0] == username)
    response = client.post("/login", data={"login": username, "password": password})
    assert response.status_code == 302, f"the demo {username} cannot log in"


def observe(app, client, world) -> dict[str, list[list[str]]]:
    """What each persona gets at each URL rule: {rule: [GET letters, POST letters]}."""
    seen: dict[str, list[list[str]]] = {}
    for method in ("GET", "POST"):
        for role in COLUMNS:
            become(client, role)
            for rule in sorted(rules(app), key=lambda r: r.rule):
                row = seen.setdefault(rule.rule, [[], []])
                index = 0 if method == "GET" else 1
                if method not in rule.methods:
                    continue
                url = url_for_rule(rule, world)
                response = client.open(url, method=method, data={} if method == "POST" else None)
                row[index].append(letter(response, method))
    return seen


def as_line(path, row) -> str:
    get, post = ("".join(letters) or "-" for letters in row)
    return f'    "{path}": ("{get}", "{post}"),'


@pytest.fixture
def world(app, today):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is a letter in the table, not a crash
    return load_world(clock.now())


def test_every_route_has_a_line(app):
    endpoints = {rule.rule for rule in rules(app)}
    missing = sorted(endpoints - set(TABLE))
    gone = sorted(set(TABLE) - endpoints)
    assert missing == [], f"routes with no line in TABLE: {missing}"
    assert gone == [], f"lines in TABLE for routes that are gone: {gone}"


def test_every_role_gets_what_the_table_says(app, client, world):
    seen = observe(app, client, world)
    wrong = [
        as_line(path, row)
        for path, row in sorted(seen.items())
        if tuple("".join(letters) or "-" for letters in row) != TABLE.get(path)
    ]
    header = "    # columns: " + ", ".join(r.value if r else "anonymous" for r in COLUMNS)
    assert wrong == [], "\n".join(["these lines differ (observed):", header, *wrong])


def test_the_columns_are_every_role():
    assert set(COLUMNS) == {None, *Role}
