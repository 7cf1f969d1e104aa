from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..forms import CheckboxListField, Form
from ..users.forms import optional_int


class CompetencyForm(Form):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("For example MW-3.2"),
    )
    parent_id = SelectField(_l("Placed under"), coerce=optional_int, validators=[Optional()])
    title_km = TextAreaField(
        _l("Title in Khmer"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "km"}
    )
    title_en = TextAreaField(
        _l("Title in English"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "en"}
    )
    description_km = TextAreaField(
        _l("Description in Khmer"), validators=[Optional()], render_kw={"rows": 3, "lang": "km"}
    )
    description_en = TextAreaField(
        _l("Description in English"), validators=[Optional()], render_kw={"rows": 3, "lang": "en"}
    )
    critical = BooleanField(_l("Critical (life-saving, must be shown)"))


class LevelForm(Form):
    class Meta:
        csrf = False

    value = HiddenField()
    title_km = StringField(_l("Level in Khmer"), validators=[Optional()], render_kw={"lang": "km"})
    title_en = StringField(
        _l("Level in English"), validators=[DataRequired()], render_kw={"lang": "en"}
    )


class FrameworkDetailsForm(Form):
    title_km = TextAreaField(
        _l("Title in Khmer"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "km"}
    )
    title_en = TextAreaField(
        _l("Title in English"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "en"}
    )
    description_km = TextAreaField(
        _l("Description in Khmer"), validators=[Optional()], render_kw={"rows": 3, "lang": "km"}
    )
    description_en = TextAreaField(
        _l("Description in English"), validators=[Optional()], render_kw={"rows": 3, "lang": "en"}
    )
    authority_km = StringField(
        _l("Issued by, in Khmer"), validators=[Optional()], render_kw={"lang": "km"}
    )
    authority_en = StringField(
        _l("Issued by, in English"), validators=[Optional()], render_kw={"lang": "en"}
    )
    effective_date = DateField(_l("Effective from"), validators=[Optional()])
    cadres = CheckboxListField(_l("For"), validators=[Optional()])
    scale_title_km = StringField(
        _l("Scale name in Khmer"), validators=[Optional()], render_kw={"lang": "km"}
    )
    scale_title_en = StringField(
        _l("Scale name in English"), validators=[Optional()], render_kw={"lang": "en"}
    )
    levels = FieldList(FormField(LevelForm))
    proficient = SelectField(_l("Minimum proficient level"), coerce=int)
