"""Flask extensions, created unbound and initialised in `create_app`."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# The largest id an INTEGER column holds on every engine (PostgreSQL's is 4 bytes): a larger
# number in a URL or a filter is no row's id.
MAX_ID = 2**31 - 1

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
# Pages, styles and data compressed for slow connections (PDFs and fonts are left as they are).
compress = Compress()
# Rate limits (the public verification page). Storage from RATELIMIT_STORAGE_URI: memory in
# development and tests, Redis when several application servers must share the counts.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
