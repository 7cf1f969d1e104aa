"""The certificate registry (search, counts, CSV) and the certificate settings."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import csvio, web
from ..auth.access import roles_required
from ..auth.roles import Role
from ..database import utcnow
from ..i18n import local_today
from ..orgunits import services as orgunits
from . import services
from .forms import SettingsForm
from .models import CertificateStatus
from .routes import bp, officers


def _text(name: str, longest: int) -> str | None:
    return (request.args.get(name) or "").strip()[:longest] or None


@bp.route("/certificates")
@officers
def registry():
    filters = services.RegistryFilters(
        q=_text("q", 100),
        status=request.args.get("status") or None,
        curriculum=_text("curriculum", 40),
        province=web.id_arg(request.args, "province"),
        facility=_text("facility", 20),
        expiring=bool(request.args.get("expiring")),
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
        filters=filters,
        statuses=list(CertificateStatus),
        today=today,
        expiring=found.expiring,
        provinces=orgunits.provinces(),
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
