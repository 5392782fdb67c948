"""Training sized to the file: work a small file cannot use is not done."""

from __future__ import annotations

import pandas as pd
import pytest
from splink.internals.linker_components.training import LinkerTraining

import ruta.linkage._training as training
from ruta.linkage import SynthConfig, dedupe_registry, synth_registry

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
