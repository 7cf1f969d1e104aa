"""Forms of the import page and of a draft curriculum's details and modules (its assessment
plan's forms are in instrument_forms.py)."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, MultipleFileField
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import CheckboxListField, DescriptionFields, Form, TitleFields
from ..frameworks.forms import text_of
from .spec import CompetencyRule, CurriculumKind, CurriculumSpec, ModuleSpec, OutcomeSpec

# A draft's form shows what its spec holds, and gives back what was typed as spec values; the
# rules those values must follow are checked by the edit (see editing.py).


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

    @staticmethod
    def data_of(spec: CurriculumSpec) -> dict:
        return {
            "title_km": spec.title.km,
            "title_en": spec.title.en,
            "description_km": spec.description.km,
            "description_en": spec.description.en,
            "kind": spec.kind.value,
            "cadres": spec.cadres,
            "cpd_credits": spec.cpd_credits,
            "validity_months": spec.validity_months,
            "renewed_by": spec.renewed_by,
            "renewal_cpd_credits": spec.renewal_cpd_credits,
            "min_attendance_percent": spec.min_attendance_percent,
            "competency_rule": spec.competency_rule.value,
            "required_competencies": spec.required_competencies,
        }

    def apply_to(self, spec: CurriculumSpec) -> None:
        """Put what was typed into the draft's spec."""
        spec.title, spec.description = text_of(self, "title"), text_of(self, "description")
        spec.kind = CurriculumKind(self.kind.data)
        spec.cadres = list(self.cadres.data or [])
        spec.cpd_credits, spec.validity_months = self.cpd_credits.data, self.validity_months.data
        spec.renewed_by = self.renewed_by.data or None
        spec.renewal_cpd_credits = self.renewal_cpd_credits.data or None
        spec.min_attendance_percent = self.min_attendance_percent.data
        spec.competency_rule = CompetencyRule(self.competency_rule.data)
        spec.required_competencies = self.required_competencies.data


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

    @staticmethod
    def data_of(module: ModuleSpec) -> dict:
        return {
            "code": module.code,
            "title_km": module.title.km,
            "title_en": module.title.en,
            "description_km": module.description.km,
            "description_en": module.description.en,
            "hours_theory": module.hours_theory,
            "hours_practical": module.hours_practical,
            "hours_clinical": module.hours_clinical,
            "outcomes": [
                {"text_km": o.text.km, "text_en": o.text.en, "competencies": o.competencies}
                for o in module.outcomes
            ],
        }

    def add_empty_outcomes(self, module: ModuleSpec | None) -> None:
        """Two empty outcome rows below the module's own (a form shows no more without
        JavaScript)."""
        while len(self.outcomes.entries) < (len(module.outcomes) if module else 0) + 2:
            self.outcomes.append_entry()

    def module_spec(self) -> ModuleSpec:
        """The module as typed; an outcome row left empty is dropped."""
        return ModuleSpec(
            code=self.code.data,
            title=text_of(self, "title"),
            description=text_of(self, "description"),
            hours_theory=self.hours_theory.data,
            hours_practical=self.hours_practical.data,
            hours_clinical=self.hours_clinical.data,
            outcomes=[
                OutcomeSpec(text_of(o, "text"), o.competencies.data or [])
                for o in self.outcomes
                if o.text_km.data or o.text_en.data
            ],
        )
