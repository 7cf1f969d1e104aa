"""Provinces, operational districts and facilities."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import web
from ..auth.access import roles_required
from ..auth.roles import Role
from ..database import utcnow
from ..forms import CsvImportForm, choices, form_values
from ..i18n import localised
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from . import services
from .forms import DistrictForm, FacilityFilterForm, FacilityForm, province_label
from .models import Facility, FacilityType, OperationalDistrict

bp = Blueprint("orgunits", __name__)
admin_only = roles_required(Role.ADMIN)
# Officers and quality assessors look facilities up; only administrators change them.
READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.QUALITY_ASSESSOR})
readers = roles_required(*READERS)

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
        ((p.id, province_label(p)) for p in services.provinces()),
        _("Any province") if blank else None,
    )


def _page_number() -> int:
    return request.args.get("page", 1, type=int)


@bp.route("/provinces")
@readers
def list_provinces():
    return render_template("orgunits/provinces.html", rows=services.province_summaries())


@bp.route("/facilities")
@readers
def list_facilities():
    filters = FacilityFilterForm(request.args)
    filters.province.choices = _province_choices(blank=True)
    filters.read()
    stmt = services.facility_query(
        filters.q.data, filters.province.data, None, filters.type.data or None
    )
    return render_template(
        "orgunits/facilities.html",
        page=services.facilities_page(stmt, _page_number()),
        filters=filters,
        can_edit=services.may_change_places(current_user),
    )


def _facility_data(form: FacilityForm) -> services.FacilityData:
    return form_values(form, services.FacilityData, type=FacilityType(form.type.data))


@bp.route("/facilities/new", methods=["GET", "POST"], defaults={"facility_id": None})
@bp.route("/facilities/<int:facility_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_facility(facility_id):
    facility = web.get_or_404(Facility, facility_id) if facility_id is not None else None
    form = FacilityForm(obj=facility)
    form.province_id.choices = _province_choices()
    form.district_id.choices = choices(
        ((d.id, f"{d.code} {localised(d, 'name')}") for d in services.active_districts()), "—"
    )
    if facility is not None and request.method == "GET":
        form.type.data = facility.type.value
    if web.saved(
        form,
        lambda: services.save_facility(current_user, _facility_data(form), utcnow(), facility),
        _("The facility was saved."),
    ):
        return redirect(url_for("orgunits.list_facilities"))
    return render_template("orgunits/facility_form.html", form=form, facility=facility)


@bp.route("/districts")
@readers
def list_districts():
    provinces = services.provinces()
    province_id = web.id_arg(request.args, "province")
    if province_id not in {p.id for p in provinces}:
        province_id = None  # an unknown province filters nothing
    return render_template(
        "orgunits/districts.html",
        page=services.districts_page(province_id, _page_number()),
        provinces=provinces,
        province_id=province_id,
        can_edit=services.may_change_places(current_user),
    )


def _district_data(form: DistrictForm) -> services.DistrictData:
    return form_values(form, services.DistrictData)


@bp.route("/districts/new", methods=["GET", "POST"], defaults={"district_id": None})
@bp.route("/districts/<int:district_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_district(district_id):
    district = web.get_or_404(OperationalDistrict, district_id) if district_id is not None else None
    form = DistrictForm(obj=district)
    form.province_id.choices = _province_choices()
    if web.saved(
        form,
        lambda: services.save_district(current_user, _district_data(form), utcnow(), district),
        _("The operational district was saved."),
    ):
        return redirect(url_for("orgunits.list_districts"))
    return render_template("orgunits/district_form.html", form=form, district=district)


IMPORTED_SHOWN = 20  # the rows an import's result links to, before "and N more"
IMPORTS = {
    "facilities": (
        services.import_facilities,
        services.FACILITY_COLUMNS,
        services.FACILITY_OPTIONAL,
    ),
    "districts": (
        services.import_districts,
        services.DISTRICT_COLUMNS,
        services.DISTRICT_OPTIONAL,
    ),
}


@bp.route("/<any(facilities, districts):kind>/import", methods=["GET", "POST"])
@admin_only
def import_units(kind):
    importer, required, optional = IMPORTS[kind]
    form = CsvImportForm()
    done = None
    if form.validate_on_submit():
        done = web.run(lambda: importer(current_user, form.file.data.read(), utcnow()), form=form)
    errors = done.rows if done is not None else []
    return render_template(
        "orgunits/import.html",
        form=form,
        kind=kind,
        errors=errors,
        result=done.value if done else None,
        shown=IMPORTED_SHOWN,
        required=required,
        optional=optional,
        types=list(FacilityType),
    ), 422 if errors else 200
