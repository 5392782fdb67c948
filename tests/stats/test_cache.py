"""The case store's version for the release cache: a database that is not a case store is
refused naming the setting, with the driver's error class; nothing else is swallowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from ruta.stats import SourceError, store_version


def test_a_database_without_case_store_tables_is_refused(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with engine.connect() as connection, pytest.raises(SourceError) as refused:
        store_version(connection)
    assert refused.value.field == "database_url"
    assert "OperationalError" in str(refused.value) and "ruta db upgrade" in str(refused.value)
