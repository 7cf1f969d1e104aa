"""Enumerations whose members carry a translatable label."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members are declared as `NAME = "value", _l("Label")`.

    A status may also carry its tone and symbol for badges: `NAME = "value", _l("Label"),
    "ok", "✓"` (tones: ok, warn, bad, off, neutral; see the `status_badge` macro)."""

    def __new__(cls, value: str, label=None, tone: str = "neutral", symbol: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        member.tone = tone
        member.symbol = symbol
        return member

    @classmethod
    def choices(cls) -> list:
        from wtforms.fields.choices import SelectChoice

        return [SelectChoice(m.value, m.label) for m in cls]
