"""The moment the actions stamp on what they write: the present, or a clock passed in.

Every action reads the time through :func:`now` on its session. A caller that replays
history (``ruta demo`` builds fifteen months of casework) hands the session a clock with
:func:`use_clock`; everything else gets the system clock. The clock travels with the
session, like :func:`ruta.cases.batch`, because the session is the one object every
action already takes: no action's signature changes, no module global is patched, and
two sessions (two web requests, a request and a seeder) never see each other's clock.

Why not backdate rows after writing them: the audit chain hashes each event's time, and
the workflow history, decisions and permits must agree with it; only the actions write
them consistently.

Examples:
    >>> from sqlalchemy.orm import Session
    >>> session = Session()
    >>> replay = ReplayClock(datetime(2025, 9, 1, 14, 0, tzinfo=UTC))
    >>> use_clock(session, replay)
    >>> now(session).isoformat()
    '2025-09-01T14:00:00+00:00'
    >>> replay.set(datetime(2025, 9, 2, 9, 30, tzinfo=UTC))
    >>> now(session).date().isoformat()
    '2025-09-02'
    >>> use_clock(session, None)
    >>> now(session).year >= 2026
    True
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

__all__ = ["Clock", "ReplayClock", "now", "system_clock", "use_clock"]

#: A source of the present: returns a timezone-aware UTC datetime.
Clock = Callable[[], datetime]

_KEY = "ruta.clock"


def system_clock() -> datetime:
    """The machine's present, in UTC."""
    return datetime.now(UTC)


class ReplayClock:
    """A clock that says what it was last set to (for replaying history in order).

    Raises:
        ValueError: on :meth:`set` with a naive datetime, or one before the last set: a
            replay that went back in time would write a workflow history out of order.
    """

    def __init__(self, start: datetime) -> None:
        self._at = _aware(start)

    def set(self, moment: datetime) -> None:
        """Move the clock forward to ``moment``."""
        moment = _aware(moment)
        if moment < self._at:
            raise ValueError(
                f"a replay clock only moves forward: {moment.isoformat()} is before "
                f"{self._at.isoformat()}"
            )
        self._at = moment

    def __call__(self) -> datetime:
        return self._at


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"give a timezone-aware UTC time, not {moment.isoformat()}")
    return moment.astimezone(UTC)


def use_clock(session: Session, clock: Clock | None) -> None:
    """Make the actions run on ``session`` read ``clock`` (None: the system clock again)."""
    if clock is None:
        session.info.pop(_KEY, None)
    else:
        session.info[_KEY] = clock


def now(session: Session) -> datetime:
    """The present for the actions on ``session``: its clock's, else the machine's."""
    clock: Clock = session.info.get(_KEY, system_clock)
    return _aware(clock())
