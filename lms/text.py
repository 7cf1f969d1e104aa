"""Text normalisation: everything people type is stored as stripped NFC Unicode."""

from __future__ import annotations

import unicodedata


def normalise(value: str | None) -> str | None:
    """NFC-normalise and strip; an empty result becomes None."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


def nfc_filter(value):
    """A WTForms filter: NFC and strip strings, leave other values alone."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def has_khmer(value: str | None) -> bool:
    """True when the text holds at least one Khmer letter."""
    return bool(value) and any(
        "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff" for ch in value
    )


# Khmer digits (០-៩) as the Latin digits they stand for: codes and serials are stored in Latin
# digits, and people may type either.
_LATIN_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


def latin_digits(value: str) -> str:
    """`value` with every Khmer digit written as a Latin one."""
    return value.translate(_LATIN_DIGITS)


# Dashes people type or paste for "-" (hyphen, non-breaking hyphen, figure dash, en and em
# dashes, minus sign), and the spaces they leave in a code copied from paper.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


def code_as_typed(value: str | None) -> str:
    """A code or serial as people type it, as it is stored: NFC, capitals, Latin digits, any
    dash as "-", no spaces (`BEMONC – ២០២៦ – ០០០០៣` is `BEMONC-2026-00003`)."""
    text = unicodedata.normalize("NFKC", value or "").translate(_DASHES)
    return latin_digits("".join(text.split())).upper()
