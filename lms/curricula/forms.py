import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, MultipleFileField
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import CheckboxListField, DescriptionFields, Form, TitleFields
from .spec import CompetencyRule, CurriculumKind, InstrumentType


class ImportFilesForm(Form):
    files = MultipleFileField(
        _l("Files"),
        validators=[
            DataRequired(_l("Choose at least one file.")),
            FileAllowed(
                ["yaml", "yml", "csv", "json"], _l("Choose YAML, Moodle CSV or CASE JSON files.")
            ),
        ],
        description=_l(
            "Framework and curriculum files (YAML), Moodle competency framework CSV "
            "or CASE JSON. Choose several to import them together."
        ),
    )
    allow_uncovered = BooleanField(
        _l("Publish curricula even if a required competency is assessed by no instrument")
    )


class CodesField(StringField):
    """Competency codes typed as a list separated by commas or spaces."""

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        self.data = [c for c in re.split(r"[\s,;]+", raw.strip()) if c]

    def _value(self):
        return ", ".join(self.data or [])


class DetailsForm(TitleFields, DescriptionFields, Form):
    kind = SelectField(_l("Type"), choices=CurriculumKind.choices())
    cadres = CheckboxListField(_l("For"), validators=[Optional()])
    cpd_credits = FloatField(_l("CPD credits"), validators=[InputRequired(), NumberRange(0, 1000)])
    validity_months = IntegerField(
        _l("Certificate valid for (months)"),
        validators=[Optional(), NumberRange(1, 240)],
        description=_l("Leave empty for no expiry."),
    )
    renewed_by = StringField(
        _l("Renewed by (code of the refresher curriculum)"), validators=[Optional(), Length(max=40)]
    )
    renewal_cpd_credits = FloatField(
        _l("Or renewed on CPD credits"),
        validators=[Optional(), NumberRange(1, 1000)],
        description=_l("CPD credits earned after issue that renew the certificate."),
    )
    min_attendance_percent = IntegerField(
        _l("Minimum attendance (%)"), validators=[InputRequired(), NumberRange(0, 100)]
    )
    competency_rule = SelectField(_l("Competency rule"), choices=CompetencyRule.choices())
    required_competencies = CodesField(
        _l("Required competencies"),
        description=_l("Competency codes separated by commas, e.g. MW-4.3, MW-6.2"),
    )


class OutcomeForm(Form):
    class Meta:
        csrf = False

    text_km = TextAreaField(
        _l("Outcome in Khmer"), validators=[Optional()], render_kw={"rows": 2, "lang": "km"}
    )
    text_en = TextAreaField(
        _l("Outcome in English"), validators=[Optional()], render_kw={"rows": 2, "lang": "en"}
    )
    competencies = CodesField(_l("Competency codes"))


class ModuleForm(TitleFields, DescriptionFields, Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    hours_theory = FloatField(
        _l("Theory hours"), default=0, validators=[InputRequired(), NumberRange(0, 2000)]
    )
    hours_practical = FloatField(
        _l("Practical hours"), default=0, validators=[InputRequired(), NumberRange(0, 2000)]
    )
    hours_clinical = FloatField(
        _l("Clinical hours"), default=0, validators=[InputRequired(), NumberRange(0, 2000)]
    )
    outcomes = FieldList(FormField(OutcomeForm), min_entries=1)


class InstrumentForm(TitleFields, Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    type = SelectField(_l("Type"), choices=InstrumentType.choices())
    module = SelectField(_l("Module"), validators=[Optional()])
    competencies = CodesField(
        _l("Competencies assessed"),
        validators=[DataRequired()],
        description=_l("Competency codes separated by commas"),
    )
    second_assessor = BooleanField(_l("A second instructor must verify results"))
    min_share_percent = IntegerField(
        _l("Share of applicable items that must be done (%)"),
        validators=[Optional(), NumberRange(1, 100)],
        description=_l("Checklists (DOPS, OSCE) only"),
    )
    all_critical = BooleanField(_l("Every critical item must be done"), default=True)
    pass_mark_percent = IntegerField(
        _l("Pass mark (%)"),
        validators=[Optional(), NumberRange(1, 100)],
        description=_l("Knowledge tests only"),
    )
    attempts = IntegerField(
        _l("Attempts allowed"), default=1, validators=[Optional(), NumberRange(1, 20)]
    )


class ItemForm(Form):
    text_km = TextAreaField(
        _l("Item in Khmer"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "km"}
    )
    text_en = TextAreaField(
        _l("Item in English"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "en"}
    )
    critical = BooleanField(_l("Critical item"))


class OptionForm(Form):
    class Meta:
        csrf = False

    text_km = StringField(_l("Answer in Khmer"), validators=[Optional()], render_kw={"lang": "km"})
    text_en = StringField(
        _l("Answer in English"), validators=[Optional()], render_kw={"lang": "en"}
    )


class QuestionForm(Form):
    text_km = TextAreaField(
        _l("Question in Khmer"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "km"}
    )
    text_en = TextAreaField(
        _l("Question in English"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "en"}
    )
    options = FieldList(FormField(OptionForm), min_entries=4, max_entries=8)
    correct = RadioField(
        _l("Correct answer"),
        coerce=int,
        validators=[InputRequired(_l("Choose the correct answer."))],
    )


class CaseTypeForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    title_km = StringField(
        _l("Title in Khmer"), validators=[DataRequired()], render_kw={"lang": "km"}
    )
    title_en = StringField(
        _l("Title in English"), validators=[DataRequired()], render_kw={"lang": "en"}
    )
    min_count = IntegerField(
        _l("Minimum number of verified cases"),
        default=1,
        validators=[InputRequired(), NumberRange(1, 1000)],
    )
