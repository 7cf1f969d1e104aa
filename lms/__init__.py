"""A competency-based training LMS for Cambodia's health workforce."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, g, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import config as cfg
from .extensions import MAX_ID, babel, compress, csrf, db, limiter, migrate

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseInt(IntegerConverter):
    """`<int:…>` in URLs, up to the largest id a database column holds: a longer number is a
    404 like any unknown id, not an overflow in the driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    """Build the application. `config` overrides the environment (tests pass TESTING=True)."""
    app = Flask(
        __name__,
        template_folder=str(cfg.ROOT / "templates"),
        instance_path=str(cfg.INSTANCE),
        instance_relative_config=False,
    )
    settings = dict(cfg.DEFAULTS)
    if not (config or {}).get("TESTING"):
        settings.update(cfg.from_environment())
    else:
        settings.update(
            {
                "LMS_BASE_URL": "http://localhost",
                "UPLOAD_FOLDER": None,
                "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
                "LMS_PROXY_COUNT": 0,
            }
        )
    settings.update(config or {})
    app.config.update(settings)
    if app.config.get("SQLALCHEMY_DATABASE_URI", "").startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][10:]).parent.mkdir(parents=True, exist_ok=True)
    if app.config["LMS_PROXY_COUNT"]:
        n = app.config["LMS_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    app.url_map.converters["int"] = DatabaseInt
    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import i18n
    from .auth import sessions

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    sessions.init_app(app)
    _import_models()


def _import_models() -> None:
    # Every model module, so that metadata (and Alembic) see all tables.
    from .assessments import models as _assessments  # noqa: F401
    from .audit import models as _audit  # noqa: F401
    from .auth import models as _auth  # noqa: F401
    from .certificates import models as _certificates  # noqa: F401
    from .curricula import models as _curricula  # noqa: F401
    from .database import AppLock  # noqa: F401
    from .frameworks import models as _frameworks  # noqa: F401
    from .orgunits import models as _orgunits  # noqa: F401
    from .quality import models as _quality  # noqa: F401
    from .receipts import models as _receipts  # noqa: F401
    from .training import models as _training  # noqa: F401
    from .users import models as _users  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from .assessments.routes import bp as assessments_bp
    from .auth.routes import bp as auth_bp
    from .certificates.routes import bp as certificates_bp
    from .curricula.routes import bp as curricula_bp
    from .frameworks.routes import bp as frameworks_bp
    from .main.routes import bp as main_bp
    from .orgunits.routes import bp as orgunits_bp
    from .quality.routes import bp as quality_bp
    from .training.routes import bp as training_bp
    from .users.routes import bp as users_bp

    blueprints = (
        main_bp,
        auth_bp,
        users_bp,
        orgunits_bp,
        frameworks_bp,
        curricula_bp,
        training_bp,
        assessments_bp,
        certificates_bp,
        quality_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)


def _register_hooks(app: Flask) -> None:
    from .audit.services import client_ip
    from .auth import keeping
    from .auth.access import enforce_access
    from .auth.sessions import require_password_change
    from .main import errors, security
    from .receipts import guard as receipt_guard

    @app.before_request
    def _remember_client_ip():
        g.client_ip_token = client_ip.set(request.remote_addr)

    @app.teardown_request
    def _forget_client_ip(_exc):
        token = g.pop("client_ip_token", None)
        if token is not None:
            client_ip.reset(token)

    app.before_request(require_password_change)
    app.before_request(enforce_access)
    app.before_request(keeping.refill)  # after the access check: the page is theirs to see
    security.init_app(app)
    errors.init_app(app)
    receipt_guard.init_app(app)

    static_versions: dict[str, str] = {}

    def static_url(filename: str) -> str:
        # A content hash in the URL lets browsers keep static files for a year.
        version = static_versions.get(filename)
        if version is None:
            path = Path(app.static_folder) / filename
            version = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            static_versions[filename] = version
        return url_for("static", filename=filename, v=version)

    app.jinja_env.globals["static_url"] = static_url


def _register_cli(app: Flask) -> None:
    from .cli import register

    register(app)
