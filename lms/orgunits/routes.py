"""Provinces, operational districts and facilities."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import roles_required
from ..auth.roles import Role
from ..errors import DomainError, ImportRejected
from ..extensions import db
from ..forms import CsvImportForm, apply_error, choices
from ..i18n import localised
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from . import services
from .forms import DistrictForm, FacilityFilterForm, FacilityForm
from .models import Facility, FacilityType, OperationalDistrict

bp = Blueprint("orgunits", __name__)
admin_only = roles_required(Role.ADMIN)
# Officers and quality assessors look facilities up; only administrators change them.
readers = roles_required(Role.ADMIN, Role.OFFICER, Role.QUALITY_ASSESSOR)
READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.QUALITY_ASSESSOR})

register_nav(NavItem(_l("Facilities"), "orgunits.list_facilities", READERS, order=70))
register_panel(
    Panel(
        _l("Places"),
        READERS,
        lambda _user: [
            Link(
                _l("Facilities"),
                "orgunits.list_facilities",
                _l("Health facilities and training institutions"),
            ),
            Link(_l("Operational districts"), "orgunits.list_districts"),
            Link(_l("Provinces"), "orgunits.list_provinces"),
        ],
        order=85,
    )
)


def _province_choices(blank=False):
    return choices(
        ((p.id, f"{p.code} {localised(p, 'name')}") for p in services.provinces()),
        _("Any province") if blank else None,
    )


@bp.route("/provinces")
@readers
def list_provinces():
    return render_template("orgunits/provinces.html", rows=services.province_summaries())


@bp.route("/facilities")
@readers
def list_facilities():
    filters = FacilityFilterForm(request.args)
    filters.province.choices = _province_choices(blank=True)
    filters.validate()
    stmt = services.facility_query(
        filters.q.data, filters.province.data, None, filters.type.data or None
    )
    page = db.paginate(
        stmt, page=request.args.get("page", 1, type=int), per_page=50, error_out=False
    )
    return render_template("orgunits/facilities.html", page=page, filters=filters)


@bp.route("/facilities/new", methods=["GET", "POST"], defaults={"facility_id": None})
@bp.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_facility(facility_id):
    facility = (db.session.get(Facility, facility_id) or abort(404)) if facility_id else None
    form = FacilityForm(obj=facility)
    form.province_id.choices = _province_choices()
    form.district_id.choices = choices(
        ((d.id, f"{d.code} {localised(d, 'name')}") for d in services.active_districts()), "—"
    )
    if facility is not None and request.method == "GET":
        form.type.data = facility.type.value
    if form.validate_on_submit():
        data = services.FacilityData(
            code=form.code.data,
            name_km=form.name_km.data,
            name_en=form.name_en.data,
            type=FacilityType(form.type.data),
            province_id=form.province_id.data,
            district_id=form.district_id.data,
            active=form.active.data,
        )
        try:
            services.save_facility(current_user, data, facility)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The facility was saved."), "success")
            return redirect(url_for("orgunits.list_facilities"))
    return render_template("orgunits/facility_form.html", form=form, facility=facility)


@bp.route("/districts")
@readers
def list_districts():
    province_id = request.args.get("province", type=int)
    page = db.paginate(
        services.district_query(province_id),
        page=request.args.get("page", 1, type=int),
        per_page=100,
        error_out=False,
    )
    return render_template(
        "orgunits/districts.html",
        page=page,
        provinces=services.provinces(),
        province_id=province_id,
    )


@bp.route("/districts/new", methods=["GET", "POST"], defaults={"district_id": None})
@bp.route("/districts/<int:district_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_district(district_id):
    district = (
        (db.session.get(OperationalDistrict, district_id) or abort(404)) if district_id else None
    )
    form = DistrictForm(obj=district)
    form.province_id.choices = _province_choices()
    if form.validate_on_submit():
        data = services.DistrictData(
            code=form.code.data,
            province_id=form.province_id.data,
            name_km=form.name_km.data,
            name_en=form.name_en.data,
            active=form.active.data,
        )
        try:
            services.save_district(current_user, data, district)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The operational district was saved."), "success")
            return redirect(url_for("orgunits.list_districts"))
    return render_template("orgunits/district_form.html", form=form, district=district)


IMPORTS = {
    "facilities": (
        services.import_facilities,
        services.FACILITY_COLUMNS,
        ("district_code", "active"),
    ),
    "districts": (services.import_districts, services.DISTRICT_COLUMNS, ("active",)),
}


@bp.route("/<any(facilities, districts):kind>/import", methods=["GET", "POST"])
@admin_only
def import_units(kind):
    run, required, optional = IMPORTS[kind]
    form = CsvImportForm()
    errors, result = [], None
    if form.validate_on_submit():
        try:
            result = run(current_user, form.file.data.read())
        except ImportRejected as rejected:
            db.session.rollback()
            errors = rejected.errors
        else:
            db.session.commit()
    return render_template(
        "orgunits/import.html",
        form=form,
        kind=kind,
        errors=errors,
        result=result,
        required=required,
        optional=optional,
        types=list(FacilityType),
    ), 422 if errors else 200
