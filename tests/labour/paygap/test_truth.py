"""A synthetic survey with a known explained/unexplained split: the estimate recovers it
within its 95 % interval, and only when the survey weights are used."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ruta.labour.paygap import analyse, survey_from_table, synthetic_survey

Z = 1.96


@pytest.fixture(scope="module")
def survey_and_truth():  # the module's one large survey (20,000 rows)
    table, truth = synthetic_survey(
        20_000, seed=2026, migrant_penalty=0.12, oversample_university=6.0
    )
    return table, truth


def test_decomposition_recovers_the_known_split(survey_and_truth, survey_columns) -> None:
    table, truth = survey_and_truth
    result = analyse(survey_from_table(table, survey_columns()))
    for reference in ("pooled", "nationals", "migrants"):
        explained = result["twofold", reference, "explained"]
        unexplained = result["twofold", reference, "unexplained"]
        assert abs(explained.value - truth.explained) < Z * explained.se, reference
        assert abs(unexplained.value - truth.unexplained) < Z * unexplained.se, reference
    gap = result["raw_gap", "mean_log"]
    assert abs(gap.value - truth.gap) < Z * gap.se


def test_ignoring_the_weights_gives_the_wrong_answer(survey_and_truth, survey_columns) -> None:
    # A second sampling phase keeps every national graduate but one in five other nationals,
    # as a survey that over-samples well-off neighbourhoods would; the weights carry 1/0.2.
    table, truth = survey_and_truth
    rng = np.random.default_rng(7)
    national = pc.equal(table.column("migrante"), 0).to_numpy(zero_copy_only=False)
    graduate = pc.equal(table.column("educacion"), "universitaria").to_numpy(zero_copy_only=False)
    keep_rate = np.where(national & ~graduate, 0.2, 1.0)
    kept = rng.random(table.num_rows) < keep_rate
    weight = table.column("fex").to_numpy() / keep_rate
    sample = table.set_column(3, "fex", pa.array(weight)).filter(pa.array(kept))
    weighted = analyse(survey_from_table(sample, survey_columns()))
    unweighted = analyse(survey_from_table(sample, survey_columns(weight=None)))
    for part, true in (("explained", truth.explained), ("unexplained", truth.unexplained)):
        good = weighted["twofold", "pooled", part]
        assert abs(good.value - true) < Z * good.se, part
    for key, true in (
        (("twofold", "pooled", "explained"), truth.explained),
        (("raw_gap", "mean_log"), truth.gap),
    ):
        bad = unweighted[key]
        assert abs(bad.value - true) > 4 * bad.se, key


def test_delta_method_and_bootstrap_agree(survey_columns) -> None:
    table, _truth = synthetic_survey(3_000, seed=8)
    result = analyse(survey_from_table(table, survey_columns()), replications=150, seed=3)
    keys = [
        ("twofold", "pooled", "explained"),
        ("twofold", "pooled", "unexplained"),
        ("threefold", "coefficients"),
        ("raw_gap", "mean_log"),
        ("raw_gap", "mean_pct"),
        ("raw_gap", "median_pct"),
        ("factor_weighted", "mean_pct"),
        ("factor_weighted", "median_pct"),
        ("detailed", "pooled", "educacion", "explained"),
    ]
    for key in keys:
        estimate = result[key]
        assert estimate.se is not None and estimate.se_bootstrap is not None
        assert 0.7 < estimate.se / estimate.se_bootstrap < 1.4, key


def test_the_same_seed_gives_the_same_bootstrap(survey_columns) -> None:
    table = synthetic_survey(600, seed=4)[0]
    survey = survey_from_table(table, survey_columns())
    first = analyse(survey, replications=20, seed=9)
    again = analyse(survey, replications=20, seed=9)
    other = analyse(survey, replications=20, seed=10)
    key = ("twofold", "pooled", "explained")
    assert first[key].se_bootstrap == again[key].se_bootstrap != other[key].se_bootstrap


def test_explained_plus_unexplained_is_the_gap_for_every_reference(survey_columns) -> None:
    table = synthetic_survey(800, seed=1)[0]
    table = table.set_column(3, "fex", pa.array(np.linspace(1, 9, table.num_rows)))
    result = analyse(survey_from_table(table, survey_columns()))
    gap = result["raw_gap", "mean_log"].value
    for reference in ("pooled", "neumark", "nationals", "migrants"):
        total = sum(result["twofold", reference, p].value for p in ("explained", "unexplained"))
        assert total == pytest.approx(gap, abs=1e-10)
    threefold = sum(
        result["threefold", p].value for p in ("endowments", "coefficients", "interaction")
    )
    assert threefold == pytest.approx(gap, abs=1e-10)
