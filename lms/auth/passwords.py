"""Password hashing and the password policy."""

from __future__ import annotations

import gzip
import secrets
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import DomainError

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON = Path(__file__).parent / "data" / "common-passwords.txt.gz"
# Letters and digits that cannot be confused with each other when read aloud or on paper.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def check_policy(password: str, username: str | None = None) -> None:
    """Refuse a password that is too short, too long, very common or the login name."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_l("The password must have at least 8 characters."), "password")
    if len(password) > MAX_LENGTH:
        raise DomainError(_l("The password must have at most 128 characters."), "password")
    lowered = password.strip().lower()
    if lowered in common_passwords():
        raise DomainError(
            _l("This password is too common and easy to guess. Choose another."), "password"
        )
    if username and lowered == username.lower():
        raise DomainError(_l("The password must not be the login name."), "password")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same time as a real check so that unknown accounts cannot be told apart.
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    return not password_hash.startswith(method + "$")


@cache
def _dummy_hash_for(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def _dummy_hash() -> str:
    return _dummy_hash_for(current_app.config["PASSWORD_HASH_METHOD"])


def temporary_password() -> str:
    """A one-time password to read out or write down: 12 unambiguous characters."""
    chars = "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def temporary_until(now: datetime) -> datetime:
    """When a temporary password given now stops working (`LMS_TEMPORARY_PASSWORD_HOURS`)."""
    return now + timedelta(hours=current_app.config["LMS_TEMPORARY_PASSWORD_HOURS"])
