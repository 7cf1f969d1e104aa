from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form
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
