"""Forms of a draft curriculum's assessment plan: an instrument, and its checklist items,
questions and case types."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form, TitleFields
from ..frameworks.forms import text_of
from ..frameworks.spec import Text
from .forms import CodesField
from .spec import (
    QUESTIONS_PER_PAGE,
    CaseTypeSpec,
    InstrumentSpec,
    InstrumentType,
    ItemSpec,
    OptionSpec,
    QuestionSpec,
    ReviewPolicy,
)


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
    time_limit_minutes = IntegerField(
        _l("Time limit (minutes)"),
        validators=[Optional(), NumberRange(1, 600)],
        description=_l("Leave empty for a test without a time limit"),
    )
    questions_per_page = IntegerField(
        _l("Questions per page"),
        default=QUESTIONS_PER_PAGE,
        validators=[Optional(), NumberRange(1, 50)],
    )
    review = SelectField(
        _l("After handing in, the trainee sees"),
        choices=ReviewPolicy.choices(),
        default=ReviewPolicy.SCORE.value,
    )

    @staticmethod
    def data_of(instrument: InstrumentSpec) -> dict:
        return {
            "code": instrument.code,
            "type": instrument.type.value,
            "module": instrument.module or "",
            "title_km": instrument.title.km,
            "title_en": instrument.title.en,
            "competencies": instrument.competencies,
            "second_assessor": instrument.second_assessor,
            "min_share_percent": instrument.min_share_percent,
            "all_critical": instrument.all_critical,
            "pass_mark_percent": instrument.pass_mark_percent,
            "attempts": instrument.attempts,
            "time_limit_minutes": instrument.time_limit_minutes,
            "questions_per_page": instrument.questions_per_page,
            "review": instrument.review.value,
        }

    def instrument_spec(self) -> InstrumentSpec:
        """The instrument as typed, without parts (the edit keeps those of its type)."""
        return InstrumentSpec(
            code=self.code.data,
            type=InstrumentType(self.type.data),
            title=text_of(self, "title"),
            module=self.module.data or None,
            competencies=self.competencies.data,
            second_assessor=self.second_assessor.data,
            min_share_percent=self.min_share_percent.data,
            all_critical=self.all_critical.data,
            pass_mark_percent=self.pass_mark_percent.data,
            attempts=self.attempts.data or 1,
            time_limit_minutes=self.time_limit_minutes.data or None,
            questions_per_page=self.questions_per_page.data or QUESTIONS_PER_PAGE,
            review=ReviewPolicy(self.review.data),
        )


class ItemForm(Form):
    text_km = TextAreaField(
        _l("Item in Khmer"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "km"}
    )
    text_en = TextAreaField(
        _l("Item in English"), validators=[DataRequired()], render_kw={"rows": 2, "lang": "en"}
    )
    critical = BooleanField(_l("Critical item"))

    @staticmethod
    def data_of(item: ItemSpec) -> dict:
        return {"text_km": item.text.km, "text_en": item.text.en, "critical": item.critical}

    def spec(self) -> ItemSpec:
        return ItemSpec(text_of(self, "text"), self.critical.data)


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

    @staticmethod
    def data_of(question: QuestionSpec) -> dict:
        return {
            "text_km": question.text.km,
            "text_en": question.text.en,
            "options": [{"text_km": o.text.km, "text_en": o.text.en} for o in question.options],
            "correct": next((n for n, o in enumerate(question.options) if o.correct), None),
        }

    def add_empty_options(self) -> None:
        """Rows for four answers at least, and a choice of the correct one for each row."""
        while len(self.options.entries) < 4:
            self.options.append_entry()
        self.correct.choices = [SelectChoice(n, str(n + 1)) for n in range(len(self.options))]

    def spec(self) -> QuestionSpec:
        """The question as typed; an answer row left empty is dropped."""
        return QuestionSpec(
            text_of(self, "text"),
            [
                OptionSpec(
                    Text(entry.text_km.data or None, entry.text_en.data or None),
                    n == self.correct.data,
                )
                for n, entry in enumerate(self.options)
                if entry.text_km.data or entry.text_en.data
            ],
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

    @staticmethod
    def data_of(case_type: CaseTypeSpec) -> dict:
        return {
            "code": case_type.code,
            "title_km": case_type.title.km,
            "title_en": case_type.title.en,
            "min_count": case_type.min_count,
        }

    def spec(self) -> CaseTypeSpec:
        return CaseTypeSpec(self.code.data, text_of(self, "title"), self.min_count.data)


# The forms of an instrument's parts, by the name the part has in addresses.
PART_FORMS = {"items": ItemForm, "questions": QuestionForm, "case-types": CaseTypeForm}
