"""On unweighted data every twofold and threefold figure equals statsmodels' OaxacaBlinder.

statsmodels' conventions, aligned here: its first group is the lower value of the group
column (``swap=False`` keeps it so: nationals, migrant = 0), the gap is first minus second
(nationals minus migrants, as ours); ``two_fold()`` returns (unexplained, explained, gap);
``pooled`` keeps the group column in the pooled model (ours: "pooled"), ``nuemark`` drops it
(ours: "neumark"); ``self_submitted`` with weight 1 / 0 uses the first / second group's
coefficients (ours: "nationals" / "migrants").
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.oaxaca import OaxacaBlinder

from ruta.labour.paygap import ColumnMap, analyse, survey_from_table

TOL = 1e-8


def _data(
    seed: int, n: int, numeric: int, levels: int
) -> tuple[pa.Table, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    migrant = np.zeros(n, dtype=int)
    migrant[rng.permutation(n)[: n // 3]] = 1
    x = rng.normal(size=(n, numeric)) + 0.4 * migrant[:, None]
    level = rng.integers(0, levels, n)
    level[:levels] = np.arange(levels)  # every level in both groups
    level[n - levels :] = np.arange(levels)
    migrant[:levels], migrant[n - levels :] = 0, 1
    y = (
        1.5
        + x @ rng.normal(0.2, 0.1, numeric)
        + 0.1 * level
        - 0.2 * migrant
        + rng.normal(0, 0.3, n)
    )
    columns = {f"x{i}": x[:, i] for i in range(numeric)}
    columns.update({"wage": np.exp(y), "migrant": migrant, "level": [f"L{v}" for v in level]})
    dummies = (level[:, None] == np.arange(1, levels)[None, :]).astype(float)
    exog = np.column_stack([np.ones(n), x, dummies, migrant])
    return pa.table(columns), exog, y, migrant


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(60, 400),
    numeric=st.integers(1, 4),
    levels=st.integers(2, 4),
)
def test_twofold_and_threefold_equal_statsmodels(
    seed: int, n: int, numeric: int, levels: int
) -> None:
    table, exog, y, _migrant = _data(seed, n, numeric, levels)
    covariates = (*(f"x{i}" for i in range(numeric)), "level")
    result = analyse(
        survey_from_table(
            table,
            ColumnMap(
                wage="wage", migrant="migrant", covariates=covariates, categorical=("level",)
            ),
        )
    )
    model = OaxacaBlinder(y, exog, exog.shape[1] - 1, hasconst=True, swap=False)
    expected = {
        "pooled": model.two_fold(two_fold_type="pooled").params,
        "neumark": model.two_fold(two_fold_type="nuemark").params,
        "nationals": model.two_fold(two_fold_type="self_submitted", submitted_weight=1).params,
        "migrants": model.two_fold(two_fold_type="self_submitted", submitted_weight=0).params,
    }
    for reference, (unexplained, explained, gap) in expected.items():
        assert abs(result["twofold", reference, "explained"].value - explained) < TOL
        assert abs(result["twofold", reference, "unexplained"].value - unexplained) < TOL
        assert abs(result["raw_gap", "mean_log"].value - gap) < TOL
    endowments, coefficients, interaction, _gap = model.three_fold().params
    assert abs(result["threefold", "endowments"].value - endowments) < TOL
    assert abs(result["threefold", "coefficients"].value - coefficients) < TOL
    assert abs(result["threefold", "interaction"].value - interaction) < TOL


def test_weighted_coefficients_equal_statsmodels_wls() -> None:
    from statsmodels.regression.linear_model import WLS

    table, exog, y, migrant = _data(3, 500, 2, 3)
    weights = np.random.default_rng(1).uniform(0.5, 4.0, y.size)
    table = table.append_column("w", pa.array(weights))
    result = analyse(
        survey_from_table(
            table,
            ColumnMap(
                wage="wage",
                migrant="migrant",
                weight="w",
                covariates=("x0", "x1", "level"),
                categorical=("level",),
            ),
        )
    )
    block = result.fit.layout.block("beta_mig")
    rows = migrant == 1
    wls = WLS(y[rows], exog[rows, :-1], weights=weights[rows]).fit()
    np.testing.assert_allclose(result.fit.theta[block], wls.params, atol=1e-10)
