from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import FilterForm, Form, Found, choices, optional_int
from ..i18n import localised, localised_digits
from . import services
from .models import Facility, FacilityType, Province


class DistrictForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    province_id = SelectField(_l("Province"), coerce=int, validators=[DataRequired()])
    name_km = StringField(_l("Name in Khmer"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    active = BooleanField(_l("Active"), default=True)


class FacilityForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    name_km = StringField(_l("Name in Khmer"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    type = SelectField(_l("Type"), choices=FacilityType.choices(), validators=[DataRequired()])
    province_id = SelectField(_l("Province"), coerce=int, validators=[DataRequired()])
    district_id = SelectField(
        _l("Operational district"), coerce=optional_int, validators=[Optional()]
    )
    active = BooleanField(_l("Active"), default=True)


class FacilityFilterForm(FilterForm):
    q = StringField(
        _l("Search"),
        validators=[Optional(), Length(max=100)],
        description=_l("Code or name in Khmer or English"),
    )
    province = SelectField(_l("Province"), coerce=optional_int, validators=[Optional()])
    type = SelectField(
        _l("Type"),
        choices=[*choices((), _l("Any type")), *FacilityType.choices()],
        validators=[Optional()],
    )


def province_label(province: Province) -> str:
    """A province as a list offers it: its two-digit official code (in the reader's digits: a
    number, not a code typed by hand) and its name in the reader's language."""
    return f"{localised_digits(province.code)} {localised(province, 'name')}"


def facility_label(facility: Facility) -> str:
    """A facility as a picker lists it: its name in the reader's language, and its code."""
    return f"{localised(facility, 'name')} · {facility.code}"


class FacilityFinder:
    """The facilities a picker offers (`lms.forms.PickerField`): those `within` selects (the
    active ones by default), and `keep`, the one already chosen, even from outside them (a
    workplace since closed)."""

    def __init__(self, within: sa.Select | None = None, keep: int | None = None):
        self.within, self.keep = within, keep

    def find(self, text: str, limit: int) -> Found:
        found = services.find_facilities(text, limit + 1, self.within)
        return Found([(f.id, facility_label(f)) for f in found[:limit]], len(found) > limit)

    def labels(self, values) -> dict[int, str]:
        found = services.facilities_among(
            [v for v in values if v is not None], self.within, self.keep
        )
        return {f.id: facility_label(f) for f in found}
