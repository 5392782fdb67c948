"""Migrations 0010 and 0011 on a store with history: every step's end, closing decision and
recorded decision filled from the rows already there (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.store.conftest import read_rows, store_at

from ruta.store import upgrade

#: The revision before the steps kept their ends (0010).
BEFORE = "0009"
_T = "'2026-0{}-01 00:00:00+00'"
_ROWS = (
    "INSERT INTO users (id, username, password_hash, role, active, created_at) "
    f"VALUES (1, 'u', 'x', 'supervisor', true, {_T.format(1)})",
    "INSERT INTO applicants (id, given_names, surname_1, date_of_birth, sex, nationality, "
    "document_type, document_number, languages, created_at) VALUES ('a1', 'Ana', 'Pérez', "
    f"'1990-05-17', 'F', 'VEN', 'passport', '1', '[]', {_T.format(1)})",
    "INSERT INTO applications (id, applicant_id, pathway_id, host_country, status, profile, "
    "eligibility, engine_version, packs_version, evaluated_at, created_by, created_at, "
    "updated_at) VALUES ('p1', 'a1', 'col.ppt', 'COL', 'denied', '{}', '{}', '1', '1', "
    f"{_T.format(1)}, 1, {_T.format(1)}, {_T.format(1)})",
    # Denied, appealed, denied again: two final decisions, and one superseded proposal.
    *(
        "INSERT INTO decisions (id, application_id, outcome, reasons, legal_basis, status, "
        f"proposed_by, proposed_at) VALUES ({i}, 'p1', '{outcome}', '[]', '[]', '{status}', 1, "
        f"{_T.format(1)})"
        for i, outcome, status in (
            (1, "denied", "final"),
            (2, "approved", "superseded"),
            (3, "denied", "final"),
        )
    ),
    *(
        "INSERT INTO transitions (id, application_id, from_status, to_status, actor_id, at, "
        f"reason) VALUES ({i}, 'p1', NULL, '{to}', 1, {_T.format(i)}, 'r')"
        for i, to in enumerate(
            ("submitted", "in_review", "denied", "appealed", "in_review", "denied"), 1
        )
    ),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_before(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A case store at the revision before 0010 with one appealed case."""
    with store_at(request.param, tmp_path, BEFORE, *_ROWS) as url:
        yield url


def test_existing_steps_get_their_ends_and_decisions(store_before: str) -> None:
    upgrade(store_before)
    rows = read_rows(
        store_before,
        "SELECT id, ended_at IS NULL, closed_at IS NULL, decision_id FROM transitions ORDER BY id",
    )
    ends = read_rows(
        store_before,
        "SELECT t.id FROM transitions t JOIN transitions n ON n.id = t.id + 1 "
        "WHERE t.ended_at = n.at ORDER BY t.id",
    )
    closed = read_rows(
        store_before,
        "SELECT t.id, d.id FROM transitions t JOIN transitions d ON d.at = t.closed_at "
        "ORDER BY t.id",
    )
    assert rows == [
        (1, False, False, None),
        (2, False, False, None),
        (3, False, False, 1),
        (4, False, False, None),
        (5, False, False, None),
        (6, True, False, 3),
    ]
    assert ends == [(1,), (2,), (3,), (4,), (5,)]
    assert closed == [(1, 3), (2, 3), (3, 3), (4, 6), (5, 6), (6, 6)]
