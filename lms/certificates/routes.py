"""Issuing and managing certificates (officers), one's own (trainees), public verification."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from .. import csvio, storage
from ..auth.access import public, roles_required
from ..auth.roles import Role
from ..curricula.models import Curriculum
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db, limiter
from ..forms import Form, apply_error
from ..i18n import current_language, format_number, local_date, local_today
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from ..orgunits import services as orgunits
from ..orgunits.models import Facility
from ..paging import LRUCache, Page
from ..training import services as training
from ..training.models import Enrolment, EnrolmentStatus
from ..users.models import Sex, User
from . import pdf, services
from .forms import LookupForm, ReissueForm, RevokeForm, SettingsForm
from .models import Certificate, CertificateSettings, CertificateStatus, RevocationReason

bp = Blueprint("certificates", __name__)
officers = roles_required(Role.OFFICER, Role.ADMIN)

register_nav(
    NavItem(
        _l("Certificates"), "certificates.registry", frozenset({Role.OFFICER, Role.ADMIN}), order=40
    )
)
register_panel(
    Panel(
        _l("Certificates"),
        frozenset({Role.OFFICER}),
        lambda _u: [
            Link(
                _l("Certificate registry"),
                "certificates.registry",
                _l("Search, revoke, and see certificates expiring soon"),
            ),
            Link(_l("Cohorts"), "training.list_cohorts", _l("See who is eligible and issue")),
        ],
        order=15,
    )
)
register_panel(
    Panel(
        _l("My certificates"),
        frozenset({Role.TRAINEE}),
        lambda _u: [
            Link(
                _l("My certificates"),
                "certificates.my_certificates",
                _l("Download and share your certificates"),
            ),
        ],
        order=6,
    )
)


def _base_url() -> str:
    return current_app.config["LMS_BASE_URL"]


def _certificate(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id) or abort(404)
    if not (
        current_user.has_role(Role.OFFICER, Role.ADMIN) or certificate.holder_id == current_user.id
    ):
        abort(403)
    return certificate


@bp.route("/certificates/cohorts/<int:cohort_id>")
@officers
def cohort_eligibility(cohort_id: int):
    cohort = training.load_cohort(cohort_id) or abort(404)
    now = utcnow()
    enrolled = [e for e in training.roster(cohort) if e.status == EnrolmentStatus.ENROLLED]
    eligibility = services.cohort_eligibility(enrolled, now)
    certificates = services.active_certificates([e.id for e in enrolled])
    rows = [(e, eligibility[e.id], certificates.get(e.id)) for e in enrolled]
    return render_template(
        "certificates/cohort.html",
        cohort=cohort,
        rows=rows,
        eligible=sum(1 for _e, el, c in rows if el.ok and c is None),
    )


@bp.route(
    "/certificates/cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>/issue", methods=["POST"]
)
@officers
def issue_one(cohort_id: int, enrolment_id: int):
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.cohort_id != cohort_id:
        abort(404)
    try:
        certificate, created = services.issue(
            current_user, enrolment, utcnow(), storage.area("certificates"), _base_url()
        )
    except services.NotEligible as refused:
        db.session.rollback()
        flash(
            _(
                "Not eligible: %(reasons)s",
                reasons="; ".join(str(r.title) for r in refused.eligibility.reasons),
            ),
            "error",
        )
        return redirect(url_for("certificates.cohort_eligibility", cohort_id=cohort_id))
    db.session.commit()
    flash(
        _("Certificate %(serial)s was issued.", serial=certificate.serial)
        if created
        else _("This enrolment already has certificate %(serial)s.", serial=certificate.serial),
        "success",
    )
    return redirect(url_for("certificates.show_certificate", certificate_id=certificate.id))


@bp.route("/certificates/cohorts/<int:cohort_id>/issue", methods=["POST"])
@officers
def issue_all(cohort_id: int):
    cohort = training.load_cohort(cohort_id) or abort(404)
    result = services.bulk_issue(
        current_user,
        cohort,
        utcnow(),
        storage.area("certificates"),
        _base_url(),
        workers=current_app.config["CERTIFICATE_WORKERS"],
    )
    db.session.commit()
    flash(
        _(
            "%(issued)s certificates issued; %(existing)s already had one; %(ineligible)s "
            "not eligible.",
            issued=format_number(len(result.issued)),
            existing=format_number(len(result.existing)),
            ineligible=format_number(len(result.ineligible)),
        ),
        "success",
    )
    return redirect(url_for("certificates.cohort_eligibility", cohort_id=cohort_id))


@bp.route("/certificates/<int:certificate_id>")
@roles_required(Role.OFFICER, Role.ADMIN, Role.TRAINEE)
def show_certificate(certificate_id: int):
    certificate = _certificate(certificate_id)
    now = utcnow()
    officer = current_user.has_role(Role.OFFICER, Role.ADMIN)
    return render_template(
        "certificates/show.html",
        c=certificate,
        status=certificate.status_on(local_date(now)),
        officer=officer,
        form=RevokeForm(),
        reissue_form=ReissueForm(prefix="reissue"),
        successor=services.successor(certificate),
        cpd=services.cpd_renewal(certificate, now) if officer and certificate.is_current else None,
        verify_url=f"{_base_url()}/verify/{certificate.verification_code}",
    )


@bp.route("/certificates/<int:certificate_id>/renew", methods=["POST"])
@officers
def renew_on_cpd(certificate_id: int):
    certificate = _certificate(certificate_id)
    form = Form()
    try:
        if not form.validate_on_submit():
            abort(400)
        new = services.renew_on_cpd(
            current_user, certificate, utcnow(), storage.area("certificates"), _base_url()
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("certificates.show_certificate", certificate_id=certificate_id))
    db.session.commit()
    flash(_("Certificate %(serial)s renews the earlier one.", serial=new.serial), "success")
    return redirect(url_for("certificates.show_certificate", certificate_id=new.id))


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@officers
def revoke(certificate_id: int):
    certificate = _certificate(certificate_id)
    form = RevokeForm()
    reason = RevocationReason(form.reason.data) if form.validate_on_submit() else None
    try:
        services.revoke(current_user, certificate, reason, form.note.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The certificate was revoked."), "success")
    return redirect(url_for("certificates.show_certificate", certificate_id=certificate_id))


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["POST"])
@officers
def reissue(certificate_id: int):
    certificate = _certificate(certificate_id)
    form = ReissueForm(prefix="reissue")
    try:
        if not form.validate_on_submit():
            raise DomainError(_l("Give the reason for the re-issue."))
        new = services.reissue_corrected(
            current_user,
            certificate,
            form.reason.data,
            utcnow(),
            storage.area("certificates"),
            _base_url(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("certificates.show_certificate", certificate_id=certificate_id))
    db.session.commit()
    flash(_("Certificate %(serial)s replaces the earlier one.", serial=new.serial), "success")
    return redirect(url_for("certificates.show_certificate", certificate_id=new.id))


@bp.route("/certificates/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    form = SettingsForm()
    if request.method == "GET":
        row = db.session.scalar(
            sa.select(CertificateSettings).where(CertificateSettings.curriculum_code.is_(None))
        )
        form.process(obj=row, data=None if row else services.DEFAULT_SETTINGS)
    if form.validate_on_submit():
        values = {key: getattr(form, key).data for key in services.DEFAULT_SETTINGS}
        try:
            services.save_settings(current_user, form.curriculum_code.data, values)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The certificate settings were saved."), "success")
            return redirect(url_for("certificates.settings"))
    rows = db.session.scalars(
        sa.select(CertificateSettings).order_by(
            CertificateSettings.curriculum_code.is_not(None), CertificateSettings.curriculum_code
        )
    )
    return render_template("certificates/settings.html", form=form, rows=rows)


@bp.route("/certificates/<int:certificate_id>/<any(pdf, pdfa):variant>")
@roles_required(Role.OFFICER, Role.ADMIN, Role.TRAINEE)
def download(certificate_id: int, variant: str):
    certificate = _certificate(certificate_id)
    if variant == "pdf":
        data = services.stored_pdf(certificate, storage.area("certificates"))
        name = f"{certificate.serial}.pdf"
    else:  # the archival PDF/A-3b variant, drawn from the same frozen snapshot
        data = pdf.render_pdf(services.pdf_context(certificate, _base_url()), pdfa=True)
        name = f"{certificate.serial}-PDFA.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename={name}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/my/certificates")
@roles_required(Role.TRAINEE)
def my_certificates():
    mine = db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.holder_id == current_user.id)
        .order_by(Certificate.issued_on.desc())
    ).all()
    today = local_today()
    return render_template(
        "certificates/mine.html",
        certificates=mine,
        today=today,
        statuses={c.id: c.status_on(today) for c in mine},
        soon=EXPIRING_DAYS,
    )


# A serial (CODE-YEAR-NUMBER), or its beginning: the characters of curriculum codes, with a
# digit somewhere (names have none).
SERIAL_LIKE = re.compile(r"^(?=.*[0-9])[A-Za-z0-9._-]+$")


MATCHED_HOLDERS = 5000
EXPIRING_DAYS = 90  # "expiring soon": the reminders' window


def registry_query(
    q, status, today, curriculum=None, province=None, facility=None, expiring_days=None
):
    """Certificates matching the registry's filters, newest first."""
    stmt = (
        sa.select(Certificate)
        .join(User, User.id == Certificate.holder_id)
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    )
    if q and SERIAL_LIKE.match(q):
        prefix = q.upper().replace("_", "\\_")  # "_" is a wildcard in LIKE
        stmt = stmt.where(Certificate.serial.like(f"{prefix}%", escape="\\"))
    elif q:
        # Holders first (a narrow table), then their certificates by index: a name search
        # never reads every certificate.
        like = f"%{q}%"
        holders = sa.select(User.id).where(
            sa.or_(
                User.family_name_en.ilike(like),
                User.given_name_en.ilike(like),
                User.family_name_km.like(like),
                User.given_name_km.like(like),
            )
        )
        matched = db.session.scalars(holders.limit(MATCHED_HOLDERS + 1)).all()
        if len(matched) <= MATCHED_HOLDERS:  # the usual case: one scan of the names
            stmt = stmt.where(Certificate.holder_id.in_(matched))
        else:
            stmt = stmt.where(Certificate.holder_id.in_(holders))
    if curriculum:
        stmt = stmt.join(Curriculum, Curriculum.id == Certificate.curriculum_id).where(
            Curriculum.code == curriculum.upper()
        )
    if province or facility:
        stmt = stmt.join(Facility, Facility.id == User.facility_id)
        if province:
            stmt = stmt.where(Facility.province_id == province)
        if facility:
            stmt = stmt.where(Facility.code == facility.upper())
    if expiring_days:
        stmt = stmt.where(Certificate.expiring_within(today, expiring_days))
    if status == "revoked":
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    elif status == "superseded":
        stmt = stmt.where(Certificate.superseded_at.is_not(None))
    elif status in ("valid", "expired"):
        not_expired = Certificate.unexpired_on(today)
        stmt = stmt.where(
            Certificate.is_current, not_expired if status == "valid" else sa.not_(not_expired)
        )
    return stmt


