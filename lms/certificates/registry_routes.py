"""The certificate registry (search with filters to choose, counts, CSV) and the certificate
settings."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import csvio, versioning, web
from ..auth.access import roles_required
from ..auth.roles import Role
from ..curricula.models import Curriculum
from ..database import utcnow
from ..i18n import local_today
from ..orgunits import services as orgunits
from ..users import services as users
from . import services
from .forms import SettingsForm
from .registry_forms import RegistryFilterForm
from .routes import bp, officers


@bp.route("/certificates")
@officers
def registry():
    form = RegistryFilterForm(request.args).offer(
        versioning.latest_versions(Curriculum), users.councils(), orgunits.provinces()
    )
    filters = services.RegistryFilters(
        q=(form.q.data or "")[:100] or None,
        status=form.status.data or None,
        curriculum=form.curriculum.data,
        council=form.council.data,
        province=form.province.data,
        facility=form.facility.data,
        expiring=bool(form.expiring.data),
    )
    today = local_today()
    if request.args.get("format") == "csv":
        found = services.registry_certificates(filters, today)
        return csvio.csv_response(
            "certificates.csv", services.CSV_HEADER, services.registry_csv_rows(found, today)
        )
    found = services.registry_page(filters, today, request.args.get("page", 1, type=int))
    return render_template(
        "certificates/registry.html",
        page=found.page,
        form=form,
        today=today,
        expiring=found.expiring,
        by_sex=found.by_sex,
    )


@bp.route("/certificates/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    form = SettingsForm()
    if request.method == "GET":
        row = services.general_settings()
        form.process(obj=row, data=None if row else services.DEFAULT_SETTINGS)
    if form.validate_on_submit():
        values = {key: getattr(form, key).data for key in services.DEFAULT_SETTINGS}
        saved = web.run(
            lambda: services.save_settings(
                current_user, form.curriculum_code.data, values, utcnow()
            ),
            form=form,
            success=_l("The certificate settings were saved."),
        )
        if saved:
            return redirect(url_for("certificates.settings"))
    return render_template("certificates/settings.html", form=form, rows=services.all_settings())
