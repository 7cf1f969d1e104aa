"""Things one domain tells others without importing them: a tiny, synchronous registry.

Assessments tell certificates that the evidence behind an enrolment changed (a corrected record,
a confirmed panel decision); certificates then put a certificate under review when it no
longer stands on its evidence. Handlers run in the caller's transaction, in the order they
registered; a domain registers its handlers when its services are imported.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

EvidenceHandler = Callable[[object, object, str, datetime], None]
_evidence_changed: list[EvidenceHandler] = []


def on_evidence_changed(handler: EvidenceHandler) -> EvidenceHandler:
    """Register `handler(actor, enrolment, what_changed, now)` (usable as a decorator)."""
    if handler not in _evidence_changed:
        _evidence_changed.append(handler)
    return handler


def evidence_changed(actor, enrolment, what_changed: str, now: datetime) -> None:
    """Tell every handler that the evidence of `enrolment` changed (`what_changed`: a short
    description kept with whatever the handler records)."""
    for handler in _evidence_changed:
        handler(actor, enrolment, what_changed, now)
