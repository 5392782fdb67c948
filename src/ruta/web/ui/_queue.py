"""Work-queue arithmetic: how old a case is and where it stands against its review target.

The target (days from submission to decision) is a per-country casework parameter
(``ruta.cases.parameters.review_target_days``); this module only does the date sums, so
the queue page and its tests agree on what "overdue" means.

Examples:
    >>> from datetime import datetime, UTC
    >>> now = datetime(2026, 11, 28, tzinfo=UTC)
    >>> sla_state(datetime(2026, 11, 1, tzinfo=UTC), "in_review", 20, now)
    SlaState(age_days=27, days_left=-7, state='overdue')
    >>> sla_state(datetime(2026, 11, 25, tzinfo=UTC), "submitted", 20, now).state
    'on_time'
    >>> sla_state(datetime(2026, 11, 10, tzinfo=UTC), "submitted", 20, now).state
    'due_soon'
    >>> sla_state(datetime(2026, 11, 1, tzinfo=UTC), "approved", 20, now).state
    'closed'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ruta.cases.access import OFFICERS
from ruta.store.models import User

__all__ = ["OPEN_STATES", "SlaState", "officer_choices", "officers_of", "sla_state"]

#: States in which the office still owes the person a decision.
OPEN_STATES = ("submitted", "in_review", "information_requested", "decision_proposed", "appealed")
# A case enters "due soon" when this share of its target is left (at least two days), so
# a supervisor sees it while there is still time to reassign it.
_DUE_SOON_SHARE = 0.2
_DUE_SOON_MIN_DAYS = 2


@dataclass(frozen=True)
class SlaState:
    """Age of a case in days and its standing: on_time, due_soon, overdue, closed, draft."""

    age_days: int | None
    days_left: int | None
    state: str


def sla_state(
    submitted_at: datetime | None, status: str, target_days: int, now: datetime
) -> SlaState:
    """Where one case stands against the review target.

    Args:
        submitted_at: When the case was submitted (None for a draft).
        status: Workflow status.
        target_days: The country's review target.
        now: The current time (timezone-aware UTC).

    Returns:
        The age, the days left (negative when overdue) and the state name.
    """
    if submitted_at is None:
        return SlaState(None, None, "draft")
    age = (now - submitted_at).days
    if status not in OPEN_STATES:
        return SlaState(age, None, "closed")
    left = target_days - age
    if left < 0:
        return SlaState(age, left, "overdue")
    if left <= max(_DUE_SOON_MIN_DAYS, int(target_days * _DUE_SOON_SHARE)):
        return SlaState(age, left, "due_soon")
    return SlaState(age, left, "on_time")


def officer_choices(officers: list[User]) -> list[tuple[int, str]]:
    """``(id, "username (role)")`` for the reassign select, by username."""
    return [(u.id, f"{u.username} ({u.role})") for u in sorted(officers, key=lambda u: u.username)]


def officers_of(session: Session, country: str | None) -> list[User]:
    """The active officers of a country: who a case may be reassigned to.

    A read of user names only (no case data), kept here because ``ruta.cases`` has no
    listing of officers yet; ``do_assign`` still checks the choice.
    """
    if country is None:
        return []
    query = select(User).where(
        User.role.in_(sorted(OFFICERS)), User.country == country, User.active.is_(True)
    )
    return list(session.scalars(query))
