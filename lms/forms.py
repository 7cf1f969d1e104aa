"""Form pieces shared by every domain."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from flask import g, get_template_attribute
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from flask_wtf.form import _Auto, _is_submitted
from wtforms import (
    FieldList,
    FormField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Optional, ValidationError

from .extensions import MAX_ID
from .i18n import WTFormsTranslations
from .text import latin_digits, nfc_filter, normalise

T = TypeVar("T")


# WTForms' built-in messages, from this application's catalogue, with their numbers (lengths,
# bounds) in the reader's digits.
_TRANSLATIONS = WTFormsTranslations()


def _wtforms_messages():  # pragma: no cover - never called; lists messages for extraction
    gettext("This field is required.")
    gettext("Not a valid choice.")
    gettext("Invalid Choice: could not coerce.")
    gettext("Not a valid date value.")
    gettext("Not a valid integer value.")
    gettext("Not a valid decimal value.")
    gettext("Number must be at least %(min)s.")
    gettext("Number must be at most %(max)s.")
    gettext("Number must be between %(min)s and %(max)s.")
    gettext("Field must be equal to %(other_name)s.")
    gettext("Field must be between %(min)d and %(max)d characters long.")
    gettext("Invalid input.")
    gettext("Invalid email address.")
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    )
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    )
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    )


class Form(FlaskForm):
    """A CSRF-protected form whose text inputs are stripped and NFC-normalised. A post that is
    a picker's search step (`PickerField`) is not a submission: the form is shown again."""

    class Meta:
        refill = True  # shows the kept post on the GET after logging in again

        def get_translations(self, form):
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in (FieldList, FormField):
                return unbound_field.bind(form=form, **options)
            filters = list(unbound_field.kwargs.get("filters", []))
            filters.append(nfc_filter)
            return unbound_field.bind(form=form, filters=filters, **options)

        def wrap_formdata(self, form, formdata):
            # The GET after logging in again shows the post that was kept (lms/auth/keeping.py).
            kept = g.get("kept_form") if self.refill and not _is_submitted() else None
            if formdata is _Auto and kept is not None:
                return kept
            return super().wrap_formdata(form, formdata)

    def searching(self) -> bool:
        """Whether this post is a picker's search step: a search button (or Enter) was
        pressed with text in a picker's search box."""
        pickers = [f for f in self if isinstance(f, _Searching)]
        return any(f.find_pressed for f in pickers) and any(f.text for f in pickers)

    def validate_on_submit(self, extra_validators=None) -> bool:
        if self.is_submitted() and self.searching():
            return False  # show the form again, the matches in the picker; nothing is saved
        return super().validate_on_submit(extra_validators)


class CheckboxListField(SelectMultipleField):
    """Several choices shown as checkboxes, which work on phones without JavaScript."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class FilterForm(Form):
    """Filters read from a list page's URL (GET, so no CSRF token)."""

    class Meta:
        csrf = False
        refill = False  # its data is the URL's, never a kept post

    def read(self):
        """Check the filters from the URL; a choice that is not offered filters nothing."""
        self.validate()
        for field in self:
            if field.errors and isinstance(field, SelectField):
                field.data = None
        return self


def optional_int(value):
    """A select's value as an id, or None for its empty choice (a `coerce` for WTForms)."""
    if value in (None, "", "None"):
        return None
    return int(value)


def picked_id(value):
    """A chosen row's id (a `coerce` for WTForms): None for the empty choice, a ValueError for
    what no row's id can be; Khmer digits are read as digits."""
    if value in (None, "", "None"):
        return None
    number = int(latin_digits(str(value).strip()))
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


# --- Pickers: one of many, chosen without JavaScript -------------------------------------------


@dataclasses.dataclass(frozen=True)
class Found:
    """What a finder found: (value, label) pairs, and whether more matched than these."""

    choices: list[tuple[Any, str]]
    more: bool = False


class Finder(Protocol):
    """What a picker offers (for facilities, `lms.orgunits.forms.FacilityFinder`)."""

    def find(self, text: str, limit: int) -> Found:
        """Up to `limit` choices matching `text` (the first ones, when it is empty)."""

    def labels(self, values: Iterable) -> dict[Any, str]:
        """The labels of those of `values` it offers (one look-up for them all)."""


def folded(text: str) -> str:
    """Text as a search compares it: NFC, Latin digits, no case."""
    return latin_digits(unicodedata.normalize("NFC", text)).casefold()


class ListFinder:
    """A finder over a short list already in memory (the curricula a cohort may run), found by
    every word of its labels, digits in either script."""

    def __init__(self, pairs: Iterable[tuple[Any, str]]):
        self.pairs = list(pairs)

    def find(self, text: str, limit: int) -> Found:
        words = folded(text).split()
        hits = [(v, label) for v, label in self.pairs if all(w in folded(label) for w in words)]
        return Found(hits[:limit], len(hits) > limit)

    def labels(self, values: Iterable) -> dict[Any, str]:
        wanted = set(values)
        return {v: label for v, label in self.pairs if v in wanted}


@dataclasses.dataclass(frozen=True)
class Picked:
    """What a picker shows: its options (value, label, chosen) and what its search found."""

    options: list[tuple[Any, str, bool]]
    text: str  # what was searched for ("" when nothing was)
    matches: int  # how many options are matches of `text`
    more: bool  # more matched than are shown
    short: bool  # every choice is shown: no search box


