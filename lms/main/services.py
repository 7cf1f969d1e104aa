"""What the health check asks of this server."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from ..extensions import db


def database_answers() -> bool:
    """Whether this server reaches its database; a failure is logged and rolled back so the
    session stays usable."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("health check: the database does not answer")
        return False
    return True
