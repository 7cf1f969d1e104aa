"""What an administrator must see to (lms/users/todo.py, lms/curricula/todo.py), without HTTP:
accounts held back by login delays, temporary passwords that expired unused, draft frameworks
and curricula; a fixed number of queries whatever the accounts."""

from __future__ import annotations

from datetime import timedelta

from lms.auth import throttle
from lms.auth.roles import Role
from lms.curricula import todo as curricula_todo
from lms.curricula.importer import import_paths
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import local_date
from lms.users import services as users
from lms.users import todo

from .. import factories
from ..conftest import count_queries
from ..curricula import samples


def _delay(user, now, ip="10.0.0.1"):
    """Fail the user's logins from one address until they must wait."""
    policy = throttle.Policy()
    for _ in range(policy.pair):
        assert throttle.reserve(user, ip, now, policy) is None
    db.session.commit()


def _expired_temporary(admin, now):
    """An account whose temporary password was given four days ago and never changed."""
    person = factories.user()
    users.reset_password(admin, person, now - timedelta(days=4))
    db.session.commit()
    return person


def test_accounts_an_administrator_must_see_to(app):
    admin = factories.user(roles=[Role.ADMIN])
    now = utcnow()
    assert todo.admin(admin, now) == []
    held, fresh = factories.user(), factories.user()
    _delay(held, now)
    users.reset_password(admin, fresh, now)  # just given: nothing to do yet
    expired = _expired_temporary(admin, now)
    gone = _expired_temporary(admin, now)
    users.set_active(admin, gone, False, now)  # deactivated: nobody to help
    db.session.commit()
    items = todo.admin(admin, now)
    assert [(i.code, dict(i.args)["user_id"]) for i in items] == [
        ("login_delayed", held.id),
        ("temporary_password_expired", expired.id),
    ]
    assert items[0].endpoint == "users.show_user" and items[0].subject_en == held.full_name_en
    assert items[0].count == throttle.Policy().pair  # the failed attempts
    assert items[1].facts[0].value == local_date(expired.password_expires_at)
    assert todo.admin(admin, now + timedelta(hours=2))[0].code != "login_delayed"  # it has run out


def test_draft_frameworks_and_curricula_are_counted(app, curriculum, tmp_path):
    admin = factories.user(roles=[Role.ADMIN])
    assert curricula_todo.admin(admin, utcnow()) == []
    draft = samples.curriculum(code="TST-DRAFT", status="draft")
    import_paths(None, [samples.write(tmp_path, "draft.yaml", draft)], utcnow())
    db.session.commit()
    [item] = curricula_todo.admin(admin, utcnow())
    assert (item.code, item.count, item.endpoint) == (
        "draft_curricula",
        1,
        "curricula.list_curricula",
    )
    assert dict(item.args) == {"status": "draft"}


def test_the_account_list_takes_a_fixed_number_of_queries(app):
    admin = factories.user(roles=[Role.ADMIN])
    now = utcnow()
    counts = []
    for n in (1, 8):
        for k in range(n):
            _delay(factories.user(), now, ip=f"10.0.{n}.{k}")
            _expired_temporary(admin, now)
        assert admin.roles
        with count_queries() as q:
            items = todo.admin(admin, now)
            curricula_todo.admin(admin, now)
        assert len(items) == (2 * n if n == 1 else 2 * todo.MOST + 1)  # then "more accounts"
        counts.append(q.count)
    assert counts[0] == counts[1] == 3, counts
