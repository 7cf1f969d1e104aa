"""Filling a URL rule's parameters (the access table and the bad-input walk)."""

from __future__ import annotations

import re
from collections.abc import Callable


def first_choice(inner: str) -> str:
    """The first option of an `any(a, b)` converter."""
    return re.search(r"\((.*)\)", inner).group(1).split(",")[0].strip().strip("'\"")


def fill_rule(rule, value: Callable[[str, str], object | None]) -> str:
    """The rule's path with each parameter set to `value(converter, name)`; for `any(...)`
    with no value, its first option."""
    parts = []
    for chunk in re.split(r"(<[^>]+>)", rule.rule):
        if not chunk.startswith("<"):
            parts.append(chunk)
            continue
        inner = chunk[1:-1]
        converter = inner.split(":")[0].split("(")[0] if ":" in inner else "default"
        found = value(converter, inner.split(":")[-1])
        if found is None and converter == "any":
            found = first_choice(inner)
        parts.append(str(found))
    return "".join(parts)
