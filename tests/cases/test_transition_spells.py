"""Each workflow step's end, closing decision and recorded decision, as the actions write
them and as the migrations fill them for an older store (the statistics read them)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text, update

from ruta.cases import actions
from ruta.cases.clock import ReplayClock, use_clock
from ruta.store.models import Decision, Transition

from .conftest import submission

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_SPELLS = importlib.import_module("ruta.store.migrations.versions.0010_transition_spells")
_DECISION = importlib.import_module("ruta.store.migrations.versions.0011_transition_decision")


def _steps(session, app_id: str) -> list[tuple[object, ...]]:
    session.expire_all()
    query = select(Transition).where(Transition.application_id == app_id).order_by(Transition.id)
    return [
        (s.to_status, s.at, s.ended_at, s.closed_at, s.decision_id) for s in session.scalars(query)
    ]


def _replay(session, cast) -> tuple[str, str]:
    """Two cases moved day by day: one denied, appealed and denied again; one in review."""
    clock = ReplayClock(START)
    use_clock(session, clock)
    day = iter(range(1, 100))

    def tick() -> None:
        clock.set(START + timedelta(days=next(day)))

    appealed, _ = actions.do_submit_application(session, cast.caseworker, submission())
    waiting, _ = actions.do_submit_application(session, cast.caseworker, submission())
    for to in ("in_review", "information_requested", "in_review"):
        tick()
        actions.do_transition(session, cast.caseworker, appealed.id, to, "next")
    tick()
    actions.do_transition(session, cast.caseworker, waiting.id, "in_review", "picked")
    for second in (False, True):
        tick()
        actions.do_propose_decision(session, cast.caseworker, appealed.id, "denied", ["no"])
        tick()
        actions.do_decide(session, cast.supervisor, appealed.id, "denied", ["no"])
        if not second:
            tick()
            actions.do_transition(session, cast.caseworker, appealed.id, "appealed", "appeal")
            tick()
            actions.do_transition(session, cast.supervisor, appealed.id, "in_review", "again")
    use_clock(session, None)
    return appealed.id, waiting.id


def test_a_step_ends_when_the_next_comes_and_closes_with_its_episodes_decision(session, cast):
    appealed, waiting = _replay(session, cast)
    steps = _steps(session, appealed)
    assert [s[0] for s in steps] == [
        "submitted",
        "in_review",
        "information_requested",
        "in_review",
        "decision_proposed",
        "denied",
        "appealed",
        "in_review",
        "decision_proposed",
        "denied",
    ]
    ats = [s[1] for s in steps]
    assert [s[2] for s in steps] == [*ats[1:], None]
    first, second = ats[5], ats[9]
    assert [s[3] for s in steps] == [first] * 6 + [second] * 4
    # Each decision step names its final decision; no other step names one.
    decisions = session.scalars(
        select(Decision.id).where(Decision.application_id == appealed).order_by(Decision.id)
    ).all()
    assert [s[4] for s in steps] == [None] * 5 + [decisions[0]] + [None] * 3 + [decisions[1]]
    # The case still in review: its first step ended, its current one has not, no decision.
    (submitted, _, ended, closed, _), (current, picked, end, close, _) = _steps(session, waiting)
    assert (submitted, current) == ("submitted", "in_review")
    assert ended == picked and end is None and closed is None and close is None


def test_the_migrations_fill_older_rows_as_the_actions_write_them(session, cast):
    ids = _replay(session, cast)
    written = [_steps(session, i) for i in ids]
    session.execute(update(Transition).values(ended_at=None, closed_at=None, decision_id=None))
    assert all(s[2:] == (None, None, None) for s in _steps(session, ids[0]))
    for statement in (_SPELLS._BACKFILL, *_DECISION._BACKFILL):
        session.execute(text(statement))
    assert [_steps(session, i) for i in ids] == written
