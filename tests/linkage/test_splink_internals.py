"""The parts of Splink that Ruta uses beyond its public API, and the version pin.

Ruta sets the prior on Splink's settings object, reads and sets single levels' m and u
(ruta.linkage._training), catches its EM exception, scores batches with predict_between /
predict_within and saves offline charts. pyproject pins Splink to major version 5; this test
fails when an upgrade moves any of these, so that the pin is raised deliberately.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version

import pandas as pd
import pytest
from splink import DuckDBAPI, Linker

from ruta.linkage._features import FEATURE_COLUMNS, comparison_features
from ruta.linkage._model import plan_model
from ruta.linkage._saved import splink_version

from .conftest import record


@pytest.fixture(scope="module")
def linker() -> Linker:
    rows = [
        record(record_id=str(i), given_names=g, surname_1=s, date_of_birth=d, sex="F")
        for i, (g, s, d) in enumerate(
            [("Ana", "Paz", "1990-01-02"), ("Ana", "Paz", "1990-01-02"), ("Eva", "Ruiz", "")]
        )
    ]
    features = comparison_features(pd.DataFrame(rows))[list(FEATURE_COLUMNS)]
    plan = plan_model(features)
    return Linker(DuckDBAPI().register(features), plan.settings, log_level=None)


def test_splink_is_the_pinned_major_version() -> None:
    assert version("splink").split(".")[0] == "5" == splink_version().split(".")[0]


def test_the_prior_lives_on_the_settings_object(linker: Linker) -> None:
    settings = linker._settings_obj
    assert isinstance(settings._probability_two_random_records_match, float)
    before = linker.inference.predict().as_pandas_dataframe()["match_weight"].iloc[0]
    settings._probability_two_random_records_match = 0.5
    after = linker.inference.predict().as_pandas_dataframe()["match_weight"].iloc[0]
    assert after != before  # the value set is the value the prediction uses


def test_levels_expose_what_training_reads_and_sets(linker: Linker) -> None:
    comparison = linker._settings_obj.comparisons[0]
    assert comparison.output_column_name == "given_names"
    level = comparison._comparison_levels_excluding_null[0]
    for attribute in (
        "_u_is_trained",
        "_m_is_trained",
        "_fix_m_probability",
        "_fix_u_probability",
        "label_for_charts",
    ):
        assert hasattr(level, attribute), attribute
    level.u_probability = 0.001
    level.m_probability = 0.9
    assert (level.u_probability, level.m_probability) == (0.001, 0.9)
    assert level._u_is_trained and level._m_is_trained


def test_exceptions_batch_scoring_and_offline_charts_are_where_ruta_finds_them(
    linker: Linker,
) -> None:
    from splink.internals.exceptions import EMTrainingException

    assert issubclass(EMTrainingException, Exception)
    for method in (linker.inference.predict_between, linker.inference.predict_within):
        assert "warning_mode" in inspect.signature(method).parameters
    page = linker.visualisations.match_weights_chart().to_html(inline=True)
    assert "cdn.jsdelivr" not in page and "vegaEmbed" in page
