"""Form pieces shared by every domain."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice

from .text import nfc_filter


class Form(FlaskForm):
    """A CSRF-protected form whose text inputs are stripped and NFC-normalised."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            filters.append(nfc_filter)
            return unbound_field.bind(form=form, filters=filters, **options)


class CheckboxListField(SelectMultipleField):
    """Several choices shown as checkboxes, which work on phones without JavaScript."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def choices(pairs, blank=None) -> list[SelectChoice]:
    """Select options from (value, label) pairs; `blank` labels a leading empty option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


def apply_error(form, error) -> None:
    """Show a DomainError next to its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = (
            [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
        )
    else:
        form.form_errors.append(error.message)
