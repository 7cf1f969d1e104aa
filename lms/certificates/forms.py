from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form, choices
from ..i18n import localised_digits
from .models import ReviewOutcome, RevocationReason


class RevokeForm(Form):
    reason = SelectField(
        _l("Reason"),
        choices=choices(((r.value, r.label) for r in RevocationReason), "—"),
        validators=[DataRequired(_l("Choose the reason for revoking."))],
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )


class ReviewDecisionForm(Form):
    outcome = RadioField(
        _l("Decision"),
        choices=choices((o.value, o.label) for o in ReviewOutcome),
        validators=[DataRequired(_l("Choose whether the certificate stands."))],
    )
    reason = SelectField(
        _l("Reason for revoking"),
        choices=choices(((r.value, r.label) for r in RevocationReason), "—"),
        validators=[Optional()],
        description=_l("Only when revoking."),
    )
    note = TextAreaField(
        _l("Why"),
        validators=[
            DataRequired(_l("Say why: the note is kept with the review.")),
            Length(max=1000),
        ],
        render_kw={"rows": 3},
    )

    def decision(self) -> tuple[ReviewOutcome, RevocationReason | None]:
        reason = RevocationReason(self.reason.data) if self.reason.data else None
        return ReviewOutcome(self.outcome.data), reason


class LookupForm(Form):
    class Meta:
        csrf = False

    serial = StringField(
        _l("Serial number"),
        validators=[DataRequired(), Length(max=60)],
        # The serial as the certificate prints it in the reader's language: Khmer digits on
        # its Khmer line (look-up takes either).
        description=_l(
            "As printed on the certificate, e.g. %(serial)s",
            serial=LazyString(localised_digits, "BEMONC-2026-00042"),
        ),
    )
    family_name = StringField(
        _l("Holder's family name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("In Khmer or Latin script"),
    )


class ReissueForm(Form):
    reason = TextAreaField(
        _l("What was corrected"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("Correct the holder's details in their account first."),
        render_kw={"rows": 2},
    )


class SettingsForm(Form):
    curriculum_code = StringField(
        _l("Curriculum code (leave empty for every curriculum)"),
        validators=[Optional(), Length(max=40)],
    )
    issuing_body_km = StringField(_l("Issuing body in Khmer"), validators=[DataRequired()])
    issuing_body_en = StringField(_l("Issuing body in English"), validators=[DataRequired()])
    signatory_name_km = StringField(
        _l("Signatory's name in Khmer"),
        validators=[Optional()],
        description=_l(
            "Printed under the signature line, in both scripts. Left empty, certificates carry "
            "the title only."
        ),
    )
    signatory_name_en = StringField(_l("Signatory's name in English"), validators=[Optional()])
    signatory_title_km = StringField(_l("Signatory's title in Khmer"), validators=[DataRequired()])
    signatory_title_en = StringField(
        _l("Signatory's title in English"), validators=[DataRequired()]
    )
    place_km = StringField(_l("Place of issue in Khmer"), validators=[DataRequired()])
    place_en = StringField(_l("Place of issue in English"), validators=[DataRequired()])
