from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form, PickerField, choices
from .models import CaseRole


class PaperTestForm(Form):
    score_percent = DecimalField(
        _l("Score (%)"), places=1, validators=[InputRequired(), NumberRange(0, 100)]
    )
    assessed_on = DateField(_l("Date of the test"), validators=[DataRequired()])
    comments = TextAreaField(
        _l("Comments"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class CorrectionForm(Form):
    reason = TextAreaField(
        _l("Reason for the correction"),
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"rows": 2},
    )


class LogbookEntryForm(Form):
    case_type_id = SelectField(_l("Case type"), coerce=int, validators=[DataRequired()])
    case_date = DateField(_l("Date"), validators=[DataRequired()])
    facility_id = PickerField(_l("Facility"), validators=[Optional()])
    reference = StringField(
        _l("Anonymous reference"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("A register number or code; never the patient's name."),
    )
    role = RadioField(
        _l("My role"), choices=CaseRole.choices(), default="performed", validators=[DataRequired()]
    )


class ReviewForm(Form):
    note = StringField(_l("Note (required to reject)"), validators=[Optional(), Length(max=500)])


class PanelForm(Form):
    achieved = RadioField(
        _l("Decision"),
        choices=choices([("1", _l("Achieved")), ("0", _l("Not yet"))]),
        validators=[DataRequired()],
    )
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(), Length(max=1000)], render_kw={"rows": 2}
    )
    confirm = BooleanField(
        _l("The panel of instructors agreed on this decision"), validators=[DataRequired()]
    )
