"""Administrators edit draft curricula: details, modules, instruments and their parts."""

from __future__ import annotations

from functools import wraps

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import versioning, web
from ..database import utcnow
from ..forms import choices
from ..frameworks import services as frameworks
from ..i18n import localised
from ..users import services as users
from . import editing
from .forms import DetailsForm, ModuleForm
from .instrument_forms import PART_FORMS, InstrumentForm
from .routes import admin_only, bp, get_curriculum
from .services import read_curriculum

SAVED = _l("The changes were saved.")


def _show(curriculum_id: int) -> str:
    return url_for("curricula.show_curriculum", curriculum_id=curriculum_id)


def draft_required(view):
    """Give the view the draft its address names; any other version is refused (the rule's
    message, back on its page)."""

    @wraps(view)
    def wrapped(curriculum_id: int, **kwargs):
        curriculum = get_curriculum(curriculum_id)
        if not curriculum.is_draft:
            return web.act(lambda: versioning.require_draft(curriculum), _show(curriculum_id))
        return view(curriculum, **kwargs)

    return wrapped


def _part(items: list, index: int | None):
    """The part at `index` of a draft's list (None for a new one); past the end, a 404."""
    if index is None:
        return None
    return web.found_or_404(items[index] if 0 <= index < len(items) else None)


@bp.route("/curricula/<int:curriculum_id>/edit", methods=["GET", "POST"])
@admin_only
@draft_required
def edit_details(curriculum):
    form = DetailsForm(
        data=DetailsForm.data_of(read_curriculum(curriculum)) if request.method == "GET" else None
    )
    form.cadres.choices = [
        SelectChoice(c.code, localised(c, "name")) for c in users.cadres(active_only=True)
    ]
    if web.saved(
        form, lambda: editing.save_details(current_user, curriculum, form.apply_to, utcnow()), SAVED
    ):
        return redirect(_show(curriculum.id))
    return render_template(
        "curricula/edit_details.html",
        form=form,
        curriculum=curriculum,
        competencies=frameworks.competencies_of(curriculum.framework_id),
    )


@bp.route(
    "/curricula/<int:curriculum_id>/modules/new", methods=["GET", "POST"], defaults={"index": None}
)
@bp.route("/curricula/<int:curriculum_id>/modules/<int:index>/edit", methods=["GET", "POST"])
@admin_only
@draft_required
def edit_module(curriculum, index):
    module = _part(read_curriculum(curriculum).modules, index)
    form = ModuleForm(
        data=ModuleForm.data_of(module) if module is not None and request.method == "GET" else None
    )
    if request.method == "GET":
        form.add_empty_outcomes(module)
    if web.saved(
        form,
        lambda: editing.save_module(current_user, curriculum, index, form.module_spec(), utcnow()),
        SAVED,
    ):
        return redirect(_show(curriculum.id))
    return render_template(
        "curricula/edit_module.html",
        form=form,
        curriculum=curriculum,
        index=index,
        competencies=frameworks.competencies_of(curriculum.framework_id),
    )


@bp.route(
    "/curricula/<int:curriculum_id>/<any(modules, instruments):part>/<int:index>/"
    "<any(delete, up, down):action>",
    methods=["POST"],
)
@admin_only
@draft_required
def change_part(curriculum, part: str, index: int, action: str):
    return web.act(
        lambda: editing.change_part(current_user, curriculum, part, index, action, utcnow()),
        _show(curriculum.id),
        SAVED,
    )


@bp.route(
    "/curricula/<int:curriculum_id>/instruments/new",
    methods=["GET", "POST"],
    defaults={"index": None},
)
@bp.route("/curricula/<int:curriculum_id>/instruments/<int:index>/edit", methods=["GET", "POST"])
@admin_only
@draft_required
def edit_instrument(curriculum, index):
    spec = read_curriculum(curriculum)
    instrument = _part(spec.instruments, index)
    form = InstrumentForm(
        data=InstrumentForm.data_of(instrument)
        if instrument is not None and request.method == "GET"
        else None
    )
    form.module.choices = choices(((m.code, f"{m.code} {m.title.en}") for m in spec.modules), "—")
    if web.saved(
        form,
        lambda: editing.save_instrument(
            current_user, curriculum, index, form.instrument_spec(), utcnow()
        ),
        SAVED,
    ):
        return redirect(_show(curriculum.id))
    return render_template(
        "curricula/edit_instrument.html",
        form=form,
        curriculum=curriculum,
        index=index,
        instrument=instrument,
        parts=editing.parts_of(instrument),
        competencies=frameworks.competencies_of(curriculum.framework_id),
    )


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
@draft_required
def edit_instrument_part(curriculum, index: int, part: str, number):
    instrument = _part(read_curriculum(curriculum).instruments, index)
    existing = _part(getattr(instrument, editing.PART_ATTRIBUTES[part]), number)
    form_class = PART_FORMS[part]
    form = form_class(
        data=form_class.data_of(existing)
        if existing is not None and request.method == "GET"
        else None
    )
    if part == "questions":
        form.add_empty_options()
    if web.saved(
        form,
        lambda: editing.save_instrument_part(
            current_user, curriculum, index, part, number, form.spec(), utcnow()
        ),
        SAVED,
    ):
        return redirect(_show(curriculum.id))
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
@draft_required
def delete_instrument_part(curriculum, index: int, part: str, number: int):
    return web.act(
        lambda: editing.delete_instrument_part(
            current_user, curriculum, index, part, number, utcnow()
        ),
        url_for("curricula.edit_instrument", curriculum_id=curriculum.id, index=index),
        SAVED,
    )
