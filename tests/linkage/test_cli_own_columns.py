"""A registry as it really comes, end to end through dedupe, encode and match (issue 13).

The committed fixture has its own column names (Spanish, plus an office and a notes column),
dates as dd/mm/yyyy with a few impossible ones, one year-only and one month-only date, sex
coded H/M, names in Cyrillic, Chinese, Arabic, Haitian Creole, Nordic, Polish and Serbian
spelling, and duplicates written in Latin letters, with given name and surname exchanged,
a compound surname split otherwise, both surnames in one field. ``persona`` is the ground
truth (an extra column, ignored by the model).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.linkage.conftest import run_link

DATA = Path(__file__).parent / "data" / "own_columns_registry.csv"
COLUMNS = (
    "record_id=expediente,given_names=nombres,surname_1=apellido_paterno,"
    "surname_2=apellido_materno,sex=sexo,date_of_birth=fecha_nacimiento,nationality=pais,"
    "document_number=documento,phone=telefono"
)


def _registry() -> pd.DataFrame:
    return pd.read_csv(DATA, dtype=str, keep_default_na=False)


def test_dedupe_reads_the_file_as_it_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    code = run_link(
        monkeypatch,
        "dedupe",
        str(DATA),
        "--out",
        str(out),
        "--columns",
        COLUMNS,
        "--date-format",
        "%d/%m/%Y",
        "--keep",
        "oficina",
        "--pairs-out",
        str(pairs),
    )
    err = capsys.readouterr().err
    assert code == 0, err
    # Clear summary: broken dates counted by line, how sex was read, the model's parts.
    assert "blanked 3 impossible dates of birth" in err and "(lines 26, 32, 38)" in err
    assert "H (hombre)" in err
    assert (
        "comparisons used: given_names, surnames, date_of_birth, document, sex, "
        "nationality, phone" in err
    )
    assert "address (no address)" in err
    assert "<- threshold 0.9" in err
    clusters = pd.read_csv(out, dtype=str)
    assert list(clusters.columns) == [
        "record_id",
        "cluster_id",
        "cluster_size",
        "weakest_link_probability",
        "oficina",
    ]
    truth = _registry().set_index("expediente")["persona"]
    found = clusters.assign(persona=clusters["record_id"].map(truth))
    # Every person is one cluster and no cluster holds two people: Олена and Olena,
    # 芳 王 and Fang Wang, Pòl Loudmia and Loudmia Pòl, Ponce | de León Vargas and
    # Ponce de León | Vargas, Đorđe and Dorde, and the two sisters Rosa Quispe Mamani apart.
    assert found.groupby("persona")["cluster_id"].nunique().max() == 1
    assert found.groupby("cluster_id")["persona"].nunique().max() == 1
    assert found["persona"].nunique() == found["cluster_id"].nunique() == 30


def test_encode_and_match_two_exports_with_their_own_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "KEY"
    key.write_text("c2hhcmVkLXNlY3JldC1vZi10d28tc3RhdGVzLTIwMjY=\n")
    frame = _registry()
    # Two states' exports: the first record of each person in A, the duplicates in B, B with
    # its columns named in a YAML file.
    first = ~frame.duplicated("persona")
    frame[first].to_csv(tmp_path / "a.csv", index=False)
    b = frame[~first].rename(columns={"nombres": "given", "apellido_paterno": "family"})
    b.to_csv(tmp_path / "b.csv", index=False)
    (tmp_path / "b.yaml").write_text(
        "record_id: expediente\ngiven_names: given\nsurname_1: family\nsurname_2: "
        "apellido_materno\nsex: sexo\ndate_of_birth: fecha_nacimiento\nnationality: pais\n"
        "document_number: documento\n",
        encoding="utf-8",
    )
    common = [
        "--secret-file",
        str(key),
        "--date-format",
        "%d/%m/%Y",
        "--fields",
        "given_names,surnames,date_of_birth,sex",
    ]
    assert (
        run_link(
            monkeypatch,
            "encode",
            str(tmp_path / "a.csv"),
            "--out",
            str(tmp_path / "a.pq"),
            "--columns",
            COLUMNS,
            *common,
        )
        == 0
    )
    assert (
        run_link(
            monkeypatch,
            "encode",
            str(tmp_path / "b.csv"),
            "--out",
            str(tmp_path / "b.pq"),
            "--columns",
            str(tmp_path / "b.yaml"),
            *common,
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "encoded fields: given_names, surnames, date_of_birth, sex" in err
    assert "blanked" in err  # B holds the impossible dates
    out, all_pairs = tmp_path / "pairs.csv", tmp_path / "all.csv"
    assert (
        run_link(
            monkeypatch,
            "match",
            str(tmp_path / "a.pq"),
            str(tmp_path / "b.pq"),
            "--out",
            str(out),
            "--pairs-out",
            str(all_pairs),
            "--threshold",
            "0.8",
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "threshold 0.8000 (given); the estimated one would be" in err
    assert "score distribution of" in err
    pairs = pd.read_csv(out, dtype=str)
    truth = frame.set_index("expediente")["persona"]
    right = (pairs["record_id_a"].map(truth) == pairs["record_id_b"].map(truth)).sum()
    # 17 people are in both files; transliterated names agree with their originals.
    assert right >= 15 and right >= 0.9 * len(pairs)
    assert len(pd.read_csv(all_pairs)) >= len(pairs)
