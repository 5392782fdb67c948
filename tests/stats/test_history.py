"""The offices' weekly history: the backlog at the moment follows the recorded steps."""

from __future__ import annotations

from datetime import datetime

import duckdb

from ruta.stats import office_histories


def test_a_case_decided_in_the_instant_of_its_last_step_has_left_the_backlog() -> None:
    """A decision stamped in the same instant as the step before it: the case is decided.

    Ordering the history by time alone (``arg_max``) left the tie to the rows' order and
    counted the case as still waiting; the steps' ``ended_at`` follows the recorded order.
    """
    duck = duckdb.connect()
    duck.execute(
        "CREATE TABLE st_cases AS SELECT * FROM (VALUES "
        "('a', 'COL', 'COL-01', TIMESTAMP '2026-03-02 09:00'), "
        "('b', 'COL', 'COL-01', TIMESTAMP '2026-03-02 10:00')) "
        "t(application_id, ref_area, office, submitted_at)"
    )
    duck.execute(
        "CREATE TABLE st_steps AS SELECT * FROM (VALUES "
        # As recorded: 'a' reviewed, then approved in the same instant; 'b' still waits.
        "('a', 'submitted', 1, TIMESTAMP '2026-03-02 09:00', TIMESTAMP '2026-03-05 12:00'), "
        "('a', 'in_review', 1, TIMESTAMP '2026-03-05 12:00', TIMESTAMP '2026-03-05 12:00'), "
        "('a', 'approved', 1, TIMESTAMP '2026-03-05 12:00', NULL), "
        "('b', 'submitted', 1, TIMESTAMP '2026-03-02 10:00', NULL)) "
        "t(application_id, to_status, actor_id, step_at, ended_at)"
    )
    duck.execute("CREATE TABLE st_officers (user_id BIGINT)")
    (history,) = office_histories(duck, datetime(2026, 3, 20), weeks=4)
    assert (history.ref_area, history.office, history.backlog) == ("COL", "COL-01", 1)
    assert sum(history.exits) == 1 and sum(history.arrivals) == 2
