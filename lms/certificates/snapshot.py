"""What a certificate says, frozen when it is issued: a typed value with a version.

Issuing, renewal, the corrected re-issue and the national generator build a
`CertificateSnapshot`; the pages, the PDF and public verification read it. It is stored as JSON
in `Certificate.snapshot` with the flat keys certificates have always had: version 1 only adds
`version`, so a snapshot stored before there were versions (no `version` key) loads as it is;
version 2 adds `by_panel`, the codes of the competencies a panel decided (kept only when there
are some; older snapshots load with none); version 3 adds `licence_council_km` and
`licence_council_en`, the council that gave the holder's licence number (kept only when there
is one; older snapshots print the number without it).

Item access (`snapshot["holder_en"]`, `{**snapshot}`) gives the stored form of a value (dates as
ISO text), for code that read the snapshot as the dict it used to be.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

SNAPSHOT_VERSION = 3

Competency = tuple[str, str, str]  # code, title in Khmer, title in English

_RENEWED_BY = ("renewed_by_refresher", "renewed_by_cpd_credits")
# Who the holder is: taken afresh when a certificate is renewed.
HOLDER_FIELDS = (
    "holder_km",
    "holder_en",
    "family_name_en",
    "family_name_km",
    "cadre_km",
    "cadre_en",
    "licence",
    "licence_council_km",
    "licence_council_en",
)
# Kept in the stored form only when not empty (older snapshots have no such keys).
_ONLY_WHEN_GIVEN = ("by_panel", "licence_council_km", "licence_council_en")

# Texts read as empty when a stored snapshot lacks them.
_TEXTS = (
    *HOLDER_FIELDS,
    "curriculum_code",
    "curriculum_km",
    "curriculum_en",
    "issuing_body_km",
    "issuing_body_en",
    "signatory_name_km",
    "signatory_name_en",
    "signatory_title_km",
    "signatory_title_en",
    "place_km",
    "place_en",
)


@dataclass(frozen=True)
class CertificateSnapshot:
    """The holder, the curriculum, the dates and the issuer as printed on one certificate."""

    holder_km: str
    holder_en: str
    family_name_en: str
    family_name_km: str
    cadre_km: str
    cadre_en: str
    licence: str
    curriculum_code: str
    curriculum_version: int | None
    curriculum_km: str
    curriculum_en: str
    hours: float
    cpd_credits: float
    competencies: tuple[Competency, ...]  # those achieved, as certified
    issued_on: date
    expires_on: date | None
    issuing_body_km: str
    issuing_body_en: str
    signatory_name_km: str
    signatory_name_en: str
    signatory_title_km: str
    signatory_title_en: str
    place_km: str
    place_en: str
    renewed_by_refresher: str | None = None  # the refresher curriculum's code
    renewed_by_cpd_credits: float | None = None  # the credits it was renewed on
    by_panel: tuple[str, ...] = ()  # codes of the competencies decided by a panel, not the rule
    licence_council_km: str = ""  # the council that gave the licence number
    licence_council_en: str = ""
    version: int = SNAPSHOT_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The stored form: JSON-ready values, in the order certificates have always had
        them; a renewal's cause, the panel's competencies and the licence's council only when
        there are some."""
        stored: dict[str, Any] = {"version": self.version}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "version" or (item.name in _RENEWED_BY and value is None):
                continue
            if item.name in _ONLY_WHEN_GIVEN and not value:
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif item.name == "competencies":
                value = [list(c) for c in value]
            elif item.name == "by_panel":
                value = list(value)
            stored[item.name] = value
        return stored

    def with_holder_of(self, other: CertificateSnapshot, **changes) -> CertificateSnapshot:
        """This snapshot with the holder's names, cadre and licence as `other` has them, and
        the other `changes` (dataclasses.replace's)."""
        return replace(self, **{name: getattr(other, name) for name in HOLDER_FIELDS}, **changes)

    def to_json(self) -> str:
        """The text kept in `Certificate.snapshot`."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> CertificateSnapshot:
        """A snapshot from its stored form, of any version so far (none: before versions),
        brought to this version: a text an older snapshot lacks reads as empty."""
        version = stored.get("version", 0)
        if version > SNAPSHOT_VERSION:
            raise ValueError(f"certificate snapshot version {version} is newer than this code")
        expires = stored.get("expires_on")
        return cls(
            **{name: stored.get(name) or "" for name in _TEXTS},
            curriculum_version=stored.get("curriculum_version"),
            hours=stored.get("hours", 0),
            cpd_credits=stored.get("cpd_credits", 0),
            competencies=tuple(tuple(c) for c in stored.get("competencies", ())),
            issued_on=date.fromisoformat(stored["issued_on"]),
            expires_on=date.fromisoformat(expires) if expires else None,
            renewed_by_refresher=stored.get("renewed_by_refresher"),
            renewed_by_cpd_credits=stored.get("renewed_by_cpd_credits"),
            by_panel=tuple(stored.get("by_panel", ())),
        )

    @classmethod
    def from_json(cls, text: str) -> CertificateSnapshot:
        """The snapshot kept in `Certificate.snapshot` (see `from_dict`)."""
        return cls.from_dict(json.loads(text))

    def keys(self):
        """The stored keys, so that `{**snapshot}` gives the stored form."""
        return self.to_dict().keys()

    def __getitem__(self, key: str) -> Any:
        """The stored form of one value (dates as ISO text)."""
        return self.to_dict()[key]
