"""Form pieces shared by every domain."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    FieldList,
    FormField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from .i18n import WTFormsTranslations
from .text import nfc_filter

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
    """A CSRF-protected form whose text inputs are stripped and NFC-normalised."""

    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            if unbound_field.field_class in (FieldList, FormField):
                return unbound_field.bind(form=form, **options)
            filters = list(unbound_field.kwargs.get("filters", []))
            filters.append(nfc_filter)
            return unbound_field.bind(form=form, filters=filters, **options)


class CheckboxListField(SelectMultipleField):
    """Several choices shown as checkboxes, which work on phones without JavaScript."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class FilterForm(Form):
    """Filters read from a list page's URL (GET, so no CSRF token)."""

    class Meta:
        csrf = False

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
