from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form, choices
from .models import RevocationReason


class RevokeForm(Form):
    reason = SelectField(
        _l("Reason"),
        choices=choices(((r.value, r.label) for r in RevocationReason), "—"),
        validators=[DataRequired(_l("Choose the reason for revoking."))],
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )


class LookupForm(Form):
    class Meta:
        csrf = False

    serial = StringField(
        _l("Serial number"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("As printed on the certificate, e.g. BEMONC-2026-00042"),
    )
    family_name = StringField(
        _l("Holder's family name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("In Khmer or Latin script"),
    )
