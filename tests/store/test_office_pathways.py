"""Migration 0009: offices keep taking what they took (every pathway of their country) and
get an empty address; the downgrade drops both cleanly (SQLite and PostgreSQL)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from tests.store.conftest import assert_refused, read_rows, store_at

from ruta.pathways import default_catalog
from ruta.store import upgrade
from ruta.store.migrate import alembic_config

BEFORE = "0008"
#: Three offices, one of a country with no pathway.
_OFFICES = (
    "INSERT INTO offices (code, country, name) VALUES "
    "('BOG-01', 'COL', 'Bogotá'), ('LIM-01', 'PER', 'Lima'), ('X-1', 'ZZZ', 'None')"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_before(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A case store at the revision before office pathways, with three offices."""
    with store_at(request.param, tmp_path, BEFORE, _OFFICES) as url:
        yield url


def test_existing_offices_take_every_pathway_of_their_country(store_before: str) -> None:
    upgrade(store_before)
    catalog = default_catalog()
    for code, country in (("BOG-01", "COL"), ("LIM-01", "PER"), ("X-1", "ZZZ")):
        taken = read_rows(
            store_before,
            f"SELECT pathway_id FROM office_pathways WHERE office_code = '{code}' "
            "ORDER BY pathway_id",
        )
        assert [p for (p,) in taken] == [p.id for p in catalog.for_country(country)]
    assert read_rows(store_before, "SELECT DISTINCT address, address_source FROM offices") == [
        (None, None)
    ]


def test_a_pair_is_stored_once(store_before: str) -> None:
    upgrade(store_before)
    insert = "INSERT INTO office_pathways VALUES ('BOG-01', 'col.ppt')"
    assert_refused(store_before, insert, r"(?i)unique|duplicate")


def test_downgrade_drops_the_pathways_and_the_addresses(store_before: str) -> None:
    upgrade(store_before)
    command.downgrade(alembic_config(store_before), BEFORE)
    assert read_rows(store_before, "SELECT code, country, name FROM offices ORDER BY code") == [
        ("BOG-01", "COL", "Bogotá"),
        ("LIM-01", "PER", "Lima"),
        ("X-1", "ZZZ", "None"),
    ]
    upgrade(store_before)  # and up again
    assert read_rows(
        store_before, "SELECT count(*) FROM office_pathways WHERE office_code = 'X-1'"
    )[0] == (0,)


def test_a_new_store_migrates_without_loading_the_packs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No office to give pathways to: the packs are not needed (nor their load's CPU).
    monkeypatch.setitem(sys.modules, "ruta.pathways", None)
    url = f"sqlite:///{tmp_path / 'new.db'}"
    upgrade(url)
    assert read_rows(url, "SELECT count(*) FROM office_pathways") == [(0,)]