class _Searching:
    """What both pickers share: the finder the route offers, and the search box's text and
    button read from the request (`<name>-q`, `<name>-find`)."""

    def _start(self, limit: int) -> None:
        self.limit, self.finder = limit, None
        self.text, self.find_pressed = "", False
        self._picked: Picked | None = None

    def _read_search(self, formdata) -> None:
        if formdata is not None:
            self.text = (normalise(formdata.get(f"{self.name}-q")) or "")[:100]
            self.find_pressed = f"{self.name}-find" in formdata

    def _finder(self) -> Finder:
        if self.finder is None:
            raise RuntimeError(f"no finder offered for the picker {self.name}")
        return self.finder

    def _found(self) -> Found:
        return self._finder().find(self.text, self.limit)

    def _picked_from(self, found: Found, chosen: dict, options: list) -> Picked:
        listed = {v for v, _ in options}
        extra = [(v, label) for v, label in chosen.items() if v not in listed]
        return Picked(
            [(v, label, v in chosen) for v, label in extra + options],
            self.text,
            len(found.choices) if self.text else 0,
            found.more,
            short=not self.text and not found.more,
        )


class PickerWidget:
    """Renders a picker with the `picker_controls` macro of templates/_macros.html."""

    def __call__(self, field, **kwargs):
        return get_template_attribute("_macros.html", "picker_controls")(field, kwargs)


class PickerField(_Searching, SelectField):
    """One of many (1,305 facilities) without JavaScript: a select of at most `limit` choices
    and, when there are more, a search box with its button. Searching posts the form (or, in
    a filter form, reloads the page) as a search step: the form is shown again with what was
    typed elsewhere kept, nothing saved, and the select holding the matches; one match is
    chosen at once. The route gives the choices with `offer(finder)`."""

    widget = PickerWidget()

    def __init__(self, label=None, validators=None, limit: int = 25, blank=None, **kwargs):
        kwargs.setdefault("coerce", picked_id)
        super().__init__(label, validators, **kwargs)
        self.blank = blank if blank is not None else "—"
        self._start(limit)
        self._labels: dict[Any, str | None] = {}

    def offer(self, finder: Finder) -> PickerField:
        """Take the choices from `finder` (as a route sets a select's choices)."""
        self.finder, self._labels, self._picked = finder, {}, None
        return self

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        self._read_search(formdata)

    def label_of(self, value) -> str | None:
        if value not in self._labels:
            self._labels[value] = self._finder().labels([value]).get(value)
        return self._labels[value]

    def pre_validate(self, form):
        if not self.process_errors and self.data is not None and self.label_of(self.data) is None:
            raise ValidationError(self.gettext("Not a valid choice."))

    def picked(self) -> Picked:
        """The options to show (found once per request; one match found is chosen)."""
        if self._picked is None:
            found = self._found()
            if self.text and len(found.choices) == 1 and not found.more:
                self.data = found.choices[0][0]
            label = self.label_of(self.data) if self.data is not None else None
            chosen = {self.data: label} if label else {}
            options = list(found.choices) if (self.text or not found.more) else []
            self._picked = self._picked_from(found, chosen, options)
        return self._picked


class MultiPickerField(_Searching, CheckboxListField):
    """Several of many (the facilities an assessor covers): the chosen ones as ticked boxes
    and, when there are more, the same search step as `PickerField`, whose matches come as
    boxes to tick. The `multi_picker` macro renders it; `offer(finder)` gives the choices."""

    def __init__(self, label=None, validators=None, limit: int = 25, **kwargs):
        kwargs.setdefault("coerce", picked_id)
        super().__init__(label, validators, **kwargs)
        self._start(limit)

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        self._read_search(formdata)

    def offer(self, finder: Finder) -> MultiPickerField:
        """Take the choices from `finder`: the chosen ones (one look-up), and the matches."""
        self.finder = finder
        chosen = finder.labels(self.data or []) if not self.process_errors else {}
        found = self._found()
        options = [(v, label) for v, label in found.choices if self.text or not found.more]
        self._picked = self._picked_from(found, chosen, options)
        self.choices = [(v, label) for v, label, _ in self._picked.options]
        return self

    def picked(self) -> Picked:
        if self._picked is None:
            raise RuntimeError(f"no finder offered for the picker {self.name}")
        return self._picked


class CsvImportForm(Form):
    """One CSV file to import (the columns are listed on each import page)."""

    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["csv"], _l("Choose a .csv file.")),
        ],
    )


def choices(pairs, blank=None) -> list[SelectChoice]:
    """Select options from (value, label) pairs; `blank` labels a leading empty option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


def form_values(form, cls: type[T], **given: Any) -> T:
    """The dataclass `cls` filled from the form's fields of the same names; `given` are the
    values the form does not hold as they are (an enum, a set, a field it does not have)."""
    for name in (f.name for f in dataclasses.fields(cls)):
        if name not in given and name in form:
            given[name] = form[name].data
    return cls(**given)


def apply_error(form, error) -> None:
    """Show a DomainError next to its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = (
            [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
        )
    else:
        form.form_errors.append(error.message)


class TitleFields:
    """Title in Khmer and in English (a form mixin)."""

    title_km = TextAreaField(
        _l("Title in Khmer"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "km"}
    )
    title_en = TextAreaField(
        _l("Title in English"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "en"}
    )


class DescriptionFields:
    """An optional description in Khmer and in English (a form mixin)."""

    description_km = TextAreaField(
        _l("Description in Khmer"), validators=[Optional()], render_kw={"rows": 3, "lang": "km"}
    )
    description_en = TextAreaField(
        _l("Description in English"), validators=[Optional()], render_kw={"rows": 3, "lang": "en"}
    )