@bp.route("/certificates")
@officers
def registry():
    q = (request.args.get("q") or "").strip()[:100] or None
    status = request.args.get("status") or None
    today = local_today()
    filters = {
        "curriculum": (request.args.get("curriculum") or "").strip()[:40] or None,
        "province": request.args.get("province", type=int),
        "facility": (request.args.get("facility") or "").strip()[:20] or None,
        "expiring_days": EXPIRING_DAYS if request.args.get("expiring") else None,
    }
    stmt = registry_query(q, status, today, **filters)
    holders = joinedload(Certificate.holder).joinedload(User.facility)
    if request.args.get("format") == "csv":
        return _csv(db.session.scalars(stmt.options(holders)).all(), today)
    sub = stmt.with_only_columns(Certificate.id, User.sex).order_by(None).subquery()
    counts = dict(
        db.session.execute(sa.select(sub.c.sex, sa.func.count()).group_by(sub.c.sex)).all()
    )
    # The counts by sex add up to the total: no second count for the pages.
    page = Page(sum(counts.values()), request.args.get("page", 1, type=int), 50)
    # The page's ids first (sorting narrow rows), then those certificates.
    ids = db.session.scalars(
        stmt.with_only_columns(Certificate.id).limit(page.size).offset(page.offset)
    ).all()
    found = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Certificate).where(Certificate.id.in_(ids)).options(holders)
        )
    }
    page.items = [found[i] for i in ids]
    soon = db.session.scalar(
        sa.select(sa.func.count()).where(Certificate.expiring_within(today, EXPIRING_DAYS))
    )
    return render_template(
        "certificates/registry.html",
        page=page,
        q=q or "",
        status=status,
        statuses=list(CertificateStatus),
        today=today,
        expiring=soon,
        filters=filters,
        provinces=orgunits.provinces(),
        by_sex={sex: counts.get(sex, 0) for sex in Sex},
    )


