"""Certificates under review: the officers' list and their decision (confirm or revoke)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import web
from ..database import utcnow
from . import services
from .forms import ReviewDecisionForm
from .models import CertificateReview
from .routes import bp, officers


def _page(posted: ReviewDecisionForm | None = None, review_id: int | None = None):
    """The list, each review with its own form (the one just sent, with its errors)."""
    reviews = services.reviews_waiting()
    forms = {r.id: ReviewDecisionForm(formdata=None, prefix=f"r{r.id}") for r in reviews}
    if posted is not None:
        forms[review_id] = posted
    return render_template("certificates/reviews.html", reviews=reviews, forms=forms)


@bp.route("/certificates/reviews")
@officers
def list_reviews():
    return _page()


@bp.route("/certificates/reviews/<int:review_id>", methods=["POST"])
@officers
def decide_review(review_id: int):
    review = web.get_or_404(CertificateReview, review_id)
    form = ReviewDecisionForm(prefix=f"r{review_id}")
    if form.validate_on_submit():
        outcome, reason = form.decision()
        done = web.run(
            lambda: services.close_review(
                current_user, review, outcome, form.note.data, utcnow(), reason
            ),
            form=form if review.is_open else None,  # decided meanwhile: said in a flash
            success=_("The review was decided."),
        )
        if done or not review.is_open:
            return redirect(url_for("certificates.list_reviews"))
    return _page(form, review_id), 400
