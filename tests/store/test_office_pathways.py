"""Migration 0009: offices keep taking what they took (every pathway of their country) and
get an empty address; the downgrade drops both cleanly (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from alembic import command
from sqlalchemy import text
from tests.conftest import PG_URL

from ruta.pathways import default_catalog
from ruta.store import make_engine, upgrade
from ruta.store.migrate import alembic_config

BEFORE = "0008"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_before(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A case store at the revision before office pathways, with three offices."""
    if request.param == "sqlite":
        url, schema = f"sqlite:///{tmp_path / 'old.db'}", None
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with make_engine(PG_URL).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"
    upgrade(url, BEFORE)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO offices (code, country, name) VALUES "
                "('BOG-01', 'COL', 'Bogotá'), ('LIM-01', 'PER', 'Lima'), ('X-1', 'ZZZ', 'None')"
            )
        )
    engine.dispose()
    yield url
    if schema is not None:
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _read(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def test_existing_offices_take_every_pathway_of_their_country(store_before: str) -> None:
    upgrade(store_before)
    catalog = default_catalog()
    for code, country in (("BOG-01", "COL"), ("LIM-01", "PER"), ("X-1", "ZZZ")):
        taken = _read(
            store_before,
            f"SELECT pathway_id FROM office_pathways WHERE office_code = '{code}' "
            "ORDER BY pathway_id",
        )
        assert [p for (p,) in taken] == [p.id for p in catalog.for_country(country)]
    assert _read(store_before, "SELECT DISTINCT address, address_source FROM offices") == [
        (None, None)
    ]


def test_a_pair_is_stored_once(store_before: str) -> None:
    upgrade(store_before)
    engine = make_engine(store_before)
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), engine.begin() as conn:
        conn.execute(text("INSERT INTO office_pathways VALUES ('BOG-01', 'col.ppt')"))
    engine.dispose()


def test_downgrade_drops_the_pathways_and_the_addresses(store_before: str) -> None:
    upgrade(store_before)
    command.downgrade(alembic_config(store_before), BEFORE)
    assert _read(store_before, "SELECT code, country, name FROM offices ORDER BY code") == [
        ("BOG-01", "COL", "Bogotá"),
        ("LIM-01", "PER", "Lima"),
        ("X-1", "ZZZ", "None"),
    ]
    upgrade(store_before)  # and up again
    assert _read(store_before, "SELECT count(*) FROM office_pathways WHERE office_code = 'X-1'")[
        0
    ] == (0,)
