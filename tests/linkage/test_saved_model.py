"""Saved models (--model-out / --model) and a batch linked to a registry (--against)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from tests.linkage.conftest import run_link

from ruta.linkage import LinkageError, load_model


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ruta.linkage import SynthConfig, synth_registry

    path = tmp_path_factory.mktemp("saved") / "registry.csv"
    synth_registry(1500, SynthConfig(seed=31, dup_rate=0.25)).to_csv(path, index=False)
    return path


def test_a_saved_model_gives_the_same_clusters_without_training(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    registry: Path,
) -> None:
    first, again, model = tmp_path / "c1.csv", tmp_path / "c2.csv", tmp_path / "model.json"
    assert (
        run_link(
            monkeypatch, "dedupe", str(registry), "--out", str(first), "--model-out", str(model)
        )
        == 0
    )
    capsys.readouterr()
    assert (
        run_link(monkeypatch, "dedupe", str(registry), "--out", str(again), "--model", str(model))
        == 0
    )
    err = capsys.readouterr().err
    assert "saved model: trained on 1,500 records of registry.csv" in err
    assert "training the model" not in err
    pd.testing.assert_frame_equal(pd.read_csv(first), pd.read_csv(again))
    saved = json.loads(model.read_text())
    assert saved["format"] == "ruta-linkage-model" and saved["splink_version"].startswith("5.")
    assert saved["splink_settings"]["blocking_rules_to_generate_predictions"]


#: A saved model whose levels of a comparison are not this Ruta's: the refusal, its reason
#: inside, in the language of --lang.
OTHER_LEVELS = {
    "en": "the model file does not fit this Ruta (the saved levels of {column} differ); "
    "retrain it with ruta link dedupe REGISTRY --model-out MODEL.json",
    "es": "el archivo de modelo no corresponde a este Ruta (los niveles guardados de {column} "
    "difieren); vuelva a entrenarlo con ruta link dedupe REGISTRO --model-out MODELO.json",
    "fr": "le fichier de modèle ne convient pas à ce Ruta (les niveaux enregistrés de {column} "
    "diffèrent) ; entraînez-le de nouveau avec ruta link dedupe REGISTRE --model-out "
    "MODELE.json",
}


def test_a_model_with_other_levels_is_refused_in_the_language_of_lang(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    registry: Path,
) -> None:
    model = tmp_path / "model.json"
    args = ("dedupe", str(registry), "--out", str(tmp_path / "c.csv"))
    assert run_link(monkeypatch, *args, "--model-out", str(model)) == 0
    saved = json.loads(model.read_text())
    comparison = saved["splink_settings"]["comparisons"][0]
    comparison["comparison_levels"][1]["label_for_charts"] = "another level"
    model.write_text(json.dumps(saved))
    capsys.readouterr()
    for lang, message in OTHER_LEVELS.items():
        assert run_link(monkeypatch, *args, "--model", str(model), "--lang", lang) == 2
        err = " ".join(capsys.readouterr().err.split())
        assert message.format(column=comparison["output_column_name"]) in err, err


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"splink_version": "4.0.16"}, "trained with Splink 4.0.16"),
        ({"features_version": 1}, "comparison columns of version 1"),
        ({"format_version": 99}, "model format 99"),
        ({"format": "splink"}, "not a Ruta linkage model"),
    ],
)
def test_an_incompatible_model_is_refused_with_how_to_retrain(
    tmp_path: Path, change: dict[str, object], words: str
) -> None:
    document = {
        "format": "ruta-linkage-model",
        "format_version": 1,
        "splink_version": "5.0.0",
        "features_version": 2,
        "filled": {},
        "splink_settings": {},
    }
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**document, **change}))
    with pytest.raises(LinkageError) as err:
        load_model(path)
    assert err.value.field == "model" and words in str(err.value)
    if change.get("format") is None:
        assert "--model-out" in str(err.value)


def test_a_batch_is_linked_to_the_registry_without_deduplicating_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    registry: Path,
) -> None:
    frame = pd.read_csv(registry, dtype=str, keep_default_na=False)
    # A new batch: 40 people the registry holds (new records, numbered from 1 like the
    # registry's own ids, so ids repeat across the files) and 10 it does not.
    known = frame.drop_duplicates("person_id").head(40).copy()
    known["given_names"] = known["given_names"].str.upper()
    new_people = frame.drop_duplicates("person_id").tail(10).copy()
    held_out = frame[~frame["person_id"].isin(new_people["person_id"])]
    held_out.to_csv(tmp_path / "registry.csv", index=False)
    batch = pd.concat([known, new_people], ignore_index=True)
    batch["record_id"] = frame["record_id"].head(50).to_numpy()  # ids repeat the registry's
    batch.to_csv(tmp_path / "batch.csv", index=False)
    model, out, pairs = tmp_path / "m.json", tmp_path / "links.csv", tmp_path / "pairs.csv"
    assert (
        run_link(
            monkeypatch,
            "dedupe",
            str(tmp_path / "registry.csv"),
            "--out",
            str(tmp_path / "c.csv"),
            "--model-out",
            str(model),
        )
        == 0
    )
    capsys.readouterr()
    assert (
        run_link(
            monkeypatch,
            "dedupe",
            str(tmp_path / "batch.csv"),
            "--against",
            str(tmp_path / "registry.csv"),
            "--model",
            str(model),
            "--out",
            str(out),
            "--pairs-out",
            str(pairs),
        )
        == 0
    )
    links = pd.read_csv(out, dtype=str)
    assert list(links.columns) == [
        "record_id",
        "cluster_id",
        "cluster_size",
        "weakest_link_probability",
        "source",
    ]
    new = links[links["source"] == "new"]
    assert len(new) == 50
    registry_person = held_out.set_index("record_id")["person_id"]
    batch_person = batch.set_index("record_id")["person_id"]
    linked = links[links["source"] == "registry"].groupby("cluster_id")["record_id"].agg(list)
    right = 0
    for _, row in new.iterrows():
        for other in linked.get(row["cluster_id"], []):
            right += registry_person[other] == batch_person[row["record_id"]]
    assert right >= 38  # 40 known people found in the registry
    # No registry-to-registry pair was scored.
    scored = pd.read_csv(pairs, dtype=str)
    assert not ((scored["source_l"] == "registry") & (scored["source_r"] == "registry")).any()
