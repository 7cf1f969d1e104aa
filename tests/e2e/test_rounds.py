"""Journey: assessment rounds on a phone in Khmer. The demo instructor enrols two more trainees,
walks today's way from one saved record to the next trainee's blank form, then picks an OSCE
station once in circuit mode and assesses three trainees there; the taps and page loads from
each saved record to the next blank form are counted and printed. Then the competency matrix
one trainee and one competency at a time, and its print layout on A4 landscape."""

from __future__ import annotations

from pypdf import PdfReader

from lms.demo import cohort_code

from .. import clock
from .conftest import SHOTS

COHORT = cohort_code(clock.now(), 1)  # the running demo cohort: the demo trainee is in it
NEWCOMERS = ("chum.sreyleak", "pich.sokunthea")  # demo people not yet in a cohort
STATION, OTHER_STATION = "OSCE-ABX", "OSCE-UTERO"
COUNTS: list[tuple[str, int, int]] = []  # (what, taps, page loads)


class Counter:
    """Taps (clicks that ask for another page) and page loads (main-frame navigations)."""

    def __init__(self, page):
        self.page, self.taps, self.loads = page, 0, 0
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.loads += 1

    def reset(self):
        self.taps = self.loads = 0

    def tap(self, target):
        self.taps += 1
        locator = self.page.locator(target) if isinstance(target, str) else target
        with self.page.expect_navigation():
            locator.first.click()


def _mark(page, fail_first_critical: bool = False):
    """Mark every item done (or the first critical one not done) and give a rating."""
    for radio in page.query_selector_all("input[type=radio][value=done]"):
        radio.check()
    if fail_first_critical:
        critical = page.locator("fieldset.att-row", has=page.locator(".badge-bad")).first
        critical.locator("input[value=not_done]").check()
    page.locator("input[name=overall_rating]").last.check()


def _is_blank_form(page) -> bool:
    return (
        page.locator("form[enctype] input[type=radio]").count() > 0
        and page.locator("form[enctype] input[type=radio]:checked").count() == 0
    )


def _report(config):
    """Print the counts at the end of the run (and now, for `-s`)."""

    class Summary:
        def pytest_terminal_summary(self, terminalreporter):
            terminalreporter.section("assess the next trainee: taps and page loads")
            for what, taps, loads in COUNTS:
                terminalreporter.write_line(f"{what:<60} taps {taps:>2}  page loads {loads:>2}")

    if not config.pluginmanager.has_plugin("rounds-counts"):
        config.pluginmanager.register(Summary(), "rounds-counts")


