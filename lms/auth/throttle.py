"""Throttling failed logins the way trusted systems do (OWASP's authentication guidance, NIST
SP 800-63B 5.2.2): growing delays rather than a hard lock, counted per resolved account, per
account and address, and per address, each with its own allowance.

- An account from one address (`pair`) gets a few free tries, then waits 1, 2, 4… minutes.
  A typo-prone trainee locks only themself, on their own phone, briefly.
- An account from all addresses (`account`) gets more, so that guessing from many addresses
  is slowed down without anyone being able to lock the owner out for long.
- An address (`address`) gets many, since a clinic or a school shares one address: a whole
  training room is not held back by one person's mistakes.

The login typed is resolved to its account first, so a login name and an e-mail address count
together; unknown logins count only against the address.

Each attempt is counted before its password is checked, under a lock, and committed: however
many attempts run at once, on SQLite or PostgreSQL, no more passwords are checked than the
allowance. A success takes its own attempt back and clears the account's counts; so do an
administrator's "clear" and a password reset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..audit import services as audit
from ..database import acquire_lock
from ..extensions import db
from ..users.models import User
from .models import LoginThrottle


@dataclass(frozen=True)
class Policy:
    """How many failures each kind of count allows before delays begin, and the delays."""

    pair: int = 5
    account: int = 10
    address: int = 100
    first_delay: timedelta = timedelta(minutes=1)
    longest_delay: timedelta = timedelta(hours=1)
    forget_after: timedelta = timedelta(hours=24)  # a count with no failure for this long restarts

    @classmethod
    def from_config(cls, config) -> Policy:
        return cls(
            pair=config["LOGIN_FREE_TRIES_PER_ACCOUNT_AND_ADDRESS"],
            account=config["LOGIN_FREE_TRIES_PER_ACCOUNT"],
            address=config["LOGIN_FREE_TRIES_PER_ADDRESS"],
        )

    def delay(self, over: int) -> timedelta:
        """The wait after the `over`-th failure past the allowance (1, 2, 4… minutes)."""
        return min(self.longest_delay, self.first_delay * 2 ** min(over, 20))


@dataclass(frozen=True)
class Count:
    key: str
    user_id: int | None
    ip: str | None
    allowance: int


def counts(user: User | None, ip: str | None, policy: Policy) -> list[Count]:
    """The counts one attempt goes into."""
    found = []
    if ip:
        found.append(Count(f"address:{ip}", None, ip, policy.address))
    if user is not None:
        found.append(Count(f"account:{user.id}", user.id, None, policy.account))
        if ip:
            found.append(Count(f"pair:{user.id}:{ip}", user.id, ip, policy.pair))
    return found


def _fresh(row: LoginThrottle, now: datetime, policy: Policy) -> bool:
    return row.last_at > now - policy.forget_after


def reserve(user: User | None, ip: str | None, now: datetime, policy: Policy) -> timedelta | None:
    """Count an attempt before its password is checked (the caller commits at once). When a
    count is still waiting, nothing is counted and the wait is returned."""
    acquire_lock("login-throttle")
    wanted = counts(user, ip, policy)
    rows = {
        row.key: row
        for row in db.session.scalars(
            sa.select(LoginThrottle).where(LoginThrottle.key.in_([c.key for c in wanted]))
        )
    }
    waits = [
        row.next_at - now
        for row in rows.values()
        if row.next_at is not None and row.next_at > now and _fresh(row, now, policy)
    ]
    if waits:
        return max(waits)
    for count in wanted:
        row = rows.get(count.key)
        if row is None:
            row = LoginThrottle(key=count.key, user_id=count.user_id, ip=count.ip, failures=0)
            db.session.add(row)
        elif not _fresh(row, now, policy):
            row.failures = 0
        row.failures += 1
        row.last_at = now
        over = row.failures - count.allowance
        row.next_at = now + policy.delay(over) if over >= 0 else None
    return None


def succeeded(user: User, ip: str | None, now: datetime, policy: Policy) -> None:
    """A right password: the account's counts go, and the address gets its attempt back."""
    clear(user)
    if ip:
        row = db.session.get(LoginThrottle, f"address:{ip}")
        if row is not None and row.failures > 0:
            row.failures -= 1
            over = row.failures - policy.address
            row.next_at = now + policy.delay(over) if over >= 0 else None


def clear(user: User) -> int:
    """Remove every count of the account (from all addresses); how many there were."""
    result = db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.user_id == user.id))
    return result.rowcount or 0


def clear_by_administrator(actor, user: User, now: datetime) -> int:
    """An administrator lifts the account's login delays (audited; the caller commits)."""
    cleared = clear(user)
    audit.record(actor, "user.login_delays_cleared", user, now=now, counts=cleared)
    return cleared


@dataclass(frozen=True)
class AccountState:
    """What an administrator sees of an account's failed logins."""

    failures: int  # across all addresses, in the current count
    waiting_until: datetime | None  # the latest wait on any of its counts, if still running
    addresses: int  # addresses it failed from


def account_state(user: User, now: datetime, policy: Policy) -> AccountState:
    mine = sa.select(LoginThrottle).where(LoginThrottle.user_id == user.id)
    rows = [row for row in db.session.scalars(mine) if _fresh(row, now, policy)]
    account = next((r for r in rows if r.key.startswith("account:")), None)
    waits = [r.next_at for r in rows if r.next_at is not None and r.next_at > now]
    return AccountState(
        failures=account.failures if account else 0,
        waiting_until=max(waits) if waits else None,
        addresses=sum(1 for r in rows if r.key.startswith("pair:")),
    )


def forget_old(now: datetime, policy: Policy) -> None:
    """Drop counts with no failure for a long while (kept small; called now and then)."""
    db.session.execute(
        sa.delete(LoginThrottle).where(LoginThrottle.last_at < now - policy.forget_after)
    )
