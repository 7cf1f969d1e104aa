"""Latin digits a reader sees on a page: what a Khmer page must not show.

The page's visible text is read with the standard HTML parser: text nodes and the attributes a
reader meets (`title`, `alt`, `aria-label`, `placeholder`), SVG `<text>` included. Left out:
scripts and styles, what people type (`input`, `textarea`, `option` values are attributes, not
text), `<code>` (codes and serials, shown as printed), and in the remaining text, tokens that
are codes by their shape (capitals and digits joined by dashes: `BEMONC-2026-00003`,
`TK-HC-PL`, `IPC-01`), web addresses, e-mail addresses and units such as `IU`, `mmHg`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_LATIN_DIGIT = re.compile(r"[0-9]")
# A code: starts with a capital, holds capitals, digits, dots, dashes or underscores; or an
# address or e-mail address.
_CODE = re.compile(
    r"(?:https?://\S+|\S+@\S+|\b[A-Z][A-Za-z]*(?:[-_./][A-Za-z0-9]+)+\b|\b[A-Z]+[0-9]+\b)"
)
_SKIPPED = {"script", "style", "code", "textarea", "kbd", "samp", "template"}
_READ_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping.append(tag)
        if not self.skipping:
            for name, value in attrs:
                if name in _READ_ATTRIBUTES and value:
                    self.chunks.append(value)

    def handle_startendtag(self, tag, attrs):
        if not self.skipping:
            for name, value in attrs:
                if name in _READ_ATTRIBUTES and value:
                    self.chunks.append(value)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    """The page's text a reader sees (one chunk per line), codes in `<code>` left out."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(chunk.strip() for chunk in parser.chunks if chunk.strip())


def latin_numbers(html: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Each line of visible text that still shows a Latin digit outside a code or address
    (and outside the `allowed` fragments, such as names or units in the data itself)."""
    found = []
    for line in visible_text(html).splitlines():
        rest = line
        for fragment in allowed:
            rest = rest.replace(fragment, " ")
        rest = _CODE.sub(" ", rest)
        if _LATIN_DIGIT.search(rest):
            found.append(line)
    return found
