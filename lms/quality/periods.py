"""What a round's dates cover, as readers say it: `Q2 2026` in English, `ត្រីមាសទី២ ឆ្នាំ២០២៦` in
Khmer for a calendar quarter; the months otherwise (`Jan–Jun 2026`, `មករា–មិថុនា ២០២៦`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date
from flask_babel import gettext as _

from ..i18n import current_language, localised_digits


def quarter_of(starts_on: date, ends_on: date) -> int | None:
    """1 to 4 when the dates are exactly one calendar quarter, else None."""
    if starts_on.day != 1 or starts_on.month % 3 != 1:
        return None
    following = date(starts_on.year + (starts_on.month == 10), (starts_on.month + 2) % 12 + 1, 1)
    return (starts_on.month - 1) // 3 + 1 if ends_on == following - timedelta(days=1) else None


@dataclass(frozen=True)
class Period:
    """A round's first and last day, with labels in the reader's language (read them in a
    request, or under `flask_babel.force_locale`)."""

    starts_on: date
    ends_on: date

    @property
    def quarter(self) -> int | None:
        return quarter_of(self.starts_on, self.ends_on)

    @property
    def lines(self) -> tuple[str, str]:
        """Two short lines for a chart's axis: the quarter (or months), then the year(s)."""
        language = current_language()
        first, last = self.starts_on, self.ends_on
        if self.quarter:
            what = _("Q%(quarter)s", quarter=self.quarter)
        else:
            months = [format_date(first, "LLL", locale=language)]
            if (first.year, first.month) != (last.year, last.month):
                months.append(format_date(last, "LLL", locale=language))
            what = "–".join(months)
        years = [str(first.year)] + ([str(last.year)] if last.year != first.year else [])
        return what, localised_digits("–".join(years), language)

    @property
    def label(self) -> str:
        """One line: `Q2 2026` / `ត្រីមាសទី២ ឆ្នាំ២០២៦`; `Jan–Jun 2026` / `មករា–មិថុនា ២០២៦`."""
        if self.quarter:
            return _("Q%(quarter)s %(year)s", quarter=self.quarter, year=self.starts_on.year)
        return " ".join(self.lines)
