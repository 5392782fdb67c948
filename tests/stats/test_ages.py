"""AGE bands of births known only to the year or the month: decided when every day the birth
may be falls in one band, ``_U`` (unknown) otherwise; read from the case store as stored."""

from __future__ import annotations

import duckdb
from tests.cases.conftest import PASSWORD, submission

from ruta.cases.actions import do_submit_application
from ruta.cases.actions.authentication import do_create_user
from ruta.stats._source import load_case_store
from ruta.stats._units import _age, birth_last

# On 2026-06-01, with the shipped bands <18, 18-29, 30-44, 45-64, 65+.
CASES = {
    ("2008-01-01", "year"): "_U",  # 2008: 17 or 18
    ("2008-07-01", "month"): "Y_LT18",  # July 2008: 17 whatever the day
    ("2008-05-01", "month"): "Y18T29",  # May 2008: 18 whatever the day
    ("2000-01-01", "year"): "Y18T29",  # 25 or 26
    ("1996-01-01", "year"): "_U",  # 29 or 30
    ("1996-12-01", "month"): "Y18T29",  # 29 whatever the day
    ("1990-05-17", "day"): "Y30T44",
    ("1961-01-01", "year"): "_U",  # 64 or 65
    (None, "day"): "_U",
}


def test_a_band_is_decided_only_when_the_whole_interval_is_in_it() -> None:
    duck = duckdb.connect()
    duck.execute("CREATE TABLE cases (birth_date DATE, birth_precision VARCHAR)")
    duck.executemany("INSERT INTO cases VALUES (?, ?)", [list(k) for k in CASES])
    last = birth_last("birth_date", "birth_precision")
    duck.execute(f"CREATE TABLE c AS SELECT *, {last} AS birth_last FROM cases")
    band = _age("c.birth_date", "DATE '2026-06-01'", "c.birth_last")
    got = duck.execute(f"SELECT birth_date, birth_precision, {band} FROM c").fetchall()
    as_read = {(str(b) if b else None, p): band for b, p, band in got}
    assert as_read == CASES


def test_the_store_gives_the_first_day_and_the_precision(session) -> None:
    officer = do_create_user(
        session, None, username="cw", password=PASSWORD, role="caseworker", country="COL"
    )
    data = submission()
    data.applicant.date_of_birth = "1990"
    do_submit_application(session, officer, data)
    duck = duckdb.connect()
    load_case_store(session.connection(), duck)
    rows = duck.execute("SELECT CAST(birth_date AS VARCHAR), birth_precision FROM st_cases")
    assert rows.fetchall() == [("1990-01-01", "year")]