def _csv(rows, today) -> Response:
    header = [
        "serial",
        "holder_km",
        "holder_en",
        "sex",
        "curriculum",
        "issued_on",
        "expires_on",
        "status",
        "facility",
    ]
    lines = (
        [
            c.serial,
            c.data["holder_km"],
            c.data["holder_en"],
            c.holder.sex.value,
            c.data["curriculum_code"],
            c.issued_on,
            c.expires_on or "",
            c.status_on(today).value,
            c.holder.facility.code if c.holder.facility else "",
        ]
        for c in rows
    )
    return csvio.csv_response("certificates.csv", header, lines)


# --- Public verification ------------------------------------------------------------------


def _public(certificate: Certificate, today: date) -> dict:
    """What anyone may know: status, names, curriculum, dates, issuing body. Nothing more."""
    d = certificate.data
    status = certificate.status_on(today)
    revoked = certificate.revoked_at
    return {
        "serial": certificate.serial,
        "status": status.value,
        "holder": {"km": d["holder_km"], "en": d["holder_en"]},
        "curriculum": {"km": d["curriculum_km"], "en": d["curriculum_en"]},
        "issued_on": d["issued_on"],
        "expires_on": d["expires_on"],
        "issuing_body": {"km": d["issuing_body_km"], "en": d["issuing_body_en"]},
        "revoked_on": local_date(revoked).isoformat() if revoked else None,
        "revocation_reason": certificate.revocation_reason.value
        if certificate.revocation_reason
        else None,
    }


