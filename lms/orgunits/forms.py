from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import FilterForm, Form, choices, optional_int
from .models import FacilityType


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
