"""The training forms: cohorts, enrolment, sessions and materials."""

from __future__ import annotations

from flask_babel import gettext as _
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
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import (
    CheckboxListField,
    Finder,
    Form,
    ListFinder,
    PickerField,
    choices,
    form_values,
)
from ..i18n import localised
from .models import Cohort, CohortStatus, MaterialKind
from .services import CohortData


def curriculum_label(curriculum) -> str:
    """A curriculum as a picker lists it: `BEMONC v1 Title`, `BEMONC កំណែ ១ ...` in Khmer."""
    return _(
        "%(code)s v%(version)s %(title)s",
        code=curriculum.code,
        version=curriculum.version,
        title=localised(curriculum, "title"),
    )


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
    curriculum_id = PickerField(_l("Curriculum"), validators=[DataRequired()])
    venue_id = PickerField(_l("Venue"), validators=[Optional()])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[DataRequired()])
    capacity = IntegerField(
        _l("Number of places"), validators=[InputRequired(), NumberRange(1, 1000)]
    )
    status = SelectField(_l("Status"), choices=CohortStatus.choices())
    instructor_ids = CheckboxListField(_l("Instructors"), coerce=int, validators=[Optional()])

    def offer(self, curricula, venues: Finder, instructors) -> CohortForm:
        """Fill the choices: curricula, venues (a facility finder) and instructors."""
        self.curriculum_id.offer(ListFinder((c.id, curriculum_label(c)) for c in curricula))
        self.venue_id.offer(venues)
        self.instructor_ids.choices = [
            SelectChoice(u.id, localised(u, "full_name")) for u in instructors
        ]
        return self

    def show(self, cohort: Cohort) -> None:
        """Show the cohort's instructors and status (the fields `obj=` cannot fill)."""
        self.instructor_ids.data = [u.id for u in cohort.instructors]
        self.status.data = cohort.status.value

    def to_data(self) -> CohortData:
        return form_values(
            self,
            CohortData,
            status=CohortStatus(self.status.data),
            instructor_ids=list(self.instructor_ids.data or []),
        )


class EnrolForm(Form):
    trainee = StringField(
        _l("Trainee"),
        validators=[DataRequired(), Length(max=254)],
        description=_l("Login name, email, licence number, or the full name in Khmer or Latin"),
        render_kw={"autocapitalize": "none"},
    )
    council = SelectField(
        _l("Council"),
        validators=[Optional()],
        description=_l("Only needed when two councils have given the same licence number."),
    )

    def __init__(self, *args, councils=(), **kwargs):
        super().__init__(*args, **kwargs)
        pairs = [(c.code, localised(c, "name")) for c in councils]
        self.council.choices = choices(pairs, blank=_l("Any council"))


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason (optional)"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )


class ModuleField:
    """A form mixin: one module of the cohort's curriculum."""

    module_id = SelectField(_l("Module"), coerce=int, validators=[DataRequired()])

    def for_cohort(self, cohort: Cohort):
        """Offer the modules of the cohort's curriculum."""
        self.module_id.choices = [
            SelectChoice(m.id, f"{m.code} {localised(m, 'title')}")
            for m in cohort.curriculum.modules
        ]
        return self


class SessionForm(ModuleField, Form):
    starts_at = DateTimeLocalField(
        _l("Starts at"), validators=[DataRequired()], format="%Y-%m-%dT%H:%M"
    )
    minutes = IntegerField(
        _l("Length in minutes"), default=180, validators=[InputRequired(), NumberRange(15, 720)]
    )
    place = StringField(_l("Place (optional)"), validators=[Optional(), Length(max=200)])


class MaterialForm(ModuleField, Form):
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

    def chosen_file(self) -> tuple[str, bytes]:
        """The uploaded file's name and bytes; an empty name when no file was chosen."""
        upload = self.file.data
        if not upload or not getattr(upload, "filename", ""):
            return "", b""
        return upload.filename, upload.read()
