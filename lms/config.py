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


def _dev_secret_key() -> str:
    """A development key kept in instance/ so sessions survive restarts."""
    path = INSTANCE / "dev-secret-key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


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
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. Generate one with\n"
                "    python -c 'import secrets; print(secrets.token_hex(32))'\n"
                "and export it as SECRET_KEY before starting the application "
                "(or set LMS_ENV=development on a developer's machine)."
            )
        secret = _dev_secret_key()
    secure = env == "production"
    return {
        "LMS_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'lms.sqlite3'}")
        ),
        "LMS_BASE_URL": os.environ.get("LMS_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "UPLOAD_FOLDER": os.environ.get("LMS_UPLOAD_FOLDER", str(INSTANCE / "uploads")),
        "MAX_CONTENT_LENGTH": _int("LMS_MAX_UPLOAD_MB", 10) * 1024 * 1024,
        "LMS_PROXY_COUNT": _int("LMS_PROXY_COUNT", 0),
        "LMS_PAGE_SIZE": _int("LMS_PAGE_SIZE", DEFAULTS["LMS_PAGE_SIZE"]),
        "SESSION_COOKIE_SECURE": secure,
        "LMS_HSTS": secure,
        "RATELIMIT_STORAGE_URI": os.environ.get("LMS_RATELIMIT_STORAGE", "memory://"),
        "LMS_VERIFY_RATE_LIMIT": _rate("LMS_VERIFY_RATE_LIMIT", DEFAULTS["LMS_VERIFY_RATE_LIMIT"]),
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
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "BABEL_DEFAULT_LOCALE": "km",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Phnom_Penh",
    "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
    "LMS_LANGUAGES": ("km", "en"),
    "PASSWORD_HASH_METHOD": PRODUCTION_PASSWORD_HASH,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 5,
    "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
    "SEND_FILE_MAX_AGE_DEFAULT": timedelta(days=365),
    "LMS_PAGE_SIZE": 50,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # If the shared Redis is unreachable, each process counts alone (as with memory://) rather
    # than the public verification pages failing; Redis is tried again after a while.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "LMS_VERIFY_RATE_LIMIT": "30 per minute",
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
    # Tests hash many passwords; the production cost is asserted separately.
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    "SESSION_COOKIE_SECURE": False,
    "LMS_HSTS": False,
    "SERVER_NAME": None,
}
