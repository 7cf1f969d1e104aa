"""Journey 1: an administrator imports a curriculum file, creates a cohort, and enrols
trainees from a CSV file."""

from __future__ import annotations

import pytest

from .. import clock
from ..curricula import samples
from .conftest import DESKTOP


@pytest.mark.parametrize("language", ["km", "en"])
def test_import_curriculum_create_cohort_enrol(visit, language, tmp_path):
    admin = visit("admin", language, viewport=DESKTOP)
    admin.login("admin")
    files = [
        samples.write(tmp_path, "fw.yaml", samples.framework()),
        samples.write(tmp_path, "cur.yaml", samples.curriculum()),
    ]
    page = admin.go("/curricula/import")
    admin.check("import")
    page.set_input_files("input[type=file]", [str(f) for f in files])
    page.click("main form button.primary")
    assert "TST-CUR" in page.inner_text("main")
    admin.check("imported")
    page = admin.go("/cohorts/new")
    admin.check("cohort-form")  # checking reloads the page: before filling it in
    page.fill("input[name=code]", "TST-E2E-01")
    page.fill("input[name=title_km]", "វគ្គសាកល្បង")
    page.fill("input[name=title_en]", "Test cohort")
    value = page.eval_on_selector(
        "select[name=curriculum_id]",
        "s => [...s.options].find(o => o.text.startsWith('TST-CUR')).value",
    )
    page.select_option("select[name=curriculum_id]", value)
    page.fill("input[name=start_date]", clock.days(2).isoformat())
    page.fill("input[name=end_date]", clock.days(13).isoformat())
    page.fill("input[name=capacity]", "20")
    page.select_option("select[name=status]", "open")
    page.check("input[name=instructor_ids] >> nth=0")
    page.click("main form button.primary")
    assert "TST-E2E-01" in page.inner_text("main")
    page.click("a[href$='/enrolments/import']")
    csv = tmp_path / "trainees.csv"
    csv.write_text("trainee\nchum.sreyleak\npich.sokunthea\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(csv))
    page.click("main form button.primary")
    assert page.wait_for_selector(".flash-success")
    admin.check("enrolled")
    roster = admin.go(page.url.rsplit("/enrolments", 1)[0].replace(admin.base, ""))
    text = roster.inner_text("main")
    names = ("ជុំ", "ពេជ្រ") if language == "km" else ("CHUM", "PICH")
    assert all(name in text for name in names)
    admin.check("roster")
