"""Certificates: who is eligible, issuing, renewal and corrections, the registry, verification.

`from lms.certificates import services` gives every public name of the modules below:
- `eligibility`: every condition for a certificate, each unmet one a reason;
- `settings`: the issuing body and signatory printed on certificates;
- `records`: serials, dates of validity, the frozen snapshot, the current certificate;
- `rendering`: the PDF's plain context, rendering and storing, the stored bytes;
- `issuing`: issuing one enrolment's certificate, or a whole cohort's;
- `renewal`: renewal on a refresher or on CPD credits;
- `renewal_paths`: how one certificate renews, and what stands in the way today;
- `corrections`: revocation and the corrected re-issue;
- `registry`: the officers' search, a holder's certificates, successors, who sees one;
- `verification`: public look-ups and what anyone may know.
"""

from __future__ import annotations

from .corrections import reissue_corrected, revoke
from .eligibility import (
    CohortCertificates,
    CohortRow,
    Eligibility,
    NotEligible,
    Reason,
    check_eligibility,
    cohort_certificates,
    cohort_eligibility,
)
from .issuing import BulkResult, bulk_issue, issue
from .records import (
    active_certificate,
    active_certificates,
    add_months,
    expiry_date,
    next_serial,
)
from .registry import (
    CSV_HEADER,
    EXPIRING_DAYS,
    HeldCertificate,
    RegistryFilters,
    RegistryPage,
    holder_certificates,
    may_see,
    registry_certificates,
    registry_csv_rows,
    registry_page,
    registry_query,
    successor,
)
from .rendering import FailedCheck, Renderer, archival_pdf, download_pdf, pdf_context, stored_pdf
from .renewal import (
    RENEWAL_OPENS_MONTHS,
    CpdRenewal,
    cpd_renewal,
    cpd_renewal_opens_on,
    renew_on_cpd,
    renewal_target,
)
from .renewal_paths import RefresherPlace, Renewal, renewal_of
from .review import (
    close_review,
    open_review,
    review_if_ineligible,
    reviews_waiting,
    reviews_waiting_count,
)
from .settings import DEFAULT_SETTINGS, all_settings, general_settings, save_settings, settings_for
from .verification import (
    by_code,
    by_serial_and_family_name,
    public_reason,
    public_record,
    verification_state,
)

__all__ = [
    "close_review",
    "open_review",
    "review_if_ineligible",
    "reviews_waiting",
    "reviews_waiting_count",
    "CSV_HEADER",
    "DEFAULT_SETTINGS",
    "EXPIRING_DAYS",
    "BulkResult",
    "CohortCertificates",
    "CohortRow",
    "CpdRenewal",
    "RENEWAL_OPENS_MONTHS",
    "RefresherPlace",
    "Renewal",
    "Eligibility",
    "HeldCertificate",
    "NotEligible",
    "Reason",
    "RegistryFilters",
    "RegistryPage",
    "Renderer",
    "active_certificate",
    "active_certificates",
    "add_months",
    "all_settings",
    "archival_pdf",
    "bulk_issue",
    "by_code",
    "by_serial_and_family_name",
    "check_eligibility",
    "cohort_certificates",
    "cohort_eligibility",
    "cpd_renewal",
    "cpd_renewal_opens_on",
    "expiry_date",
    "general_settings",
    "holder_certificates",
    "issue",
    "may_see",
    "next_serial",
    "pdf_context",
    "public_record",
    "registry_certificates",
    "registry_csv_rows",
    "registry_page",
    "registry_query",
    "reissue_corrected",
    "renew_on_cpd",
    "renewal_of",
    "renewal_target",
    "revoke",
    "save_settings",
    "settings_for",
    "stored_pdf",
    "download_pdf",
    "FailedCheck",
    "successor",
    "verification_state",
    "public_reason",
]
