from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from tests.linkage.conftest import run_link


def test_synth_dedupe_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reg = tmp_path / "reg.csv"
    assert (
        run_link(
            monkeypatch, "synth", "800", "--out", str(reg), "--seed", "3", "--dup-rate", "0.25"
        )
        == 0
    )
    frame = pd.read_csv(reg, dtype=str)
    assert {"record_id", "person_id", "document_number"} <= set(frame.columns)
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    assert (
        run_link(
            monkeypatch,
            "dedupe",
            str(reg),
            "--out",
            str(out),
            "--threshold",
            "0.9",
            "--pairs-out",
            str(pairs),
        )
        == 0
    )
    clusters = pd.read_csv(out, dtype={"record_id": str, "cluster_id": str})
    assert list(clusters.columns)[:2] == ["record_id", "cluster_id"]
    assert "weakest_link_probability" in clusters.columns
    assert len(clusters) == 800
    err = capsys.readouterr().err
    assert "800 records ->" in err and "training" in err
    # The summary names the model's parts and shows the threshold in the score distribution.
    assert "comparisons used: given_names, surnames, date_of_birth, document" in err
    assert "blocking rule phone: no phone" in err
    assert "<- threshold 0.9" in err and "score distribution of" in err
    assert list(pd.read_csv(pairs).columns) == ["record_id_l", "record_id_r", "match_probability"]


