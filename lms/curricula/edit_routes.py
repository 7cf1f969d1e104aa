"""Administrators edit draft curricula: details, modules, instruments and their parts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms import apply_error, choices
from ..frameworks import services as frameworks
from ..frameworks.spec import Text
from ..i18n import localised
from ..users import services as users
from . import editing
from .forms import (
    CaseTypeForm,
    DetailsForm,
    InstrumentForm,
    ItemForm,
    ModuleForm,
    QuestionForm,
)
from .routes import admin_only, bp, get_curriculum
from .services import read_curriculum
from .spec import (
    CaseTypeSpec,
    CompetencyRule,
    CurriculumKind,
    InstrumentSpec,
    InstrumentType,
    ItemSpec,
    ModuleSpec,
    OptionSpec,
    OutcomeSpec,
    QuestionSpec,
)


def _text(form, name: str) -> Text:
    return Text(getattr(form, f"{name}_km").data or None, getattr(form, f"{name}_en").data or None)


def _save(curriculum, change, action, form, template, **context):
    """Run an edit; on success go back to the curriculum, else show the form with the error."""
    try:
        editing.edit(current_user, curriculum, change, action, utcnow())
    except DomainError as error:
        db.session.rollback()
        apply_error(form, error)
        return render_template(
            template, form=form, curriculum=get_curriculum(curriculum.id), **context
        )
    db.session.commit()
    flash(_("The changes were saved."), "success")
    return redirect(url_for("curricula.show_curriculum", curriculum_id=curriculum.id))


def _draft(curriculum_id: int):
    curriculum = get_curriculum(curriculum_id)
    if curriculum.status.value != "draft":
        flash(_("Only a draft can be changed. Make a new version to edit it."), "error")
        abort(redirect(url_for("curricula.show_curriculum", curriculum_id=curriculum_id)))
    return curriculum


def _codes_help(curriculum):
    return frameworks.competencies_of(curriculum.framework_id)


@bp.route("/curricula/<int:curriculum_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_details(curriculum_id: int):
    curriculum = _draft(curriculum_id)
    spec = read_curriculum(curriculum)
    form = DetailsForm(
        data=None
        if request.method == "POST"
        else {
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
    )
    form.cadres.choices = [
        SelectChoice(c.code, localised(c, "name")) for c in users.cadres(active_only=True)
    ]
    if form.validate_on_submit():

        def change(s):
            s.title, s.description = _text(form, "title"), _text(form, "description")
            s.kind = CurriculumKind(form.kind.data)
            s.cadres = list(form.cadres.data or [])
            s.cpd_credits, s.validity_months = form.cpd_credits.data, form.validity_months.data
            s.renewed_by = form.renewed_by.data or None
            s.renewal_cpd_credits = form.renewal_cpd_credits.data or None
            s.min_attendance_percent = form.min_attendance_percent.data
            s.competency_rule = CompetencyRule(form.competency_rule.data)
            s.required_competencies = form.required_competencies.data

        return _save(
            curriculum,
            change,
            "details_edited",
            form,
            "curricula/edit_details.html",
            competencies=_codes_help(curriculum),
        )
    return render_template(
        "curricula/edit_details.html",
        form=form,
        curriculum=curriculum,
        competencies=_codes_help(curriculum),
    )


@bp.route(
    "/curricula/<int:curriculum_id>/modules/new", methods=["GET", "POST"], defaults={"index": None}
)
@bp.route("/curricula/<int:curriculum_id>/modules/<int:index>/edit", methods=["GET", "POST"])
@admin_only
def edit_module(curriculum_id: int, index):
    curriculum = _draft(curriculum_id)
    spec = read_curriculum(curriculum)
    module = _get(spec.modules, index)
    data = None
    if module is not None and request.method == "GET":
        data = {
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
    form = ModuleForm(data=data)
    if request.method == "GET":
        while len(form.outcomes.entries) < (len(module.outcomes) if module else 0) + 2:
            form.outcomes.append_entry()
    if form.validate_on_submit():
        outcomes = [
            OutcomeSpec(
                Text(o.text_km.data or None, o.text_en.data or None), o.competencies.data or []
            )
            for o in form.outcomes
            if o.text_km.data or o.text_en.data
        ]
        if any(not (o.text.km and o.text.en) for o in outcomes):
            form.form_errors.append(_("Write each outcome in Khmer and in English."))
        else:
            new = ModuleSpec(
                code=form.code.data,
                title=_text(form, "title"),
                description=_text(form, "description"),
                hours_theory=form.hours_theory.data,
                hours_practical=form.hours_practical.data,
                hours_clinical=form.hours_clinical.data,
                outcomes=outcomes,
            )

            def change(s):
                if index is not None:
                    old = s.modules[index].code
                    for instrument in s.instruments:
                        if instrument.module == old:
                            instrument.module = new.code
                editing.put(s.modules, index, new)

            return _save(
                curriculum,
                change,
                "module_saved",
                form,
                "curricula/edit_module.html",
                index=index,
                competencies=_codes_help(curriculum),
            )
    return render_template(
        "curricula/edit_module.html",
        form=form,
        curriculum=curriculum,
        index=index,
        competencies=_codes_help(curriculum),
    )


def _get(items, index):
    if index is None:
        return None
    if not 0 <= index < len(items):
        abort(404)
    return items[index]


@bp.route(
    "/curricula/<int:curriculum_id>/<any(modules, instruments):part>/<int:index>/"
    "<any(delete, up, down):action>",
    methods=["POST"],
)
@admin_only
def change_part(curriculum_id: int, part: str, index: int, action: str):
    curriculum = _draft(curriculum_id)

    def change(s):
        items = getattr(s, part)
        _get(items, index)
        if action == "delete":
            if part == "modules":
                code = items[index].code
                for instrument in s.instruments:
                    if instrument.module == code:
                        instrument.module = None
            editing.remove(items, index)
        else:
            editing.move(items, index, -1 if action == "up" else 1)

    try:
        editing.edit(current_user, curriculum, change, f"{part}_{action}", utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The changes were saved."), "success")
    return redirect(url_for("curricula.show_curriculum", curriculum_id=curriculum_id))


@bp.route(
    "/curricula/<int:curriculum_id>/instruments/new",
    methods=["GET", "POST"],
    defaults={"index": None},
)
@bp.route("/curricula/<int:curriculum_id>/instruments/<int:index>/edit", methods=["GET", "POST"])
@admin_only
def edit_instrument(curriculum_id: int, index):
    curriculum = _draft(curriculum_id)
    spec = read_curriculum(curriculum)
    instrument = _get(spec.instruments, index)
    data = None
    if instrument is not None and request.method == "GET":
        data = {
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
        }
    form = InstrumentForm(data=data)
    form.module.choices = choices(((m.code, f"{m.code} {m.title.en}") for m in spec.modules), "—")
    if form.validate_on_submit():
        new = InstrumentSpec(
            code=form.code.data,
            type=InstrumentType(form.type.data),
            title=_text(form, "title"),
            module=form.module.data or None,
            competencies=form.competencies.data,
            second_assessor=form.second_assessor.data,
            min_share_percent=form.min_share_percent.data,
            all_critical=form.all_critical.data,
            pass_mark_percent=form.pass_mark_percent.data,
            attempts=form.attempts.data or 1,
        )
        if instrument is not None and instrument.type == new.type:
            new.items, new.questions = instrument.items, instrument.questions
            new.case_types = instrument.case_types
            new.description = instrument.description

        def change(s):
            editing.check_instrument_parts(new)
            editing.put(s.instruments, index, new)

        return _save(
            curriculum,
            change,
            "instrument_saved",
            form,
            "curricula/edit_instrument.html",
            index=index,
            instrument=instrument,
            competencies=_codes_help(curriculum),
        )
    return render_template(
        "curricula/edit_instrument.html",
        form=form,
        curriculum=curriculum,
        index=index,
        instrument=instrument,
        competencies=_codes_help(curriculum),
    )


PARTS = {
    "items": (ItemForm, "items"),
    "questions": (QuestionForm, "questions"),
    "case-types": (CaseTypeForm, "case_types"),
}


@bp.route(
    "/curricula/<int:curriculum_id>/instruments/<int:index>/"
    "<any(items, questions, 'case-types'):part>/new",
    methods=["GET", "POST"],
    defaults={"number": None},
)
@bp.route(
    "/curricula/<int:curriculum_id>/instruments/<int:index>/"
    "<any(items, questions, 'case-types'):part>/<int:number>/edit",
    methods=["GET", "POST"],
)
@admin_only
def edit_instrument_part(curriculum_id: int, index: int, part: str, number):
    curriculum = _draft(curriculum_id)
    spec = read_curriculum(curriculum)
    instrument = _get(spec.instruments, index)
    form_class, attribute = PARTS[part]
    existing = _get(getattr(instrument, attribute), number)
    data = None
    if existing is not None and request.method == "GET":
        data = _part_data(part, existing)
    form = form_class(data=data)
    if part == "questions":
        while len(form.options.entries) < 4:
            form.options.append_entry()
        form.correct.choices = [SelectChoice(n, str(n + 1)) for n in range(len(form.options))]
    if form.validate_on_submit():
        try:
            value = _part_value(part, form)
        except DomainError as error:
            apply_error(form, error)
        else:

            def change(s):
                editing.put(getattr(s.instruments[index], attribute), number, value)

            return _save(
                curriculum,
                change,
                f"{attribute}_saved",
                form,
                "curricula/edit_part.html",
                part=part,
                index=index,
                instrument=instrument,
                number=number,
            )
    return render_template(
        "curricula/edit_part.html",
        form=form,
        curriculum=curriculum,
        part=part,
        index=index,
        instrument=instrument,
        number=number,
    )


@bp.route(
    "/curricula/<int:curriculum_id>/instruments/<int:index>/"
    "<any(items, questions, 'case-types'):part>/<int:number>/delete",
    methods=["POST"],
)
@admin_only
def delete_instrument_part(curriculum_id: int, index: int, part: str, number: int):
    curriculum = _draft(curriculum_id)
    attribute = PARTS[part][1]

    def change(s):
        editing.remove(getattr(_get(s.instruments, index), attribute), number)

    try:
        editing.edit(current_user, curriculum, change, f"{attribute}_deleted", utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The changes were saved."), "success")
    return redirect(url_for("curricula.edit_instrument", curriculum_id=curriculum_id, index=index))


def _part_data(part: str, value) -> dict:
    if part == "items":
        return {"text_km": value.text.km, "text_en": value.text.en, "critical": value.critical}
    if part == "questions":
        return {
            "text_km": value.text.km,
            "text_en": value.text.en,
            "options": [{"text_km": o.text.km, "text_en": o.text.en} for o in value.options],
            "correct": next((n for n, o in enumerate(value.options) if o.correct), None),
        }
    return {
        "code": value.code,
        "title_km": value.title.km,
        "title_en": value.title.en,
        "min_count": value.min_count,
    }


def _part_value(part: str, form):
    if part == "items":
        return ItemSpec(_text(form, "text"), form.critical.data)
    if part == "case-types":
        return CaseTypeSpec(form.code.data, _text(form, "title"), form.min_count.data)
    options = []
    correct_index = form.correct.data
    for n, entry in enumerate(form.options):
        km, en = entry.text_km.data or None, entry.text_en.data or None
        if km or en:
            if not (km and en):
                raise DomainError(_("Write each answer in Khmer and in English."), "options")
            options.append(OptionSpec(Text(km, en), n == correct_index))
    if len(options) < 2 or sum(o.correct for o in options) != 1:
        raise DomainError(
            _("A question needs at least two answers, and the correct one must be among them."),
            "correct",
        )
    return QuestionSpec(_text(form, "text"), options)
