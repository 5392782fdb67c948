"""The synthetic demo: officers and applicants of COL and PER in every workflow state."""

from __future__ import annotations

from sqlalchemy import func, select

from ruta.cases import verify_chain
from ruta.cases.demo import DEMO_COUNTRIES, seed_demo
from ruta.cases.workflow import STATES
from ruta.store.models import Application, Appointment


def test_demo_covers_every_state_in_both_countries_and_is_idempotent(session, tmp_path):
    logins, counts = seed_demo(session, applicants=72, keys_dir=tmp_path)
    assert set(counts) == set(STATES) and sum(counts.values()) == 72
    by_country = dict(
        session.execute(
            select(Application.host_country, func.count()).group_by(Application.host_country)
        ).all()
    )
    assert set(by_country) == set(DEMO_COUNTRIES)
    assert {role for _, _, role, _ in logins} == {
        "applicant",
        "caseworker",
        "supervisor",
        "auditor",
        "admin",
    }
    _, again = seed_demo(session, applicants=72, keys_dir=tmp_path)
    assert again == counts
    assert verify_chain(session).intact
    assert session.scalar(select(func.count()).select_from(Appointment)) > 0