def test_bad_rows_skip_or_stop_and_dates_are_blanked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reg = tmp_path / "reg.csv"
    assert run_link(monkeypatch, "synth", "300", "--out", str(reg), "--seed", "4") == 0
    frame = pd.read_csv(reg, dtype=str, keep_default_na=False)
    frame.loc[4, "date_of_birth"] = "31/12/1990"
    frame.loc[7, "sex"] = "?"
    frame.to_csv(reg, index=False)
    out = tmp_path / "clusters.csv"
    assert run_link(monkeypatch, "dedupe", str(reg), "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "line 9" in err and "not F, M, X" in err
    assert "Traceback" not in err and not out.exists()
    args = ["dedupe", str(reg), "--out", str(out), "--on-error", "skip"]
    assert run_link(monkeypatch, *args) == 0
    err = capsys.readouterr().err
    assert "skipped 1 bad row of" in err
    # The impossible date blanks that field; its record stays.
    assert "blanked line 6: date_of_birth value 31/12/1990" in err
    assert "blanked 1 impossible date of birth" in err
    assert len(pd.read_csv(out)) == 299
    # The run: most rows bad, --on-error skip used to leave them out and exit 0.
    frame.loc[10:, "sex"] = "?"
    frame.to_csv(reg, index=False)
    assert run_link(monkeypatch, *args) == 2
    err = capsys.readouterr().err
    assert "291 of 300 rows" in err and "--max-skipped" in err and "Traceback" not in err


def test_encode_and_match_two_countries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "KEY"
    key.write_text("c2hhcmVkLXNlY3JldC1vZi10d28tc3RhdGVzLTIwMjY=\n")
    base = tmp_path / "reg.parquet"
    assert (
        run_link(
            monkeypatch,
            "synth",
            "600",
            "--out",
            str(base),
            "--split",
            "COL,PER",
            "--overlap",
            "0.3",
            "--seed",
            "5",
        )
        == 0
    )
    col, per = tmp_path / "reg_COL.parquet", tmp_path / "reg_PER.parquet"
    assert col.exists() and per.exists()
    for src, dst in ((col, "a.parquet"), (per, "b.parquet")):
        assert (
            run_link(
                monkeypatch,
                "encode",
                str(src),
                "--secret-file",
                str(key),
                "--out",
                str(tmp_path / dst),
            )
            == 0
        )
    out = tmp_path / "pairs.csv"
    assert (
        run_link(
            monkeypatch,
            "match",
            str(tmp_path / "a.parquet"),
            str(tmp_path / "b.parquet"),
            "--out",
            str(out),
        )
        == 0
    )
    pairs = pd.read_csv(out)
    assert list(pairs.columns) == ["record_id_a", "record_id_b", "score"]
    truth_a = pq.read_table(col).to_pandas().set_index("record_id")["person_id"]
    truth_b = pq.read_table(per).to_pandas().set_index("record_id")["person_id"]
    right = (truth_a[pairs.record_id_a].to_numpy() == truth_b[pairs.record_id_b].to_numpy()).sum()
    assert right >= 0.95 * 180 and right >= 0.95 * len(pairs)


def test_match_refuses_mixed_encodings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "KEY"
    key.write_text("c2hhcmVkLXNlY3JldC1vZi10d28tc3RhdGVzLTIwMjY=\n")
    reg = tmp_path / "reg.csv"
    assert run_link(monkeypatch, "synth", "50", "--out", str(reg)) == 0
    assert (
        run_link(
            monkeypatch,
            "encode",
            str(reg),
            "--secret-file",
            str(key),
            "--out",
            str(tmp_path / "a.parquet"),
        )
        == 0
    )
    assert (
        run_link(
            monkeypatch,
            "encode",
            str(reg),
            "--secret-file",
            str(key),
            "--out",
            str(tmp_path / "b.parquet"),
            "--hardening",
            "blip",
        )
        == 0
    )
    code = run_link(
        monkeypatch,
        "match",
        str(tmp_path / "a.parquet"),
        str(tmp_path / "b.parquet"),
        "--out",
        str(tmp_path / "p.csv"),
    )
    assert code == 2
    assert "same encoding parameters" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["synth", "10", "--out", "X.csv", "--split", "COL"], "two different labels"),
        (["synth", "10", "--out", "X.xlsx"], "expected .csv or .parquet"),
        (["synth", "0", "--out", "X.csv"], "positive number"),
        (["dedupe", "missing.csv", "--out", "c.csv"], "does not exist"),
        (["dedupe", "R.csv", "--out", "c.csv", "--engine", "polars"], "duckdb or spark"),
        (["encode", "R.csv", "--secret-file", "nokey", "--out", "e.parquet"], "secret"),
        (["match", "R.csv", "R.csv", "--out", "p.csv"], "not a readable Parquet"),
    ],
)
def test_errors_exit_2_with_a_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "R.csv").write_text("record_id\n1\n")
    assert run_link(monkeypatch, *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["dedupe", "R.csv", "--out", "c.csv", "--report", "no/r.html"], "report"),
        (["dedupe", "R.csv", "--out", "c.csv", "--pairs-out", "no/p.csv"], "pairs_out"),
        (["dedupe", "R.csv", "--out", "c.csv", "--model-out", "no/m.json"], "model_out"),
        (["dedupe", "R.csv", "--out", "no/c.csv"], "out"),
        (["encode", "R.csv", "--secret-file", "key", "--out", "no/e.parquet"], "out"),
        (["match", "R.csv", "R.csv", "--out", "c.csv", "--pairs-out", "no/p.csv"], "pairs_out"),
    ],
)
def test_an_output_in_a_missing_directory_stops_before_the_run_naming_its_option(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    field: str,
) -> None:
    # Checked first: not after the training, with the other outputs already written (and
    # not reported as --out when it is --report).
    monkeypatch.chdir(tmp_path)
    (tmp_path / "R.csv").write_text("record_id,given_names\n1,Ana\n2,Ana\n")
    (tmp_path / "key").write_text("c2hhcmVkLXNlY3JldC1vZi10d28tc3RhdGVzLTIwMjY=\n")
    assert run_link(monkeypatch, *args) == 2
    err = capsys.readouterr().err
    assert f"{field}: directory no does not exist" in err and "Traceback" not in err
    assert not (tmp_path / "c.csv").exists()


def test_a_missing_against_registry_is_named_as_the_against_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "R.csv").write_text("record_id,given_names\n1,Ana\n")
    args = ["dedupe", "R.csv", "--out", "c.csv", "--against", "missing.csv"]
    assert run_link(monkeypatch, *args) == 2
    err = capsys.readouterr().err
    assert "against: missing.csv does not exist" in err and "Traceback" not in err
