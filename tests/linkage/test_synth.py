from __future__ import annotations

import pandas as pd

from ruta.linkage import SynthConfig, read_registry, synth_registry


def test_same_seed_same_registry_different_seed_different() -> None:
    a = synth_registry(300, SynthConfig(seed=5))
    b = synth_registry(300, SynthConfig(seed=5))
    c = synth_registry(300, SynthConfig(seed=6))
    pd.testing.assert_frame_equal(a, b)
    assert not a["given_names"].equals(c["given_names"])


def test_duplicates_share_person_id(synth_3000: pd.DataFrame) -> None:
    assert len(synth_3000) == 3000
    assert synth_3000["person_id"].nunique() == 2400
    assert synth_3000["record_id"].is_unique


def test_surnames_are_skewed_like_real_populations(synth_3000: pd.DataFrame) -> None:
    counts = synth_3000["surname_1"].str.upper().value_counts()
    # The ten most common surnames cover far more than ten uniform draws would.
    assert counts.head(10).sum() / counts.sum() > 10 / len(counts) * 5


def test_families_share_surnames_but_are_different_people(synth_3000: pd.DataFrame) -> None:
    people = synth_3000.drop_duplicates("person_id")
    key = people["surname_1"].str.upper() + "|" + people["surname_2"].str.upper()
    shared = people[key.duplicated(keep=False) & (people["surname_2"] != "")]
    assert len(shared) > 50


def test_written_file_satisfies_the_registry_contract(tmp_path, synth_3000) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "reg.csv"
    synth_3000.to_csv(path, index=False)
    reg = read_registry(path, on_error="stop")
    assert len(reg) == 3000


def test_split_overlap_is_exact_and_files_hold_distinct_people(split_2000) -> None:  # type: ignore[no-untyped-def]
    a, b = split_2000
    assert len(a) == len(b) == 2000
    assert len(set(a.person_id) & set(b.person_id)) == 600
    assert a.person_id.is_unique and b.person_id.is_unique


def test_every_corrupted_date_is_still_a_valid_date() -> None:
    reg = synth_registry(20000, SynthConfig(seed=9, dup_rate=0.5))
    dates = reg["date_of_birth"][reg["date_of_birth"] != ""]
    assert pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce").notna().all()
