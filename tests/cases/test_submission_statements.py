"""The submission's write path: few statements, rows as the ORM would have written them, and
objects that behave as loaded afterwards (both backends)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, select
from tests.cases.conftest import submission

from ruta.cases import actions
from ruta.cases._tx import batch
from ruta.cases.audit import verify_chain
from ruta.store.models import Applicant, Application, HouseholdMember, Transition

CHILD = {
    "given_names": "Ana",
    "surname_1": "Pérez",
    "date_of_birth": date(2015, 1, 2).isoformat(),
    "relationship": "child",
    "guardian": "applicant",
}


def _statements(database, session, do):
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE
            seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        do()
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    return seen


def test_a_submission_is_three_statements_on_postgresql(database, session, cast):
    seen = _statements(
        database,
        session,
        lambda: actions.do_submit_application(session, cast.caseworker, submission()),
    )
    # The applicant, the application and its step in one statement on PostgreSQL (three
    # on SQLite); the audit append takes the head, then writes the event (and, on
    # PostgreSQL, the head's new hash in the same statement).
    assert len(seen) == (3 if database.backend == "postgresql" else 6), seen
    assert not any(s.lstrip().upper().startswith("SELECT") for s in seen), seen


def test_rows_are_complete_and_objects_behave_as_loaded(session, cast):
    app, created = actions.do_submit_application(
        session, cast.caseworker, submission(household=[CHILD]), idempotency_key="k1"
    )
    assert created
    assert session.get(Application, app.id) is app  # in the identity map, not re-read
    assert app.household[0].id is not None and app.household[0].application_id == app.id
    session.expire_all()
    stored = session.get(Application, app.id)
    assert stored is not None
    assert (stored.status, stored.created_by, stored.idempotency_key) == (
        "submitted",
        cast.caseworker.id,
        "k1",
    )
    assert stored.submitted_at == stored.updated_at == stored.created_at is not None
    assert stored.applicant.surname_2 == "Gómez" and stored.applicant.languages == ["es"]
    members = session.scalars(select(HouseholdMember)).all()
    assert [(m.given_names, m.guardian) for m in members] == [("Ana", "applicant")]
    steps = session.scalars(select(Transition).where(Transition.application_id == app.id)).all()
    assert [(s.from_status, s.to_status, s.actor_id) for s in steps] == [
        ("draft", "submitted", cast.caseworker.id)
    ]


def test_a_change_after_submission_is_an_update_not_a_second_insert(session, cast):
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    app.office = "BOG-1"
    app.applicant.phone = "+57 300 000 0000"
    session.commit()
    session.expire_all()
    assert session.get(Application, app.id).office == "BOG-1"
    assert len(session.scalars(select(Applicant)).all()) == 1


def test_a_draft_has_no_step_and_no_submission_time(session, cast):
    app, _ = actions.do_submit_application(session, cast.caseworker, submission(), submit=False)
    session.expire_all()
    stored = session.get(Application, app.id)
    assert stored.status == "draft" and stored.submitted_at is None
    assert session.scalars(select(Transition)).all() == []


def test_submissions_in_a_batch_commit_together_and_the_chain_verifies(session, cast):
    with batch(session):
        for i in range(3):
            app, _ = actions.do_submit_application(
                session, cast.caseworker, submission(), idempotency_key=f"b{i}"
            )
            actions.do_transition(session, cast.caseworker, app.id, "in_review", "start")
    assert len(session.scalars(select(Application)).all()) == 3
    report = verify_chain(session)
    assert report.intact, report
