"""Birth dates known to the day, the month or the year: stored without loss, migrated safely."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.store.conftest import assert_refused, read_rows, store_at

from ruta.store import make_engine, upgrade
from ruta.store.migrate import alembic_config
from ruta.store.models import Applicant

#: The revision before partial birth dates (0005).
BEFORE = "0004"
_USER = (
    "INSERT INTO users (id, username, password_hash, role, active, created_at) "
    "VALUES (1, 'u', 'x', 'applicant', true, '2026-01-01 00:00:00+00')"
)
_APPLICANT = (
    "INSERT INTO applicants (id, given_names, surname_1, date_of_birth, sex, nationality, "
    "document_type, document_number, languages, created_at) VALUES ('a1', 'Ana', 'Pérez', "
    "'1990-05-17', 'F', 'VEN', 'passport', '1', '[]', '2026-01-01 00:00:00+00')"
)
_APPLICATION = (
    "INSERT INTO applications (id, applicant_id, pathway_id, host_country, status, profile, "
    "eligibility, engine_version, packs_version, evaluated_at, created_by, created_at, "
    "updated_at) VALUES ('p1', 'a1', 'col.ppt', 'COL', 'draft', '{}', '{}', '1', '1', "
    "'2026-01-01 00:00:00+00', 1, '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00')"
)
_MEMBER = (
    "INSERT INTO household_members (application_id, given_names, surname_1, date_of_birth, "
    "relationship) VALUES ('p1', 'Luz', 'Pérez', '2015-09-03', 'child')"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_before(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A case store migrated to the revision before partial birth dates, with one case file."""
    with store_at(request.param, tmp_path, BEFORE, _USER, _APPLICANT, _APPLICATION, _MEMBER) as url:
        yield url


def test_existing_rows_become_known_to_the_day(store_before: str) -> None:
    upgrade(store_before)
    for table in ("applicants", "household_members"):
        rows = read_rows(store_before, f"SELECT date_of_birth_precision FROM {table}")
        assert rows == [("day",)]
    engine = make_engine(store_before)
    with engine.connect() as conn, Session(conn) as session:
        applicant = session.scalars(select(Applicant)).one()
        assert applicant.date_of_birth == "1990-05-17"
        assert applicant.birth_precision == "day"
    engine.dispose()


def test_an_unknown_precision_is_refused_by_the_database(store_before: str) -> None:
    upgrade(store_before)
    update = "UPDATE applicants SET date_of_birth_precision = 'week'"
    assert_refused(store_before, update, r"(?i)check")


def test_downgrade_keeps_full_dates_and_refuses_to_invent_a_birthday(store_before: str) -> None:
    upgrade(store_before)
    engine = make_engine(store_before)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE applicants SET date_of_birth = '1990-01-01', "
                "date_of_birth_precision = 'year'"
            )
        )
    engine.dispose()
    with pytest.raises(RuntimeError, match="1 birth dates known only to the month or the year"):
        command.downgrade(alembic_config(store_before), BEFORE)
    # Refused as a whole: the precision is still there.
    assert read_rows(store_before, "SELECT date_of_birth_precision FROM applicants") == [("year",)]
    engine = make_engine(store_before)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE applicants SET date_of_birth = '1990-05-17', "
                "date_of_birth_precision = 'day'"
            )
        )
    engine.dispose()
    command.downgrade(alembic_config(store_before), BEFORE)
    rows = read_rows(store_before, "SELECT date_of_birth FROM applicants")
    assert [str(r[0]) for r in rows] == ["1990-05-17"]
    assert read_rows(store_before, "SELECT count(*) FROM applications") == [(1,)]


@pytest.mark.parametrize("born", ["1990", "1990-05", "1990-05-17"])
def test_every_precision_round_trips(session, born: str) -> None:
    session.add(
        Applicant(
            id="a1",
            given_names="Ana",
            surname_1="Pérez",
            date_of_birth=born,
            sex="F",
            nationality="VEN",
            document_type="passport",
            document_number="1",
            languages=[],
        )
    )
    session.commit()
    session.expunge_all()
    stored = session.scalars(select(Applicant)).one()
    assert stored.date_of_birth == born
    # The DATE column holds the first day it may be: SQL ranges and ages keep working.
    first = session.execute(text("SELECT date_of_birth FROM applicants")).scalar()
    assert str(first) == {"1990": "1990-01-01", "1990-05": "1990-05-01"}.get(born, born)
