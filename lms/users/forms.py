from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..auth.roles import Role
from ..forms import CheckboxListField, FilterForm, Form, PickerField, choices, optional_int
from ..i18n import localised
from ..orgunits.forms import FacilityFinder
from .models import Sex
from .services import LANGUAGE_NAMES


class UserForm(Form):
    username = StringField(
        _l("Login name"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("Small Latin letters and digits, e.g. sok.dara"),
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )
    email = EmailField(_l("Email (optional)"), validators=[Optional(), Length(max=254)])
    family_name_km = StringField(
        _l("Family name in Khmer"), validators=[DataRequired(), Length(max=100)]
    )
    given_name_km = StringField(
        _l("Given name in Khmer"), validators=[DataRequired(), Length(max=100)]
    )
    family_name_en = StringField(
        _l("Family name in Latin script"), validators=[DataRequired(), Length(max=100)]
    )
    given_name_en = StringField(
        _l("Given name in Latin script"), validators=[DataRequired(), Length(max=100)]
    )
    sex = RadioField(_l("Sex"), choices=Sex.choices(), validators=[DataRequired()])
    date_of_birth = DateField(_l("Date of birth (optional)"), validators=[Optional()])
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    cadre_id = SelectField(_l("Cadre"), coerce=optional_int, validators=[Optional()])
    council_id = SelectField(
        _l("Professional council"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l("Leave empty to use the cadre's council."),
    )
    licence_number = StringField(
        _l("Registration (licence) number"), validators=[Optional(), Length(max=40)]
    )
    facility_id = PickerField(_l("Workplace"), validators=[Optional()])
    preferred_language = SelectField(
        _l("Preferred language"),
        choices=choices(LANGUAGE_NAMES.items(), _l("As chosen in the browser")),
        validators=[Optional()],
    )
    roles = CheckboxListField(
        _l("Roles"),
        choices=Role.choices(),
        validators=[DataRequired(_l("Choose at least one role."))],
    )

    def set_choices(self, cadres, councils, facilities: FacilityFinder) -> None:
        self.cadre_id.choices = choices(((c.id, localised(c, "name")) for c in cadres), "—")
        self.council_id.choices = choices(((c.id, localised(c, "name")) for c in councils), "—")
        self.facility_id.offer(facilities)


class UserFilterForm(FilterForm):
    q = StringField(
        _l("Search"),
        validators=[Optional(), Length(max=100)],
        description=_l("Name in Khmer or Latin script, login name, phone or licence"),
    )
    role = SelectField(
        _l("Role"), choices=[*choices((), _l("Any role")), *Role.choices()], validators=[Optional()]
    )
    sex = SelectField(
        _l("Sex"), choices=[*choices((), _l("Any")), *Sex.choices()], validators=[Optional()]
    )
    status = SelectField(
        _l("Status"),
        choices=choices((("active", _l("Active")), ("inactive", _l("Deactivated"))), _l("Any")),
        validators=[Optional()],
    )
    facility = PickerField(_l("Workplace"), validators=[Optional()], blank=_l("Any workplace"))


class CadreForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=30)])
    name_km = StringField(_l("Name in Khmer"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=120)])
    council_id = SelectField(
        _l("Professional council"), coerce=optional_int, validators=[Optional()]
    )
    active = BooleanField(_l("Active"), default=True)


class CouncilForm(Form):
    name_km = StringField(_l("Name in Khmer"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    licence_cycle_years = IntegerField(
        _l("Licensing cycle (years)"),
        validators=[InputRequired(), NumberRange(1, 10)],
        description=_l("CPD credits are counted over this period."),
    )
