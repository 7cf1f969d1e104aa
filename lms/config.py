"""Settings, read from the environment.

`LMS_ENV` is `production` (the default), `development` or `testing`. Outside development and
testing the application refuses to start without a `SECRET_KEY`.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from limits import parse_many

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("LMS_INSTANCE_PATH", ROOT / "instance"))

# OWASP Password Storage Cheat Sheet: scrypt with N=2^17, r=8, p=1.
PRODUCTION_PASSWORD_HASH = "scrypt:131072:8:1"  # noqa: S105 (a method, not a secret)


class ConfigError(RuntimeError):
    """The environment does not hold a setting the application needs."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc


def _rate(name: str, default: str) -> str:
    raw = os.environ.get(name) or default
    try:
        parse_many(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a rate such as '30 per minute', not {raw!r}") from exc
    return raw


def _dev_secret_key(name: str = "dev-secret-key") -> str:
    """A development key kept in instance/ so sessions (and the audit trail) survive restarts."""
    path = INSTANCE / name
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _key(env: str, name: str, dev_file: str, advice: str) -> str:
    """A key from the environment: required in production, else kept in instance/."""
    key = os.environ.get(name)
    if key:
        return key
    if env == "production":
        raise ConfigError(
            f"{name} is not set. Generate one with\n"
            "    python -c 'import secrets; print(secrets.token_hex(32))'\n"
            f"and export it as {name} {advice}."
        )
    return _dev_secret_key(dev_file)


def _audit_key(env: str, secret: str) -> str:
    """The key of the audit trail's HMAC chain: kept out of the database, and not the session
    key (whoever has one of them must not have both)."""
    key = _key(
        env, "LMS_AUDIT_KEY", "dev-audit-key", "(keep a copy apart from the database backups)"
    )
    if key == secret:
        raise ConfigError("LMS_AUDIT_KEY must not be the same as SECRET_KEY.")
    if len(key) < 32:
        raise ConfigError("LMS_AUDIT_KEY must be at least 32 characters long.")
    return key


def database_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment() -> dict:
    env = os.environ.get("LMS_ENV", "production")
    if env not in {"production", "development", "testing"}:
        raise ConfigError(f"LMS_ENV must be production, development or testing, not {env!r}")
    secret = _key(
        env,
        "SECRET_KEY",
        "dev-secret-key",
        "before starting the application (or set LMS_ENV=development on a developer's machine)",
    )
    secure = env == "production"
    return {
        "LMS_ENV": env,
        "SECRET_KEY": secret,
        "LMS_AUDIT_KEY": _audit_key(env, secret),
        "SQLALCHEMY_DATABASE_URI": database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'lms.sqlite3'}")
        ),
        "LMS_BASE_URL": os.environ.get("LMS_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "UPLOAD_FOLDER": os.environ.get("LMS_UPLOAD_FOLDER", str(INSTANCE / "uploads")),
        "MAX_CONTENT_LENGTH": _int("LMS_MAX_UPLOAD_MB", 10) * 1024 * 1024,
        "LMS_PROXY_COUNT": _int("LMS_PROXY_COUNT", 0),
        "LMS_PAGE_SIZE": _int("LMS_PAGE_SIZE", DEFAULTS["LMS_PAGE_SIZE"]),
        "SESSION_COOKIE_SECURE": secure,
        # A __Host- cookie is sent only over HTTPS, for this host and every path, never set
        # by a subdomain: the browser enforces it.
        "SESSION_COOKIE_NAME": "__Host-lms_session" if secure else DEFAULTS["SESSION_COOKIE_NAME"],
        "LMS_HSTS": secure,
        "LMS_HSTS_SUBDOMAINS": _int("LMS_HSTS_SUBDOMAINS", 1) == 1,
        "LMS_IDLE_MINUTES_STAFF": _int(
            "LMS_IDLE_MINUTES_STAFF", DEFAULTS["LMS_IDLE_MINUTES_STAFF"]
        ),
        "LMS_PENDING_MINUTES": _int("LMS_PENDING_MINUTES", DEFAULTS["LMS_PENDING_MINUTES"]),
        "LMS_IDLE_MINUTES_TRAINEE": _int(
            "LMS_IDLE_MINUTES_TRAINEE", DEFAULTS["LMS_IDLE_MINUTES_TRAINEE"]
        ),
        "LMS_TEMPORARY_PASSWORD_HOURS": _int(
            "LMS_TEMPORARY_PASSWORD_HOURS", DEFAULTS["LMS_TEMPORARY_PASSWORD_HOURS"]
        ),
        "RATELIMIT_STORAGE_URI": os.environ.get("LMS_RATELIMIT_STORAGE", "memory://"),
        "LMS_VERIFY_RATE_LIMIT": _rate("LMS_VERIFY_RATE_LIMIT", DEFAULTS["LMS_VERIFY_RATE_LIMIT"]),
        "LMS_LOOKUP_RATE_LIMIT": _rate("LMS_LOOKUP_RATE_LIMIT", DEFAULTS["LMS_LOOKUP_RATE_LIMIT"]),
        # Processes rendering certificate PDFs during a large bulk issue.
        "CERTIFICATE_WORKERS": _int("LMS_CERTIFICATE_WORKERS", min(os.cpu_count() or 1, 4)),
    }


DEFAULTS: dict = {
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "lms_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),  # however active, log in again after
    # Without a request for this long a session ends: staff (on shared clinic computers) sooner
    # than trainees, who read and answer tests on their own phones.
    "LMS_IDLE_MINUTES_STAFF": 30,
    "LMS_IDLE_MINUTES_TRAINEE": 120,
    "LMS_TEMPORARY_PASSWORD_HOURS": 72,
    # A form posted after its session ended is kept this long for its author to log in again.
    "LMS_PENDING_MINUTES": 30,
    "LMS_HSTS_SUBDOMAINS": True,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "BABEL_DEFAULT_LOCALE": "km",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Phnom_Penh",
    "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
    "LMS_LANGUAGES": ("km", "en"),
    "PASSWORD_HASH_METHOD": PRODUCTION_PASSWORD_HASH,
    # Failed logins allowed before delays begin (lms/auth/throttle.py).
    "LOGIN_FREE_TRIES_PER_ACCOUNT_AND_ADDRESS": 5,
    "LOGIN_FREE_TRIES_PER_ACCOUNT": 10,
    "LOGIN_FREE_TRIES_PER_ADDRESS": 100,
    "SEND_FILE_MAX_AGE_DEFAULT": timedelta(days=365),
    "LMS_PAGE_SIZE": 50,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # If the shared Redis is unreachable, each process counts alone (as with memory://) rather
    # than the public verification pages failing; Redis is tried again after a while.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "LMS_VERIFY_RATE_LIMIT": "30 per minute",
    # Looking up by serial and family name is a search: far fewer per address than opening a
    # QR code's address, so serials cannot be walked to list a curriculum's holders.
    "LMS_LOOKUP_RATE_LIMIT": "10 per hour",
    "CERTIFICATE_WORKERS": 1,
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/csv",
        "application/json",
        "image/svg+xml",
    ],
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_MIN_SIZE": 500,
}

TESTING: dict = {
    "LMS_ENV": "testing",
    "TESTING": True,
    "SECRET_KEY": "testing-only-key",
    "LMS_AUDIT_KEY": "testing-only-audit-key-not-the-secret-key",
    # Tests hash many passwords; the production cost is asserted separately.
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    "SESSION_COOKIE_SECURE": False,
    "LMS_HSTS": False,
    "SERVER_NAME": None,
}
