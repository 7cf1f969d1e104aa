"""Journey: an administrator on a phone, in Khmer, imports facilities (the result links to
them), picks a workplace by searching among them without JavaScript, imports accounts and
prints their temporary password slips once; a reload says the slips were shown."""

from __future__ import annotations

import pytest

from .conftest import PHONE

FACILITIES = "code,name_km,name_en,type,province_code\n" + "".join(
    f"TK-HC-{n:02d},មណ្ឌលសុខភាពតាកែវ {n},Takeo Health Centre {n},health_centre,21\n"
    for n in range(40)
)
ACCOUNTS = (
    "username,family_name_km,given_name_km,family_name_en,given_name_en,sex,facility\n"
    "sok.dara,សុខ,ដារា,SOK,Dara,female,TK-HC-07\n"
    "keo.sreymom,កែវ,ស្រីមុំ,KEO,Sreymom,female,\n"
)


def _upload(page, name: str, text: str) -> None:
    page.set_input_files(
        "input[type=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.click("main form button.primary")


@pytest.mark.parametrize("language", ["km"])
def test_pick_a_workplace_import_accounts_print_the_slips_once(visit, language):
    admin = visit("handouts", language, viewport=PHONE)
    admin.login("admin")
    page = admin.go("/facilities/import")
    _upload(page, "facilities.csv", FACILITIES)
    assert page.locator("main a[href$='/edit'] code").count() == 20
    admin.check("facilities-imported")

    # The picker, without JavaScript: type part of the code, press Enter, one match is chosen.
    plain = visit("handouts-nojs", language, viewport=PHONE, javascript=False)
    plain.login("admin")
    form = plain.go("/users/new")
    assert form.locator("select[name=facility_id] option").count() == 1  # nothing listed yet
    form.fill("input[name=username]", "chan.vuthy")
    form.fill("input[name=facility_id-q]", "TK-HC-០៧")
    form.press("input[name=facility_id-q]", "Enter")
    assert form.input_value("input[name=username]") == "chan.vuthy"  # kept
    chosen = form.eval_on_selector("select[name=facility_id]", "s => s.selectedOptions[0].text")
    assert chosen.endswith("TK-HC-07")
    plain.check("picker-one-match")
    page = admin.go("/users/new")
    page.fill("input[name=facility_id-q]", "តាកែវ")
    page.press("input[name=facility_id-q]", "Enter")
    assert page.locator("select[name=facility_id] option").count() == 26  # the first 25
    admin.check("picker-matches")

    # Accounts: the result links them; the slips once.
    page = admin.go("/users/import")
    _upload(page, "accounts.csv", ACCOUNTS)
    assert "/users/handouts/" in page.url
    handout = page.url.replace(admin.base, "")
    assert page.locator("main ul.links a[href^='/users/']").count() == 2
    admin.check("handout")
    page.click("form[action$='/slips'] button")
    assert page.locator(".slip .secret").count() == 2
    assert not admin._axe()  # the slips page answers a post: weighed by reloading, it is gone
    page.screenshot(path=str(admin_shot(admin, "slips")), full_page=True)
    page.reload()
    assert page.locator(".slip .secret").count() == 0
    page = admin.go(handout)
    assert page.locator("form[action$='/passwords.csv'] button").count() == 1
    admin.check("handout-after-slips")


def admin_shot(visit, name: str):
    from .conftest import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{visit.journey}-{visit.language}-{name}.png"
