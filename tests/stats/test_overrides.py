"""Decisions against the engine's assessment are counted (``OVERRIDES``) from a real case
store: each decision step of the workflow is matched with its final decision, including a
case decided again after an appeal."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
from tests.cases.conftest import PASSWORD, eligible_submission, submission

from ruta.cases import actions
from ruta.cases.actions.authentication import do_create_user
from ruta.stats._design import DEFAULT_TABLES, POPULATIONS
from ruta.stats._period import Period
from ruta.stats._source import load_case_store
from ruta.stats._units import build_units


def _decide(session, cw, sup, app_id, outcome, keys, why=None):
    actions.do_transition(session, cw, app_id, "in_review", "picked")
    actions.do_propose_decision(session, cw, app_id, outcome, ["r"], override_reason=why)
    actions.do_decide(session, sup, app_id, outcome, ["r"], override_reason=why, keys_dir=keys)


def test_overrides_are_counted_per_decision(database, tmp_path):
    with database.sessionmaker() as session:
        cw, sup, sup2 = (
            do_create_user(
                session, None, username=name, password=PASSWORD, role=role, country="COL"
            )
            for name, role in (("cw", "caseworker"), ("sup", "supervisor"), ("sup2", "supervisor"))
        )
        ppt = actions.do_submit_application(session, cw, submission(pathway="col.ppt"))[0]
        plain = actions.do_submit_application(session, cw, eligible_submission())[0]
        appealed = actions.do_submit_application(session, cw, eligible_submission())[0]
        _decide(session, cw, sup, ppt.id, "approved", tmp_path, "RUMV certificate seen")
        _decide(session, cw, sup, plain.id, "approved", tmp_path)  # agrees with the engine
        _decide(session, sup2, sup, appealed.id, "denied", tmp_path, "forged passport")
        actions.do_transition(session, cw, appealed.id, "appealed", "appeal")
        actions.do_transition(session, sup, appealed.id, "in_review", "reconsider")
        actions.do_propose_decision(session, cw, appealed.id, "approved", ["passport is fine"])
        actions.do_decide(
            session, sup, appealed.id, "approved", ["passport is fine"], keys_dir=tmp_path
        )
    now = datetime.now(UTC)
    start = now.date().replace(day=1)
    period = Period("now", start, start.replace(year=start.year + 1))
    duck = duckdb.connect()
    with database.engine.connect() as connection:
        load_case_store(connection, duck)
    build_units(duck, period, now.replace(tzinfo=None), only=["decisions"])
    rows = duck.execute(
        "SELECT OUTCOME, OVERRIDE, count(*) FROM u_decisions GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert rows == [("APPROVED", "NO", 2), ("APPROVED", "YES", 1), ("DENIED", "YES", 1)]
    assert POPULATIONS["decisions"].indicators["OVERRIDES"] == {"OVERRIDE": "YES"}
    assert any("OVERRIDES" in t.indicators for t in DEFAULT_TABLES)
