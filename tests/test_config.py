import pytest

from lms import config, create_app


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_production_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("LMS_AUDIT_KEY", "a" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgres://lms@db.example/lms")
    monkeypatch.setenv("LMS_BASE_URL", "https://lms.example.gov.kh/")
    monkeypatch.setenv("LMS_MAX_UPLOAD_MB", "5")
    settings = config.from_environment()
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://lms@db.example/lms"
    assert settings["LMS_BASE_URL"] == "https://lms.example.gov.kh"
    assert settings["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_development_defaults_to_sqlite_and_insecure_cookies(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = config.from_environment()
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert len(settings["SECRET_KEY"]) >= 32


def test_bad_number_in_environment_is_named(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "development")
    monkeypatch.setenv("LMS_MAX_UPLOAD_MB", "ten")
    with pytest.raises(config.ConfigError, match="LMS_MAX_UPLOAD_MB"):
        config.from_environment()


def test_production_password_hash_meets_owasp():
    # OWASP Password Storage Cheat Sheet: scrypt N=2^17, r=8, p=1 at least.
    method, n, r, p = config.DEFAULTS["PASSWORD_HASH_METHOD"].split(":")
    assert method == "scrypt"
    assert int(n) >= 2**17 and int(r) >= 8 and int(p) >= 1


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    from lms.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
