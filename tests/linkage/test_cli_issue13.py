"""Issue 13's items end to end through ``ruta link``, beyond the committed own-columns run.

Several date formats in one file, a file with nothing but a record id and a name, the
automatic threshold of ``match`` with its estimated precision and recall, ``encode --keep``
carried to the pairs, and the summaries in the user's language (``--lang``). The registry
is the committed own-columns fixture (see test_cli_own_columns.py), rewritten per test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from tests.linkage.conftest import run_link

DATA = Path(__file__).parent / "data" / "own_columns_registry.csv"
COLUMNS = (
    "record_id=expediente,given_names=nombres,surname_1=apellido_paterno,"
    "surname_2=apellido_materno,sex=sexo,date_of_birth=fecha_nacimiento,nationality=pais,"
    "document_number=documento"
)
KEY = "c2hhcmVkLXNlY3JldC1vZi10d28tc3RhdGVzLTIwMjY=\n"


def _registry() -> pd.DataFrame:
    return pd.read_csv(DATA, dtype=str, keep_default_na=False)


def _people(clusters: Path, frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    found = pd.read_csv(clusters, dtype=str)
    truth = frame.set_index(id_column)["persona"]
    return found.assign(persona=found["record_id"].map(truth))


def test_several_date_formats_in_one_file_and_broken_dates_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = _registry()
    # Every other valid dd/mm/yyyy date written as yyyymmdd, as a second office does.
    dates = frame["fecha_nacimiento"]
    valid = pd.to_datetime(dates, format="%d/%m/%Y", errors="coerce").notna()
    good = valid & (frame.index % 2 == 0)
    frame.loc[good, "fecha_nacimiento"] = dates[good].str.replace(
        r"(\d\d)/(\d\d)/(\d{4})", r"\3\2\1", regex=True
    )
    assert good.sum() >= 15
    source = tmp_path / "mixed.csv"
    frame.to_csv(source, index=False)
    out = tmp_path / "clusters.csv"
    args = ["dedupe", str(source), "--out", str(out), "--columns", COLUMNS]
    code = run_link(monkeypatch, *args, "--date-format", "%d/%m/%Y|%Y%m%d")
    err = capsys.readouterr().err
    assert code == 0, err
    # Only the three impossible dates are blanked, by line; none of the rewritten ones.
    assert "blanked 3 impossible dates of birth" in err and "(lines 26, 32, 38)" in err
    found = _people(out, frame, "expediente")
    assert found.groupby("persona")["cluster_id"].nunique().max() == 1
    assert found.groupby("cluster_id")["persona"].nunique().max() == 1
    # With the first pattern only, the yyyymmdd dates are the ones blanked.
    assert run_link(monkeypatch, *args, "--date-format", "%d/%m/%Y") == 0
    err = capsys.readouterr().err
    blanked = re.search(r"blanked (\d+) impossible dates of birth", err)
    assert blanked is not None and int(blanked.group(1)) == 3 + int(good.sum())


def test_only_a_record_id_and_a_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = _registry()
    slim = pd.DataFrame(
        {
            "id": frame["expediente"],
            "nombre": frame["nombres"] + " " + frame["apellido_paterno"],
            "persona": frame["persona"],  # an extra column: ignored
        }
    )
    source = tmp_path / "slim.csv"
    slim.to_csv(source, index=False)
    out = tmp_path / "clusters.csv"
    code = run_link(
        monkeypatch,
        "dedupe",
        str(source),
        "--out",
        str(out),
        "--columns",
        "record_id=id,given_names=nombre",
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err
    # The summary says what the model could use and what it dropped for lack of data.
    assert "comparisons used: given_names" in err
    assert "date_of_birth (no date_of_birth)" in err
    assert "records ->" in err
    clusters = pd.read_csv(out, dtype=str)
    assert sorted(clusters["record_id"]) == sorted(slim["id"])
    assert list(clusters.columns)[:2] == ["record_id", "cluster_id"]


def _encode_two_states(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str
) -> tuple[Path, Path, pd.DataFrame]:
    key = tmp_path / "KEY"
    key.write_text(KEY)
    frame = _registry()
    first = ~frame.duplicated("persona")
    frame[first].to_csv(tmp_path / "a.csv", index=False)
    frame[~first].to_csv(tmp_path / "b.csv", index=False)
    for side in ("a", "b"):
        code = run_link(
            monkeypatch,
            "encode",
            str(tmp_path / f"{side}.csv"),
            "--secret-file",
            str(key),
            "--out",
            str(tmp_path / f"{side}.pq"),
            "--columns",
            COLUMNS,
            "--date-format",
            "%d/%m/%Y",
            "--fields",
            "given_names,surnames,date_of_birth,sex",
            *extra,
        )
        assert code == 0
    return tmp_path / "a.pq", tmp_path / "b.pq", frame


def test_match_prints_its_automatic_threshold_and_keeps_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b, frame = _encode_two_states(tmp_path, monkeypatch, "--keep", "oficina")
    err = capsys.readouterr().err
    assert "kept columns oficina are written as they are, not encoded" in err
    out = tmp_path / "pairs.csv"
    assert run_link(monkeypatch, "match", str(a), str(b), "--out", str(out)) == 0
    err = capsys.readouterr().err
    # No --threshold: the estimated one is used and said, with its precision and recall,
    # or the hardening's default when the scores cannot be split in two groups.
    said = re.search(
        r"threshold (\d\.\d{4}) \((estimated from the score distribution|the hardening's "
        r"default)\); (estimated precision \d\.\d{3}, recall \d\.\d{3}|the scores could not)",
        err,
    )
    assert said is not None, err
    assert f"<- threshold {said.group(1)}" in err
    pairs = pd.read_csv(out, dtype=str)
    assert {"oficina_a", "oficina_b"} <= set(pairs.columns)
    assert (pairs["score"].astype(float) >= float(said.group(1))).all()
    truth = frame.set_index("expediente")["persona"]
    right = (pairs["record_id_a"].map(truth) == pairs["record_id_b"].map(truth)).sum()
    assert right >= 15 and right >= 0.9 * len(pairs)


def test_summaries_speak_the_users_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "clusters.csv"
    base = ["dedupe", str(DATA), "--out", str(out), "--columns", COLUMNS]
    assert run_link(monkeypatch, *base, "--date-format", "%d/%m/%Y", "--lang", "es-419") == 0
    spanish = capsys.readouterr().err
    assert "comparaciones usadas: given_names" in spanish
    assert "se vaciaron 3 fechas de nacimiento imposibles" in spanish
    assert "(líneas 26, 32, 38)" in spanish and "<- umbral 0,9" in spanish
    assert re.search(r"47 registros -> 30 personas; .* escrito ", spanish)
    # The engine's reasons, notes and progress lines too.
    assert "address (sin address)" in spanish and "normalizando 47 registros" in spanish
    assert "EM sobre dob omitido: 12 pares candidatos, menos de los 2.000 que necesita" in spanish
    assert "comparisons used" not in spanish and "records ->" not in spanish
    assert "el valor 31/02/1983 no es una fecha" in spanish
    assert "sexo: leído como H (hombre) = M y M (mujer) = F" in spanish
    assert "skipped" not in spanish and "training" not in spanish and "value" not in spanish
    assert run_link(monkeypatch, *base, "--date-format", "%d/%m/%Y", "--lang", "fr") == 0
    french = capsys.readouterr().err
    assert "comparaisons utilisées : given_names" in french
    assert "3 dates de naissance impossibles vidées" in french
    assert re.search(r"47 enregistrements -> 30 personnes ; ", french)
    # Encode and the review queue's language is checked before any work, naming the option.
    key = tmp_path / "KEY"
    key.write_text(KEY)
    enc = ["encode", str(DATA), "--secret-file", str(key), "--out", str(tmp_path / "e.pq")]
    assert (
        run_link(
            monkeypatch, *enc, "--columns", COLUMNS, "--date-format", "%d/%m/%Y", "--lang", "pt"
        )
        == 0
    )
    assert "codificados 47 registros" in capsys.readouterr().err
    # A row skipped as bad says why in the chosen language.
    frame = _registry()
    frame.loc[5, "sexo"] = "?"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    enc_bad = [*enc[:1], str(tmp_path / "bad.csv"), *enc[2:]]
    args = ["--columns", COLUMNS, "--date-format", "%d/%m/%Y", "--on-error", "skip"]
    assert run_link(monkeypatch, *enc_bad, *args, "--max-skipped", "2", "--lang", "fr") == 0
    err = capsys.readouterr().err
    assert "ligne 7 : sex la valeur ? n'est ni F, ni M, ni X, ni vide" in err
    assert "1 ligne invalide de" in err and "46 enregistrements encodés" in err
    assert run_link(monkeypatch, *enc, "--lang", "de") == 2
    err = capsys.readouterr().err
    assert "--lang" in err and "Traceback" not in err and not (tmp_path / "x.pq").exists()
