"""Issuing and managing certificates (officers) and one's own (trainees). The registry and its
settings are in registry_routes.py, reviews in review_routes.py, public verification in
verify_routes.py."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import storage, web
from ..auth.access import roles_required
from ..auth.roles import Role
from ..confirm import Confirmation, ask_first, confirmed
from ..database import utcnow
from ..i18n import format_number, local_date, local_today, localised
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from ..training import services as training
from ..training.models import Enrolment
from . import services
from .forms import ReissueForm, RevokeForm
from .models import Certificate, IssueKind, RevocationReason

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
            Link(
                _l("Certificates under review"),
                "certificates.list_reviews",
                _l(
                    "%(count)s waiting for a decision: the evidence changed after issue",
                    count=format_number(services.reviews_waiting_count()),
                ),
            ),
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


def _issue_consequence() -> str:
    return _(
        "A certificate has a serial number and anyone can verify it at once. A mistake is "
        "put right by a corrected re-issue or a revocation, never by deleting it."
    )


def _issue_question(enrolment: Enrolment, back: str) -> Confirmation:
    """Issuing one: a completed refresher renews the certificate it names, and says so."""
    name = localised(enrolment.trainee, "full_name")
    renews = services.renewal_target(enrolment)
    if renews is None:
        question = _("Issue a certificate to %(name)s?", name=name)
        return Confirmation(question, _issue_consequence(), _("Issue"), back)
    return Confirmation(
        _("Renew certificate %(serial)s of %(name)s?", serial=renews.serial, name=name),
        _(
            "Completing the refresher renews it: a new certificate with a new serial number and "
            "new dates replaces %(serial)s, whose verification page then says so.",
            serial=renews.serial,
        ),
        _("Renew"),
        back,
    )


def _base_url() -> str:
    return current_app.config["LMS_BASE_URL"]


def _viewable(certificate_id: int) -> Certificate:
    """The certificate in the URL, if the user may see it (404, else 403)."""
    certificate = web.get_or_404(Certificate, certificate_id)
    if not services.may_see(current_user, certificate):
        abort(403)
    return certificate


def _page_of(certificate_id: int):
    """Where a certificate action goes next: the new certificate's page, else this one's."""
    return lambda new: url_for(
        "certificates.show_certificate", certificate_id=new.id if new else certificate_id
    )


@bp.route("/certificates/cohorts/<int:cohort_id>")
@officers
def cohort_eligibility(cohort_id: int):
    cohort = web.found_or_404(training.load_cohort(cohort_id))
    overview = services.cohort_certificates(cohort, utcnow())
    return render_template(
        "certificates/cohort.html", cohort=cohort, rows=overview.rows, eligible=overview.eligible
    )


def _issued(pair) -> str:
    certificate, created = pair
    if created and certificate.kind == IssueKind.RENEWAL:  # a completed refresher
        return _("Certificate %(serial)s renews the earlier one.", serial=certificate.serial)
    if created:
        return _("Certificate %(serial)s was issued.", serial=certificate.serial)
    return _("This enrolment already has certificate %(serial)s.", serial=certificate.serial)


@bp.route(
    "/certificates/cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>/issue", methods=["POST"]
)
@officers
def issue_one(cohort_id: int, enrolment_id: int):
    enrolment = web.child_or_404(Enrolment, enrolment_id, cohort_id=cohort_id)
    back = url_for("certificates.cohort_eligibility", cohort_id=cohort_id)
    # Ask only someone who can be given a certificate; for the others the act says why not.
    if not confirmed() and services.check_eligibility(enrolment, utcnow()).ok:
        return ask_first(_issue_question(enrolment, back))
    return web.act(
        lambda: services.issue(
            current_user, enrolment, utcnow(), storage.area("certificates"), _base_url()
        ),
        then=lambda pair: (
            url_for("certificates.show_certificate", certificate_id=pair[0].id)
            if pair
            else url_for("certificates.cohort_eligibility", cohort_id=cohort_id)
        ),
        success=_issued,
    )


@bp.route("/certificates/cohorts/<int:cohort_id>/issue", methods=["POST"])
@officers
def issue_all(cohort_id: int):
    cohort = web.found_or_404(training.load_cohort(cohort_id))
    question = _(
        "Issue certificates to every eligible trainee of %(cohort)s?",
        cohort=localised(cohort, "title"),
    )
    back = url_for("certificates.cohort_eligibility", cohort_id=cohort_id)
    asked = ask_first(Confirmation(question, _issue_consequence(), _("Issue them all"), back))
    if asked is not None:
        return asked
    return web.act(
        lambda: services.bulk_issue(
            current_user,
            cohort,
            utcnow(),
            storage.area("certificates"),
            _base_url(),
            workers=current_app.config["CERTIFICATE_WORKERS"],
        ),
        then=url_for("certificates.cohort_eligibility", cohort_id=cohort_id),
        success=lambda result: _(
            "%(issued)s certificates issued; %(existing)s already had one; %(ineligible)s "
            "not eligible.",
            issued=format_number(len(result.issued)),
            existing=format_number(len(result.existing)),
            ineligible=format_number(len(result.ineligible)),
        ),
    )


@bp.route("/certificates/<int:certificate_id>")
@roles_required(Role.OFFICER, Role.ADMIN, Role.TRAINEE)
def show_certificate(certificate_id: int):
    certificate = _viewable(certificate_id)
    now = utcnow()
    officer = current_user.has_role(Role.OFFICER, Role.ADMIN)
    return render_template(
        "certificates/show.html",
        c=certificate,
        d=certificate.data,
        status=certificate.status_on(local_date(now)),
        officer=officer,
        form=RevokeForm(),
        reissue_form=ReissueForm(prefix="reissue"),
        successor=services.successor(certificate),
        review=services.open_review(certificate) if officer else None,
        renewal=services.renewal_of(certificate, now),
        renew_months=services.RENEWAL_OPENS_MONTHS,
        verify_url=f"{_base_url()}/verify/{certificate.verification_code}",
    )


@bp.route("/certificates/<int:certificate_id>/renew", methods=["POST"])
@officers
def renew_on_cpd(certificate_id: int):
    certificate = _viewable(certificate_id)
    # Ask only when it can be renewed; otherwise the act says why not.
    if not confirmed() and services.renewal_of(certificate, utcnow()).cpd_ready:
        return ask_first(
            Confirmation(
                _("Renew certificate %(serial)s on CPD credits?", serial=certificate.serial),
                _(
                    "A new certificate with a new serial number and new dates replaces this "
                    "one, whose verification page then says so. The credits it was renewed on "
                    "count towards no later renewal."
                ),
                _("Renew"),
                url_for("certificates.show_certificate", certificate_id=certificate_id),
            )
        )
    return web.act(
        lambda: services.renew_on_cpd(
            current_user, certificate, utcnow(), storage.area("certificates"), _base_url()
        ),
        then=_page_of(certificate_id),
        success=lambda new: _("Certificate %(serial)s renews the earlier one.", serial=new.serial),
    )


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@officers
def revoke(certificate_id: int):
    certificate = _viewable(certificate_id)
    form = RevokeForm()
    reason = RevocationReason(form.reason.data) if form.validate_on_submit() else None
    page = url_for("certificates.show_certificate", certificate_id=certificate_id)
    if reason is not None:  # a refused form needs no question: it says what is missing
        asked = ask_first(
            Confirmation(
                _("Revoke certificate %(serial)s?", serial=certificate.serial),
                _(
                    "Its public verification page says at once that it is revoked, and why "
                    "(the category). A revocation cannot be undone: if it was made in error, a "
                    "new certificate is issued."
                ),
                _("Revoke"),
                page,
            )
        )
        if asked is not None:
            return asked
    return web.act(
        lambda: services.revoke(current_user, certificate, reason, form.note.data, utcnow()),
        then=url_for("certificates.show_certificate", certificate_id=certificate_id),
        success=_l("The certificate was revoked."),
    )


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["POST"])
@officers
def reissue(certificate_id: int):
    certificate = _viewable(certificate_id)
    form = ReissueForm(prefix="reissue")
    reason = form.reason.data if form.validate_on_submit() else None  # None: refused
    return web.act(
        lambda: services.reissue_corrected(
            current_user, certificate, reason, utcnow(), storage.area("certificates"), _base_url()
        ),
        then=_page_of(certificate_id),
        success=lambda new: _(
            "Certificate %(serial)s replaces the earlier one.", serial=new.serial
        ),
    )


@bp.route("/certificates/<int:certificate_id>/<any(pdf, pdfa):variant>")
@roles_required(Role.OFFICER, Role.ADMIN, Role.TRAINEE)
def download(certificate_id: int, variant: str):
    certificate = _viewable(certificate_id)
    if variant == "pdf":
        area = storage.area("certificates")
        data = web.run(lambda: services.download_pdf(current_user, certificate, area, utcnow()))
        data = data.value
        if isinstance(data, services.FailedCheck):
            page = render_template(
                "certificates/file_failed.html", certificate=certificate, problem=data.message
            )
            return page, 409
        name = f"{certificate.serial}.pdf"
    else:
        data = services.archival_pdf(certificate, _base_url())
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
    return render_template(
        "certificates/mine.html",
        held=services.holder_certificates(current_user.id, local_today()),
    )


from . import registry_routes, review_routes, verify_routes  # noqa: E402, F401 (add views to bp)
