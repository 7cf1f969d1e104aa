from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import CheckboxListField, Form, MultiPickerField, PickerField, optional_int
from .models import ActionStatus


class StartForm(Form):
    facility_id = PickerField(_l("Facility"), validators=[DataRequired(_l("Choose a facility."))])
    round_id = SelectField(
        _l("Round"), coerce=optional_int, validators=[DataRequired(_l("Choose a round."))]
    )
    assessed_on = DateField(_l("Date of the visit"), validators=[DataRequired()])
    assessor_ids = CheckboxListField(
        _l("Other assessors in the team"), coerce=int, validators=[Optional()]
    )


class RoundForm(Form):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("For example 2026-Q4"),
    )
    title_km = StringField(
        _l("Title in Khmer"), validators=[DataRequired(), Length(max=200)], render_kw={"lang": "km"}
    )
    title_en = StringField(
        _l("Title in English"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"lang": "en"},
    )
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])


class ScopeForm(Form):
    province_ids = CheckboxListField(_l("Provinces"), coerce=int, validators=[Optional()])
    facility_ids = MultiPickerField(
        _l("Single facilities"),
        validators=[Optional()],
        description=_l("Facilities outside the provinces chosen above."),
    )


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=1000)], render_kw={"rows": 2}
    )


class ActionForm(Form):
    indicator_id = SelectField(
        _l("Failing indicator"),
        coerce=optional_int,
        validators=[DataRequired(_l("Choose an indicator."))],
    )
    title_km = TextAreaField(
        _l("Action in Khmer"),
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 2, "lang": "km"},
    )
    title_en = TextAreaField(
        _l("Action in English"),
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 2, "lang": "en"},
    )
    responsible_id = SelectField(
        _l("Responsible person"), coerce=optional_int, validators=[Optional()]
    )
    responsible_name = StringField(
        _l("Or their name, if they have no account"), validators=[Optional(), Length(max=200)]
    )
    due_on = DateField(_l("Due date"), validators=[DataRequired()])


class ReviewForm(Form):
    status = SelectField(_l("Status"), choices=ActionStatus.choices(), validators=[DataRequired()])
    review_note = TextAreaField(
        _l("Review note"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )
    round_id = SelectField(_l("Reviewed in round"), coerce=optional_int, validators=[Optional()])


class EnrolForm(Form):
    cohort_id = SelectField(
        _l("Cohort"), coerce=optional_int, validators=[DataRequired(_l("Choose a cohort."))]
    )
    user_ids = CheckboxListField(
        _l("Staff to enrol"),
        coerce=int,
        validators=[DataRequired(_l("Choose at least one person."))],
    )
