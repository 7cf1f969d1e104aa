"""Language selection and the Khmer-specific formatting Babel does not do for us."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask import current_app, has_app_context, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from .database import utcnow

LANGUAGE_COOKIE = "lang"

_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")

KHMER_MONTHS = (
    "មករា",
    "កុម្ភៈ",
    "មីនា",
    "មេសា",
    "ឧសភា",
    "មិថុនា",
    "កក្កដា",
    "សីហា",
    "កញ្ញា",
    "តុលា",
    "វិច្ឆិកា",
    "ធ្នូ",
)


def supported_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LMS_LANGUAGES"])


def select_locale() -> str:
    """The user's saved preference, then the switcher's cookie, then the browser; Khmer last.

    Outside a request (commands), the shell's LANG decides: Khmer for km*, else English.
    """
    languages = supported_languages()
    if not has_request_context():
        return "km" if os.environ.get("LANG", "").startswith("km") else "en"
    if current_user and current_user.is_authenticated:
        preferred = current_user.preferred_language
        if preferred in languages:
            return preferred
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "km"


def khmer_digits(value) -> str:
    """Write the Latin digits of `value` as Khmer digits (០-៩)."""
    return str(value).translate(_KHMER_DIGITS)


def localised_digits(value, language: str | None = None) -> str:
    """Khmer digits in Khmer, Latin digits otherwise."""
    language = language or current_language()
    return khmer_digits(value) if language == "km" else str(value)


def format_number(value, language: str | None = None) -> str:
    """A number as Babel writes it in the reader's language (Khmer digits in Khmer)."""
    if value is None:
        return ""
    language = language or current_language()
    return localised_digits(format_decimal(value, format="#,##0.##", locale=language), language)


def official_date_km(day: date | datetime) -> str:
    """`ថ្ងៃទី២៤ ខែវិច្ឆិកា ឆ្នាំ២០២៦`: the date as official Khmer documents write it."""
    return (
        f"ថ្ងៃទី{khmer_digits(day.day)} ខែ{KHMER_MONTHS[day.month - 1]} ឆ្នាំ{khmer_digits(day.year)}"
    )


def official_date_line_km(place: str, day: date | datetime) -> str:
    """`ធ្វើនៅភ្នំពេញ ថ្ងៃទី២៤ ខែវិច្ឆិកា ឆ្នាំ២០២៦`."""
    return f"ធ្វើនៅ{place} {official_date_km(day)}"


def format_date(day: date | datetime | None, language: str | None = None, fmt="medium") -> str:
    """A date in the reader's language; Khmer month names and Khmer digits in Khmer (Babel's
    km locale writes Latin digits)."""
    if day is None:
        return ""
    language = language or current_language()
    return localised_digits(babel_format_date(day, fmt, locale=language), language)


def localised(obj, field: str, language: str | None = None):
    """`obj.<field>_km` or `obj.<field>_en` for the reader's language, falling back to the other."""
    language = language or current_language()
    first, second = ("km", "en") if language == "km" else ("en", "km")
    return getattr(obj, f"{field}_{first}", None) or getattr(obj, f"{field}_{second}", None) or ""


def init_app(app) -> None:
    app.jinja_env.filters["khmer_digits"] = khmer_digits
    app.jinja_env.filters["digits"] = localised_digits
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["moment_date"] = format_moment
    app.jinja_env.filters["official_date_km"] = official_date_km
    app.jinja_env.globals["localised"] = localised
    app.jinja_env.globals["current_language"] = current_language


def _zone() -> ZoneInfo:
    name = (
        current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Phnom_Penh")
        if has_app_context()
        else "Asia/Phnom_Penh"
    )
    return ZoneInfo(name)


def local_moment(moment: datetime) -> datetime:
    """The wall-clock time in Cambodia (naive) of a naive-UTC moment. Moments the application
    records (`utcnow()`: issued, revoked, marked, decided...) are naive UTC; times people enter
    for the future (a session's start) are Cambodian wall-clock times and compare with this."""
    return moment.replace(tzinfo=UTC).astimezone(_zone()).replace(tzinfo=None)


def utc_moment(local: datetime) -> datetime:
    """The naive-UTC moment of a Cambodian wall-clock time: to compare recorded moments with
    the bounds of a Cambodian day (the inverse of `local_moment`)."""
    return local.replace(tzinfo=_zone()).astimezone(UTC).replace(tzinfo=None)


def local_date(moment: datetime) -> date:
    """The calendar day in Cambodia of a naive-UTC moment: from 00:00 to 07:00 in Phnom Penh
    the UTC date is still yesterday, and documents dated then must carry today."""
    return local_moment(moment).date()


def local_today() -> date:
    """Today in Cambodia: the day that decides expiry, "in the future" and default dates."""
    return local_date(utcnow())


def format_moment(moment: datetime | None, language: str | None = None) -> str:
    """The Cambodian day of a naive-UTC moment, in the reader's language (the `moment_date`
    filter). The `date` filter is for days and for wall-clock times people entered."""
    return format_date(local_date(moment) if moment else None, language)
