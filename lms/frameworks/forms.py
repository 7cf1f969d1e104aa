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

from ..forms import (
    CheckboxListField,
    DescriptionFields,
    Form,
    TitleFields,
    form_values,
    optional_int,
)
from .editing import DetailsData, NodeData
from .models import Framework
from .spec import Text


def text_of(form, name: str) -> Text:
    """The Khmer and English fields `<name>_km` and `<name>_en` of a form, as one text."""
    return Text(getattr(form, f"{name}_km").data or None, getattr(form, f"{name}_en").data or None)


class CompetencyForm(TitleFields, DescriptionFields, Form):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("For example MW-3.2"),
    )
    parent_id = SelectField(_l("Placed under"), coerce=optional_int, validators=[Optional()])
    critical = BooleanField(_l("Critical (life-saving, must be shown)"))

    def node_data(self) -> NodeData:
        return form_values(
            self,
            NodeData,
            description_km=self.description_km.data or None,
            description_en=self.description_en.data or None,
        )


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

    TEXTS = ("title", "description", "authority", "scale_title")

    @classmethod
    def data_of(cls, framework: Framework) -> dict:
        """The form's starting values: the draft as it is."""
        data = {
            f"{name}_{lang}": getattr(framework, f"{name}_{lang}")
            for name in cls.TEXTS
            for lang in ("km", "en")
        }
        data["effective_date"] = framework.effective_date
        data["cadres"] = [c.code for c in framework.cadres]
        data["proficient"] = framework.proficient_level
        data["levels"] = [
            {"value": lv.value, "title_km": lv.title_km, "title_en": lv.title_en}
            for lv in framework.levels
        ]
        return data

    def details(self) -> DetailsData:
        return DetailsData(
            title=text_of(self, "title"),
            description=text_of(self, "description"),
            authority=text_of(self, "authority"),
            scale_title=text_of(self, "scale_title"),
            proficient=self.proficient.data,
            level_titles={int(entry.value.data): text_of(entry, "title") for entry in self.levels},
            effective_date=self.effective_date.data,
            cadres=list(self.cadres.data or []),
        )
