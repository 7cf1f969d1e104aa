"""Curricula in the database: writing and reading specs, coverage, versions and publishing.

The functions live in the modules of this package by what they are about; every caller names
them from here (`from lms.curricula import services; services.read_curriculum(...)`).
"""

from .content import content_hash, load_curriculum, read_curriculum, write_curriculum
from .coverage import Coverage, CoverageRow, coverage
from .versions import (
    UncoveredRequirements,
    find_curriculum,
    latest_versions,
    new_draft_version,
    publish_curriculum,
    retargeted,
    retire_curriculum,
    versions_of,
)

__all__ = [
    "Coverage",
    "CoverageRow",
    "UncoveredRequirements",
    "content_hash",
    "coverage",
    "find_curriculum",
    "latest_versions",
    "load_curriculum",
    "new_draft_version",
    "publish_curriculum",
    "read_curriculum",
    "retargeted",
    "retire_curriculum",
    "versions_of",
    "write_curriculum",
]