def _rate_limit():
    return current_app.config["LMS_VERIFY_RATE_LIMIT"]


# Rendered verification pages for visitors who are not logged in, per process, keyed by
# everything they show that can change (the certificate's state, the day, the language).
_pages = LRUCache(2048)


@bp.route("/verify/<code>")
@public
@limiter.limit(_rate_limit)
def verify(code: str):
    today = local_today()
    # Only the plain address is kept: a query string would make endless variants of one page.
    cacheable = not (session or request.query_string or current_user.is_authenticated)
    if cacheable:
        state = db.session.execute(
            sa.select(Certificate.id, Certificate.revoked_at, Certificate.superseded_at).where(
                Certificate.verification_code == code
            )
        ).first()
        if state is None:
            abort(404)
        key = (code, current_language(), today, tuple(state))
        page = _pages.get(key)
        if page is not None:
            return page
    certificate = services.by_code(code)
    if certificate is None:
        abort(404)
    page = render_template(
        "certificates/verify.html",
        c=_public(certificate, today),
        dates={
            "issued": certificate.issued_on,
            "expires": certificate.expires_on,
            "revoked": certificate.revoked_at,
        },
        status=certificate.status_on(today),
        reason=certificate.revocation_reason,
    )
    if cacheable and not session:  # rendering set nothing in the session (no flash, no token)
        _pages.put(key, page)
    return page


@bp.route("/verify/<code>.json")
@public
@limiter.limit(_rate_limit)
def verify_json(code: str):
    certificate = services.by_code(code)
    if certificate is None:
        return jsonify({"error": "not_found"}), 404
    return jsonify(_public(certificate, local_today()))


@bp.route("/verify")
@public
@limiter.limit(_rate_limit)
def lookup():
    form = LookupForm(request.args)
    not_found = False
    if request.args and form.validate():
        certificate = services.by_serial_and_family_name(form.serial.data, form.family_name.data)
        if certificate is not None:
            return redirect(url_for("certificates.verify", code=certificate.verification_code))
        not_found = True
    return render_template("certificates/lookup.html", form=form, not_found=not_found), (
        404 if not_found else 200
    )
