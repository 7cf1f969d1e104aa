"""Journey 3: an accreditation officer sees eligibility, bulk-issues, downloads a PDF (read back:
serial present, fonts embedded), opens the verification link, revokes one certificate, and the
public page shows it revoked."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from lms.demo import cohort_code

from .. import clock
from .conftest import DESKTOP, PHONE


@pytest.mark.parametrize("language", ["km", "en"])
def test_issue_download_verify_revoke(visit, language):
    officer = visit("certificates", language, viewport=DESKTOP)
    officer.login("officer")
    page = officer.go("/cohorts")
    page.locator("li.card", has_text=cohort_code(clock.now(), 0)).locator("h2 a").click()
    page.click("a[href*='/certificates/cohorts/']")
    officer.check("eligibility")
    page.click("form[action$='/issue'] button.primary")
    page.click("section.confirm form button")  # issuing asks once
    assert page.wait_for_selector(".flash-success")
    certificates = page.locator("a[href^='/certificates/'] code")
    assert certificates.count() == 3  # two from the demo, one issued now
    page.click("a[href^='/certificates/'] >> nth=2")
    officer.check("certificate")
    serial = page.inner_text("h1")
    link = page.locator("a[href$='variant=pdf'], a[href$='/pdf']").first
    response = page.request.get(officer.base + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.body()))
    text = "".join(p.extract_text() for p in pdf.pages)
    code = re.search(r"[A-Z]+-\d{4}-\d{5}", serial or text).group(0)
    assert code in text
    fonts = set()
    for p in pdf.pages:
        for font in (p["/Resources"].get("/Font") or {}).values():
            descriptor = font.get_object().get("/FontDescriptor") or (
                font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font.get_object()
                else None
            )
            if descriptor is not None:
                d = descriptor.get_object()
                if any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    fonts.add(str(d["/FontName"]))
    assert any("+" in f for f in fonts), fonts  # embedded subsets
    verify_url = page.locator("a[href*='/verify/']").first.get_attribute("href")
    public = visit("verify", language, viewport=PHONE)
    page_public = public.go(verify_url.replace(officer.base, ""))
    public.check("valid")
    assert page_public.locator(".badge-ok, .verdict").count() >= 1
    page.select_option("select[name=reason]", "issued_in_error")
    page.click("form[action$='/revoke'] button.danger")
    assert page.wait_for_selector("section.confirm")  # nothing revoked yet: it asks once
    page.click("section.confirm form button.danger")
    assert page.wait_for_selector(".flash-success")
    page_public = public.go(verify_url.replace(officer.base, ""))
    public.check("revoked")
    verdict = page_public.inner_text("main")
    assert ("ដកហូត" in verdict) if language == "km" else ("Revoked" in verdict)
