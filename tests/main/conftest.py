"""The home page tests borrow the certificates' graduates: a closed cohort, two of three
trainees with complete evidence."""

from ..certificates.conftest import graduates  # noqa: F401 (a fixture, found by name)
