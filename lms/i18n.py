"""Language selection and the Khmer-specific formatting Babel does not do for us."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask import current_app, has_app_context, has_request_context, request
from flask_babel import Domain, get_babel, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

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


# --- Numbers inside translated messages ---------------------------------------------------------

# One conversion specifier of printf-style formatting: `%(name)s`, `%5.1f`, `%%`...
_SPECIFIER = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<format>[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<conversion>[diouxXeEfFgGcrsa%]))"
)


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _numerals_language() -> str | None:
    """The language whose digits numbers in messages take: only Khmer differs from Latin."""
    locale = get_locale() if has_app_context() else None
    return locale.language if locale else None


def numbers_written(template: str, values, language: str | None = None):
    """`(template, values)` ready for `%`, with each number among `values` already written
    into the template in the reader's digits (Khmer digits in Khmer).

    Each number is formatted by its own specifier first (`%(max)d`, `%.1f` keep working);
    only the digits of that result change, so codes and serials passed as strings, and the
    message's own text, stay as they are."""
    language = language if language is not None else _numerals_language()
    if language != "km" or "%" not in template:
        return template, values
    mapping = isinstance(values, Mapping)
    positional = list(values) if isinstance(values, tuple) else [values]
    specifiers = list(_SPECIFIER.finditer(template))
    if any("*" in m.group("format") for m in specifiers):
        return template, values  # a width taken from the arguments: rare, left as it is
    kept: list = []
    pieces: list[str] = []
    start = 0
    for match in specifiers:
        pieces.append(template[start : match.start()])
        start = match.end()
        if match.group("conversion") == "%":
            pieces.append(match.group())
            continue
        if mapping:
            value = values[match.group("key")] if match.group("key") is not None else values
        elif positional:
            value = positional.pop(0)
        else:
            pieces.append(match.group())  # too few values: `%` says so, as it would have
            continue
        if _is_number(value) and match.group("conversion") not in "cra":
            pieces.append(khmer_digits(("%" + match.group("format")) % value))
        else:
            pieces.append(match.group())
            if not mapping:
                kept.append(value)
    pieces.append(template[start:])
    written = "".join(pieces)
    return written, (values if mapping else tuple(kept) + tuple(positional))


def interpolate(template: str, values, language: str | None = None) -> str:
    """`template % values` with the numbers in the reader's digits (see `numbers_written`)."""
    written, rest = numbers_written(str(template), values, language)
    return written % rest


class MessageTemplate(str):
    """A translated message that others format with `%` (WTForms does, with the lengths and
    bounds of its validators): the numbers it receives come out in the reader's digits."""

    __slots__ = ()

    def __mod__(self, values):
        return interpolate(str(self), values)


class WTFormsTranslations:
    """WTForms' built-in messages, looked up in this application's catalogue."""

    def gettext(self, string):
        return MessageTemplate(get_translations().ugettext(string))

    def ngettext(self, singular, plural, n):
        return MessageTemplate(get_translations().ungettext(singular, plural, n))


class NumeralsDomain(Domain):
    """Flask-Babel's message domain, writing the numbers given to a message in the reader's
    digits: `gettext("%(n)s minutes", n=15)` is `១៥ នាទី` in Khmer. Every `gettext`,
    `ngettext` and `lazy_gettext` of the code goes through it (see `init_app`)."""

    def gettext(self, string, **variables):
        text = self.get_translations().ugettext(string)
        return interpolate(text, variables) if variables else text

    def ngettext(self, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return interpolate(self.get_translations().ungettext(singular, plural, num), variables)

    def pgettext(self, context, string, **variables):
        text = self.get_translations().upgettext(context, string)
        return interpolate(text, variables) if variables else text

    def npgettext(self, context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = self.get_translations().unpgettext(context, singular, plural, num)
        return interpolate(text, variables)


def _template_message(context, text: str, variables: dict):
    # What Jinja's own "newstyle" gettext does (escape the values, always format), with the
    # numbers written in the reader's digits first.
    text, variables = numbers_written(text, variables)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 (the catalogue's text, as Jinja's own gettext)
    return text % variables


@pass_context
def _template_gettext(context, string, **variables):
    return _template_message(context, get_translations().ugettext(string), variables)


@pass_context
def _template_ngettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    text = get_translations().ungettext(singular, plural, num)
    return _template_message(context, text, variables)


@pass_context
def _template_pgettext(context, string_context, string, **variables):
    variables.setdefault("context", string_context)
    text = get_translations().upgettext(string_context, string)
    return _template_message(context, text, variables)


@pass_context
def _template_npgettext(context, string_context, singular, plural, num, **variables):
    variables.setdefault("context", string_context)
    variables.setdefault("num", num)
    text = get_translations().unpgettext(string_context, singular, plural, num)
    return _template_message(context, text, variables)


def init_app(app) -> None:
    """Filters and globals for templates; numbers in messages in the reader's digits, in
    templates (`_`, `gettext`, `ngettext`) and in code (Flask-Babel's functions). Runs after
    `babel.init_app`."""
    babel = get_babel(app)
    # Flask-Babel's functions ask its instance for the domain; this one writes the numbers.
    babel.instance.domain_instance = NumeralsDomain(domain=babel.default_domain)
    app.jinja_env.globals.update(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )
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
