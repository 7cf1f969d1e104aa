from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..forms import CheckboxListField, DescriptionFields, Form, TitleFields, optional_int


class CompetencyForm(TitleFields, DescriptionFields, Form):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("For example MW-3.2"),
    )
    parent_id = SelectField(_l("Placed under"), coerce=optional_int, validators=[Optional()])
    critical = BooleanField(_l("Critical (life-saving, must be shown)"))


class LevelForm(Form):
    class Meta:
        csrf = False

    value = HiddenField()
    title_km = StringField(_l("Level in Khmer"), validators=[Optional()], render_kw={"lang": "km"})
    title_en = StringField(
        _l("Level in English"), validators=[DataRequired()], render_kw={"lang": "en"}
    )


class FrameworkDetailsForm(TitleFields, DescriptionFields, Form):
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
