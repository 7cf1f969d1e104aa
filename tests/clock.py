"""The suite's one clock: frozen at a fixed moment, moved forward on request.

Every test runs on a clock that starts at `START` and ticks from there (time-machine patches
Python's clock for the whole process, so application code that reads it, Flask-Login,
itsdangerous and the rate limiter included, sees the same time). Fixtures and factories take
their dates from `today()` and `now()`, never from a calendar written into the test.

`LMS_TEST_CLOCK_SHIFT_DAYS=N` moves the start N days forward (`make test-shifted DAYS=N`; CI
runs 400 and 1,100): a test that passes only near the fixed moment fails there. Servers the
tests start in other processes (gunicorn, `flask setup`) get the same clock
(`subprocess_env`). Tests about a particular moment (23:30 UTC is already tomorrow in Phnom
Penh) pass that moment to the code themselves.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import time_machine

# Noon in Phnom Penh, mid-month and mid-quarter: a run of the suite never crosses a day.
BASE = datetime(2026, 11, 18, 5, 0, tzinfo=UTC)
SHIFT_ENV = "LMS_TEST_CLOCK_SHIFT_DAYS"

_traveller: time_machine.travel | None = None


def shift_days() -> int:
    raw = os.environ.get(SHIFT_ENV, "0").strip() or "0"
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{SHIFT_ENV} must be a whole number of days, not {raw!r}") from None


def start_moment() -> datetime:
    return BASE + timedelta(days=shift_days())


def start() -> None:
    """Freeze the clock for the run (called once, before any test module is imported).

    Not for the browser journeys (`make e2e`): Chromium keeps cookies by the machine's clock,
    so a server on another clock would set session cookies it throws away at once. They run
    on the machine's clock, and take their dates from `today()` all the same."""
    global _traveller
    if os.environ.get("LMS_E2E"):
        return
    _traveller = time_machine.travel(start_moment(), tick=True)
    _traveller.start()


def frozen() -> bool:
    return _traveller is not None


def stop() -> None:
    if _traveller is not None:
        _traveller.stop()


def now() -> datetime:
    """Now, as the application reads it: naive UTC."""
    from lms.database import utcnow

    return utcnow()


def today() -> date:
    """Today in Cambodia, on the suite's clock."""
    from lms.i18n import local_today

    return local_today()


def days(n: int) -> date:
    """The day `n` days from today (negative: ago)."""
    return today() + timedelta(days=n)


def later(delta: timedelta) -> time_machine.travel:
    """A context in which the clock runs `delta` ahead (for waits: `with clock.later(...)`)."""
    return time_machine.travel(now() + delta, tick=True)


def offset_seconds() -> float:
    """How far the suite's clock is from the machine's."""
    return datetime.now(UTC).timestamp() - time_machine.escape_hatch.time.time()


HOOK = Path(__file__).resolve().parent / "clock_hook"


def subprocess_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """`env` (default: this process's) for a Python child process that must share the suite's
    clock: its `sitecustomize` (tests/clock_hook) starts the same travel at start-up, and the
    child's children (gunicorn's workers, rendering processes) inherit it."""
    env = dict(os.environ if env is None else env)
    if not frozen():
        return env
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HOOK), env.get("PYTHONPATH")) if p)
    env["LMS_TEST_CLOCK_OFFSET"] = repr(offset_seconds())
    return env