def test_an_examiner_assesses_three_trainees_at_one_osce_station(visit, request):
    _report(request.config)
    teacher = visit("rounds", "km")
    teacher.login("instructor")
    page = teacher.go("/cohorts")
    page.locator("li.card", has_text=COHORT).locator("h2 a").click()
    cohort_url = page.url.replace(teacher.base, "")
    for username in NEWCOMERS:
        page.fill("input[name=trainee]", username)
        page.click("form[action$='/enrolments'] button.primary")
        assert page.wait_for_selector(".flash-success"), page.inner_text("main")[:500]
    count = Counter(page)

    # Before: today's way from a saved record to the next trainee's blank form (the record page
    # links the trainee, whose page links the cohort, whose list links the next trainee, whose
    # plan has "Assess now").
    page.locator("main table a[href^='/enrolments/']").first.click()
    page.locator("li", has_text=OTHER_STATION).locator("a[href$='/checklist']").first.click()
    form = page.url.replace(teacher.base, "").split("/instruments/")[1]  # "<id>/checklist"
    first = page.locator("h1 + p").inner_text()
    _mark(page)
    count.reset()
    count.tap("button[value=submit]")
    assert "/records/" in page.url
    count.tap(page.locator("main a[href^='/enrolments/']"))  # the trainee
    count.tap(page.locator(f"main a[href='{cohort_url}']"))  # their cohort
    count.tap(page.locator("main table a[href^='/enrolments/']").nth(1))  # the next trainee
    count.tap(page.locator(f"main a[href$='/instruments/{form}']"))  # "Assess now"
    assert _is_blank_form(page) and page.locator("h1 + p").inner_text() != first
    COUNTS.append(("before: the links of the pages, record -> next form", count.taps, count.loads))

    # After, without the circuit: the record page offers the next trainee at the station.
    _mark(page)
    count.reset()
    count.tap("button[value=submit]")
    record = page.url.replace(teacher.base, "")
    count.tap("section.next a.button.primary")
    assert _is_blank_form(page)
    COUNTS.append(("after: the record page's 'next trainee'", count.taps, count.loads))
    assert count.loads <= 2
    teacher.go(record)
    teacher.check("record-next")

    # The circuit: the station is chosen once, then one tap per trainee.
    page = teacher.go(cohort_url)
    page.click("a[href$='/rounds']")
    teacher.check("rounds")
    page.locator("li", has_text=STATION).locator("a").first.click()
    assert "circuit=1" in page.url and _is_blank_form(page)
    teacher.check("circuit-form")
    assessed = []
    for n in range(3):
        name = page.locator(".trainee-name").inner_text()
        assessed.append(name)
        _mark(page, fail_first_critical=n == 1)
        count.reset()
        count.tap("button[value=submit]")
        banner = page.locator(".saved").inner_text()
        assert name in banner, banner
        if n == 1:
            assert page.locator(".saved .badge-bad").count() == 1
            assert page.locator(".saved li").count() >= 1  # which critical item was not done
        else:
            assert page.locator(".saved .badge-ok").count() == 1
        if n < 2:
            assert "circuit=1" in page.url and _is_blank_form(page), page.url
            assert page.locator(".trainee-name").inner_text() not in assessed
            what = f"circuit: trainee {n + 1} saved -> trainee {n + 2}'s blank form"
        else:
            assert "/rounds" in page.url  # nobody else waits at the station
            what = "circuit: trainee 3 saved -> the station's page (nobody left)"
        COUNTS.append((what, count.taps, count.loads))
        assert count.taps == 1 and count.loads <= 2, (what, count.taps, count.loads)
    teacher.check("circuit-done")
    assert len(set(assessed)) == 3
    for what, taps, loads in COUNTS:
        print(f"{what}: {taps} taps, {loads} page loads")

    # The matrix on a phone: one trainee, then one competency, chosen with a select.
    page = teacher.go(cohort_url)
    page.click("a[href$='/matrix']")
    page.select_option("select[name=trainee]", index=1)
    page.locator("form:has(select[name=trainee]) button").click()
    assert "trainee=" in page.url
    assert page.locator(".focus-list li").count() > 1
    teacher.check("matrix-trainee")
    page.locator(".focus-list a").first.click()
    assert "/competencies/" in page.url
    teacher.check("evidence")
    page.go_back()
    page.select_option("select[name=competency]", index=0)
    page.locator("form:has(select[name=competency]) button").click()
    assert "competency=" in page.url
    teacher.check("matrix-competency")

    # Print: the whole matrix on one A4 landscape page, without the menu.
    page = teacher.go(cohort_url + "/matrix")
    codes = page.locator("table.matrix thead code").all_inner_texts()
    page.emulate_media(media="print")
    assert page.locator("nav.nav").is_hidden() and page.locator(".view-switch").is_hidden()
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / "rounds-km-matrix-print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    printed = PdfReader(pdf)
    assert len(printed.pages) == 1
    box = printed.pages[0].mediabox
    assert float(box.width) > float(box.height), box  # landscape, as the CSS asks
    text = printed.pages[0].extract_text()
    assert all(code in text for code in codes), (codes, text[:2000])  # no column cut off
    page.pdf(path=str(SHOTS / "rounds-km-matrix-a4.pdf"), format="A4", landscape=True)
    page.emulate_media(media="screen")
