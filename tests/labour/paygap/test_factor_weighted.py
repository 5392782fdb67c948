"""The ILO factor-weighted gap, checked by hand on a tiny survey."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ruta.labour.paygap import ColumnMap, analyse, survey_from_table

# Cell "a": nationals earn 10 (weight 1) and 20 (weight 3): mean 17.5; a migrant earns 14.
# Cell "b": national 8, migrant 6 (weights 2 and 2). Cell "c": nationals only.
TABLE = pa.table(
    {
        "wage": [10.0, 20.0, 14.0, 8.0, 6.0, 30.0],
        "migrant": [0, 0, 1, 0, 1, 0],
        "w": [1.0, 3.0, 1.0, 2.0, 2.0, 5.0],
        "cell": ["a", "a", "a", "b", "b", "c"],
    }
)
COLUMNS = ColumnMap(wage="wage", migrant="migrant", weight="w", factors=("cell",))


def test_gap_within_cells_weighted_by_cell_size() -> None:
    result = analyse(survey_from_table(TABLE, COLUMNS))
    fwg = result.factor_weighted
    gap_a, gap_b = 1 - 14 / 17.5, 1 - 6 / 8
    share_a, share_b = 5 / 9, 4 / 9  # cell c has no migrant: left out, N over a and b
    assert fwg.mean_pct == pytest.approx(share_a * gap_a + share_b * gap_b)
    assert (fwg.cells_total, fwg.cells_used) == (3, 2)
    assert fwg.coverage == pytest.approx(9 / 14)
    # Weighted medians: cell a nationals -> 20 (weight 3 of 4), migrant 14.
    assert fwg.median_pct == pytest.approx(share_a * (1 - 14 / 20) + share_b * (1 - 6 / 8))
    raw = result["raw_gap", "mean_pct"].value
    assert raw == pytest.approx(1 - (14 + 12) / 3 / ((10 + 60 + 16 + 150) / 11))
