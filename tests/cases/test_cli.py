"""The casework commands through the real entry point ``ruta.cli.main`` on both backends:
``db upgrade``, ``users create`` (password on stdin), ``audit verify``, errors exit 2.

In-process (argv, stdin and environment patched) because a fresh interpreter importing
every pillar costs seconds per call on the shared machine."""

from __future__ import annotations

from sqlalchemy import text
from tests.cases.conftest import submission

from ruta.cases import actions


def test_upgrade_create_user_and_verify(ruta, session, cast):
    assert ruta("db", "upgrade").returncode == 0
    made = ruta(
        "users",
        "create",
        "lucia",
        "--role",
        "caseworker",
        "--country",
        "per",
        stdin="a-long-password\n",
    )
    assert made.returncode == 0 and "caseworker lucia" in made.stdout
    actions.do_submit_application(session, cast.caseworker, submission())
    ok = ruta("audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout


def test_bad_input_exits_2_with_the_field_on_stderr(ruta):
    bad = ruta(
        "users",
        "create",
        "lucia",
        "--role",
        "emperor",
        "--country",
        "PER",
        stdin="a-long-password\n",
    )
    assert bad.returncode == 2 and "role" in bad.stderr and "Traceback" not in bad.stderr
    empty = ruta("users", "create", "lucia", "--role", "caseworker", "--country", "PER")
    assert empty.returncode == 2 and "password" in empty.stderr


def test_verify_names_the_first_broken_event(ruta, database, session, cast):
    actions.do_submit_application(session, cast.caseworker, submission())
    session.close()
    with database.engine.begin() as conn:
        if database.backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = 3"))
    broken = ruta("audit", "verify")
    assert broken.returncode == 1 and "event 3" in broken.stderr


def test_demo_refuses_outside_development(ruta, monkeypatch):
    monkeypatch.setenv("RUTA_ENV", "test")
    monkeypatch.setenv("RUTA_SECRET_KEY", "s" * 40)
    refused = ruta("demo", "--no-serve", "--applicants", "1")
    assert refused.returncode == 2 and "RUTA_ENV=development" in refused.stderr


def test_serve_refuses_the_default_secret_in_production(ruta, monkeypatch):
    monkeypatch.setenv("RUTA_ENV", "production")
    refused = ruta("serve")
    assert refused.returncode == 2 and "secret_key" in refused.stderr


def test_due_reminders_lists_and_marks(ruta, session, cast):
    from datetime import UTC, datetime, timedelta

    actions.do_create_office(session, cast.supervisor, "BOG-1", "Bogotá")
    start = datetime.now(UTC) + timedelta(hours=20)
    (slot,) = actions.do_open_slots(session, cast.supervisor, "BOG-1", [start])
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    appt = actions.do_book_appointment(session, cast.caseworker, app.id, slot.id)
    listed = ruta("appointments", "due-reminders", "--mark")
    assert listed.returncode == 0 and listed.stdout.startswith(f"{appt.id}\t{app.id}")
    again = ruta("appointments", "due-reminders")
    assert again.stdout == "" and "0 reminder(s) due" in again.stderr
