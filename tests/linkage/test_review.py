from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ruta.linkage import LinkageError, Registry, borderline_pairs, read_pairs

from .conftest import record


@pytest.fixture
def registry() -> Registry:
    rows = [
        record(
            record_id="a",
            given_names="Ana María",
            surname_1="Peña",
            surname_2="Ruiz",
            sex="F",
            date_of_birth="1990-03-07",
            nationality="VEN",
        ),
        record(
            record_id="b",
            given_names="ANA",
            surname_1="PENA",
            surname_2="",
            sex="F",
            date_of_birth="1990-07-03",
            nationality="VEN",
        ),
        record(
            record_id="c",
            given_names="Luis",
            surname_1="Paz",
            surname_2="Rey",
            sex="M",
            date_of_birth="1980-01-01",
            nationality="COL",
        ),
    ]
    return Registry(pd.DataFrame(rows))


PAIRS = pd.DataFrame(
    {
        "record_id_l": ["a", "a", "b"],
        "record_id_r": ["b", "c", "c"],
        "match_probability": [0.62, 0.97, 0.30],
    }
)


def test_band_selects_and_orders_by_uncertainty(registry: Registry) -> None:
    queue = borderline_pairs(PAIRS, registry, low=0.25, high=0.95)
    assert [(p.record_a["record_id"], p.record_b["record_id"]) for p in queue] == [
        ("a", "b"),
        ("b", "c"),
    ]
    first = queue[0]
    assert first.match_probability == pytest.approx(0.62)
    # Side by side, originals kept; accents and case alone are not a difference.
    assert first.record_a["surname_1"] == "Peña" and first.record_b["surname_1"] == "PENA"
    assert first.differing_fields == ("given_names", "surname_2", "date_of_birth")


def test_limit_and_bad_band(registry: Registry) -> None:
    assert len(borderline_pairs(PAIRS, registry, low=0.0, high=1.0, limit=1)) == 1
    with pytest.raises(LinkageError) as err:
        borderline_pairs(PAIRS, registry, low=0.9, high=0.5)
    assert err.value.field == "band"


def test_pairs_from_another_registry_are_refused(registry: Registry) -> None:
    other = PAIRS.assign(record_id_r=["zz", "c", "c"])
    with pytest.raises(LinkageError, match="same run"):
        borderline_pairs(other, registry, low=0.5, high=0.9)


def test_read_pairs_checks_columns(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    PAIRS.to_csv(path, index=False)
    assert read_pairs(path)["record_id_l"].tolist() == ["a", "a", "b"]
    PAIRS.drop(columns="match_probability").to_csv(path, index=False)
    with pytest.raises(LinkageError, match="match_probability"):
        read_pairs(path)
