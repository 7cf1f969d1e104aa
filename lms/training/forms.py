from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import CheckboxListField, Form, optional_int
from .models import CohortStatus, MaterialKind


class CohortForm(Form):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("For example BEMONC-TK-2026-01"),
    )
    title_km = StringField(
        _l("Title in Khmer"), validators=[DataRequired()], render_kw={"lang": "km"}
    )
    title_en = StringField(
        _l("Title in English"), validators=[DataRequired()], render_kw={"lang": "en"}
    )
    curriculum_id = SelectField(_l("Curriculum"), coerce=int, validators=[DataRequired()])
    venue_id = SelectField(_l("Venue"), coerce=optional_int, validators=[Optional()])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[DataRequired()])
    capacity = IntegerField(
        _l("Number of places"), validators=[InputRequired(), NumberRange(1, 1000)]
    )
    status = SelectField(_l("Status"), choices=CohortStatus.choices())
    instructor_ids = CheckboxListField(_l("Instructors"), coerce=int, validators=[Optional()])


class EnrolForm(Form):
    trainee = StringField(
        _l("Trainee"),
        validators=[DataRequired(), Length(max=254)],
        description=_l("Login name, email or licence number"),
        render_kw={"autocapitalize": "none"},
    )


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason (optional)"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )


class SessionForm(Form):
    module_id = SelectField(_l("Module"), coerce=int, validators=[DataRequired()])
    starts_at = DateTimeLocalField(
        _l("Starts at"), validators=[DataRequired()], format="%Y-%m-%dT%H:%M"
    )
    minutes = IntegerField(
        _l("Length in minutes"), default=180, validators=[InputRequired(), NumberRange(15, 720)]
    )
    place = StringField(_l("Place (optional)"), validators=[Optional(), Length(max=200)])


class MaterialForm(Form):
    module_id = SelectField(_l("Module"), coerce=int, validators=[DataRequired()])
    title_km = StringField(
        _l("Title in Khmer"), validators=[DataRequired()], render_kw={"lang": "km"}
    )
    title_en = StringField(
        _l("Title in English"), validators=[DataRequired()], render_kw={"lang": "en"}
    )
    kind = RadioField(_l("Kind"), choices=MaterialKind.choices(), default="file")
    file = FileField(
        _l("File"),
        description=_l(
            "PDF, picture (PNG, JPEG, WebP) or office document (Word, Excel, PowerPoint, "
            "OpenDocument)."
        ),
    )
    url = StringField(
        _l("Web address"), validators=[Optional(), Length(max=500)], render_kw={"inputmode": "url"}
    )
