"""Building the Khmer web fonts from the packaged Noto Sans Khmer variable font.

The variable font (360 KB) is too heavy for a phone on 3G. We cut static instances (regular
and bold) holding only the Khmer block and write them as WOFF2 (about 17 KB each) into
lms/static/fonts. The output is committed; run `flask --app wsgi assets fonts` after
upgrading fontpkg-noto-sans-khmer.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg_noto_sans_khmer
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

FONTS = Path(__file__).parent / "static" / "fonts"
KHMER = [*range(0x1780, 0x1800), *range(0x19E0, 0x1A00), 0x200B, 0x200C, 0x25CC]
WEIGHTS = {"noto-sans-khmer.woff2": 400, "noto-sans-khmer-bold.woff2": 700}
# Static TrueType instances for PDFs: WeasyPrint embeds and subsets them; the variable font
# would make every certificate several times slower to render.
PDF_FONTS = Path(__file__).parent / "static" / "fonts" / "pdf"
PDF_WEIGHTS = {"noto-sans-khmer-regular.ttf": 400, "noto-sans-khmer-bold.ttf": 700}


def variable_font() -> Path:
    return next((Path(fontpkg_noto_sans_khmer.__file__).parent / "files").glob("*.ttf"))


def build_web_fonts(target: Path = FONTS) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, weight in WEIGHTS.items():
        font = instantiateVariableFont(TTFont(variable_font()), {"wght": weight, "wdth": 100})
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=KHMER)
        subsetter.subset(font)
        font.flavor = "woff2"
        path = target / name
        font.save(path)
        written.append(path)
    return written


def build_pdf_fonts(target: Path = PDF_FONTS) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, weight in PDF_WEIGHTS.items():
        font = instantiateVariableFont(TTFont(variable_font()), {"wght": weight, "wdth": 100})
        path = target / name
        font.save(path)
        written.append(path)
    return written
