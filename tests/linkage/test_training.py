"""Training sized to the file: work a small file cannot use is not done."""

from __future__ import annotations

import pandas as pd
import pytest
from splink import DuckDBAPI, Linker
from splink.internals.linker_components.training import LinkerTraining

import ruta.linkage._training as training
from ruta.linkage import SynthConfig, dedupe_registry, synth_registry
from ruta.linkage._features import FEATURE_COLUMNS, comparison_features
from ruta.linkage._model import plan_model

from .conftest import as_registry


def _scores(frame: pd.DataFrame) -> pd.Series:
    result = dedupe_registry(as_registry(frame), threshold=0.9)
    pairs = result.pairs.set_index(["record_id_l", "record_id_r"])["match_probability"]
    return pairs.sort_index()


def test_a_small_file_takes_the_default_u_without_measuring_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 300 records: 44,850 pairs, fewer than a file needs to measure u on its own people.
    frame = synth_registry(300, SynthConfig(seed=21, dup_rate=0.2))
    calls: list[float] = []
    original = LinkerTraining.estimate_u_using_random_sampling

    def spy(self: LinkerTraining, *args: object, **kwargs: object) -> None:
        calls.append(1.0)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(LinkerTraining, "estimate_u_using_random_sampling", spy)
    # As if the default model lacked a level: u is measured on the file, then replaced.
    covers = training._default_u_covers
    monkeypatch.setattr(training, "_default_u_covers", lambda settings: False)
    measured = _scores(frame.copy())
    assert calls == [1.0]
    monkeypatch.setattr(training, "_default_u_covers", covers)
    skipped = _scores(frame.copy())
    assert calls == [1.0]  # not measured again
    # Nothing but time changes: the scores are those of measuring u and replacing it.
    pd.testing.assert_series_equal(measured, skipped)


@pytest.fixture
def linker() -> Linker:
    """A model of a small registry with duplicates, built as dedupe_registry builds it."""
    frame = synth_registry(600, SynthConfig(seed=5, dup_rate=0.2))
    features = comparison_features(frame)[list(FEATURE_COLUMNS)]
    plan = plan_model(features)
    return Linker(DuckDBAPI().register(features), plan.settings, log_level=None)


def _levels(linker: Linker) -> list[tuple[str, str, int]]:
    return [
        (c.output_column_name, level.label_for_charts, level.comparison_vector_value)
        for c in linker._settings_obj.comparisons
        for level in c.comparison_levels
    ]


def _levels_seen_by_splink(
    monkeypatch: pytest.MonkeyPatch, linker: Linker
) -> list[list[tuple[str, str, int]]]:
    """The levels of ``linker``'s comparisons at each of Splink's u estimates (filled later)."""
    seen: list[list[tuple[str, str, int]]] = []
    original = LinkerTraining.estimate_u_using_random_sampling

    def spy(self: LinkerTraining, *args: object, **kwargs: object) -> None:
        seen.append(_levels(linker))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(LinkerTraining, "estimate_u_using_random_sampling", spy)
    return seen


def test_rare_levels_take_the_default_u_and_stay_in_their_places(
    monkeypatch: pytest.MonkeyPatch, linker: Linker
) -> None:
    before = _levels(linker)
    seen = _levels_seen_by_splink(monkeypatch, linker)
    training.estimate_u(linker, 5e4)
    # Splink sampled without them; afterwards every level is back with its vector value.
    rare = {(name, label) for name, label, _ in before} & training.RARE_LEVELS
    assert len(rare) == 3
    assert not {(name, label) for name, label, _ in seen[0]} & rare
    assert [level for level in before if level[:2] not in rare] == seen[0]
    assert _levels(linker) == before
    defaults = training.default_parameters("u_probability")
    for comparison in linker._settings_obj.comparisons:
        for level in comparison._comparison_levels_excluding_null:
            key = (comparison.output_column_name, level.label_for_charts)
            assert level._u_is_trained, key
            if key in rare:
                assert level.u_probability == defaults[key[0]][key[1]]
    # The restored comparisons still make valid SQL: the model scores.
    assert linker.inference.predict().as_pandas_dataframe()["match_weight"].notna().all()


def test_a_rare_level_the_default_model_lacks_is_measured(
    monkeypatch: pytest.MonkeyPatch, linker: Linker
) -> None:
    before = _levels(linker)
    seen = _levels_seen_by_splink(monkeypatch, linker)
    monkeypatch.setattr(training, "default_parameters", lambda kind="m_probability": {})
    training.estimate_u(linker, 5e4)
    assert seen == [before]
    # Not seen among 5·10^4 pairs and no default: the sample's bound.
    exchanged = linker._settings_obj.comparisons[0].comparison_levels[3]
    assert exchanged.label_for_charts == "given name and surname exchanged"
    assert exchanged.u_probability == pytest.approx(1 / 5e4)


def test_the_rare_levels_are_put_back_when_splinks_estimate_fails(
    monkeypatch: pytest.MonkeyPatch, linker: Linker
) -> None:
    before = _levels(linker)

    def fail(self: LinkerTraining, *args: object, **kwargs: object) -> None:
        raise MemoryError("out of memory")

    monkeypatch.setattr(LinkerTraining, "estimate_u_using_random_sampling", fail)
    with pytest.raises(MemoryError):
        training.estimate_u(linker, 5e4)
    assert _levels(linker) == before
