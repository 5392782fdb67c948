"""The clock seam: actions stamp the clock their session was given, else the present."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ruta.cases import actions, verify_chain
from ruta.cases.clock import ReplayClock, now, use_clock
from ruta.store.models import AuditEvent, Transition

from .conftest import submission

PAST = datetime(2025, 9, 1, 14, 30, tzinfo=UTC)


def test_actions_stamp_the_replay_clock_everywhere(session, cast):
    clock = ReplayClock(PAST)
    use_clock(session, clock)
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    clock.set(PAST + timedelta(days=3))
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "Taken")
    use_clock(session, None)
    assert app.submitted_at == PAST and app.created_at == PAST
    assert app.eligibility["as_of"] == PAST.date().isoformat()
    steps = session.scalars(select(Transition).where(Transition.application_id == app.id)).all()
    assert [s.at for s in steps] == [PAST, PAST + timedelta(days=3)]
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.application_id == app.id).order_by(AuditEvent.at)
    ).all()
    assert [e.at for e in events] == [PAST, PAST + timedelta(days=3)]
    assert verify_chain(session).intact  # the hashed times are the ones stored
    # Without a clock the present again.
    actions.do_transition(session, cast.caseworker, app.id, "information_requested", "Passport")
    assert app.updated_at > datetime.now(UTC) - timedelta(minutes=5)


def test_a_clock_belongs_to_its_session_only(database, session):
    use_clock(session, ReplayClock(PAST))
    with database.sessionmaker() as other:
        assert now(other) > PAST + timedelta(days=300)
    assert now(session) == PAST


def test_replay_clock_refuses_going_back_and_naive_times():
    clock = ReplayClock(PAST)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.set(PAST - timedelta(seconds=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2025, 9, 2))  # the naive time under test
