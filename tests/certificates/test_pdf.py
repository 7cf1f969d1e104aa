"""The certificate PDF's stylesheet and QR image, without rendering a certificate."""

import base64
import io

import segno
from PIL import Image

from lms.certificates import pdf


def test_headings_use_muol_light_when_installed(monkeypatch):
    monkeypatch.setattr(pdf, "heading_font", lambda: pdf.MUOL_LIGHT)
    source = pdf.stylesheet_source()
    assert f'font-family: "Heading"; src: url("{pdf.MUOL_LIGHT.as_uri()}")' in source
    assert '.heading { font-family: "Heading"; }' in source


def test_headings_fall_back_to_bold_noto_sans_khmer(monkeypatch):
    monkeypatch.setattr(pdf, "heading_font", lambda: None)
    source = pdf.stylesheet_source()
    assert '"Heading"' not in source
    assert ".heading { font-weight: 700; }" in source
    assert source.count('font-family: "Noto Sans Khmer"; src: url("file://') == 2


def test_qr_png_is_one_grey_pixel_per_module():
    url = "https://lms.example.gov.kh/verify/abc"
    data = pdf.qr_png(url)
    image = Image.open(io.BytesIO(base64.b64decode(data.removeprefix(pdf.QR_PREFIX))))
    expected = [list(row) for row in segno.make(url, error="m").matrix_iter(scale=1, border=4)]
    assert image.mode == "L" and image.size == (len(expected), len(expected))
    pixels = image.load()
    found = [[pixels[x, y] == 0 for x in range(image.width)] for y in range(image.height)]
    assert found == [[bool(bit) for bit in row] for row in expected]
