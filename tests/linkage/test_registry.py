from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ruta.linkage import RegistryError, read_registry
from ruta.linkage._registry import REQUIRED_COLUMNS

HEADER = ",".join(REQUIRED_COLUMNS)


def _write(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "reg.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


GOOD = "r1,Ana María,Pérez,Gómez,F,1990-03-07,VEN,V-12345678"


def test_reads_csv_with_missing_cells_and_optional_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, "r2,Luis,,,m,,COL,")
    reg = read_registry(path)
    assert list(reg.frame["record_id"]) == ["r1", "r2"]
    assert reg.frame.loc[1, "sex"] == "M"
    assert reg.frame.loc[1, "date_of_birth"] == ""
    assert set(reg.frame["document_type"]) == {""}
    assert reg.skipped == []


def test_impossible_date_is_blanked_with_a_warning_not_a_lost_row(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, "r2,Luis,Paz,,M,07/03/1990,COL,1", "r3,Eva,Paz,,F,2999-01-01,,")
    reg = read_registry(path, on_error="stop")
    assert list(reg.frame["record_id"]) == ["r1", "r2", "r3"]
    assert list(reg.frame["date_of_birth"]) == ["1990-03-07", "", ""]
    assert [(w.line, w.field) for w in reg.warnings] == [(3, "date_of_birth"), (4, "date_of_birth")]
    assert "07/03/1990" in reg.warnings[0].message and "YYYY-MM-DD" in reg.warnings[0].message
    assert "in the future" in reg.warnings[1].message
    assert reg.skipped == []


def test_date_formats_and_reduced_precision(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "r1,Ana,Paz,,F,07/03/1990,VEN,",
        "r2,Ana,Paz,,F,19900307,VEN,",
        "r3,Ana,Paz,,F,1990,VEN,",
        "r4,Ana,Paz,,F,1990-03,VEN,",
        "r5,Ana,Paz,,F,1990-03-07,VEN,",
    )
    reg = read_registry(path, date_formats="%d/%m/%Y|%Y%m%d")
    assert list(reg.frame["date_of_birth"]) == [
        "1990-03-07",
        "1990-03-07",
        "1990",
        "1990-03",
        "1990-03-07",
    ]
    assert reg.warnings == []


def test_mostly_unreadable_dates_mean_a_wrong_format(tmp_path: Path) -> None:
    path = _write(tmp_path, *(f"r{i},Ana,Paz,,F,{i + 1:02d}/03/1990,VEN," for i in range(6)))
    with pytest.raises(RegistryError) as err:
        read_registry(path)
    assert err.value.field == "date_of_birth" and "--date-format" in str(err.value)


def test_skip_reports_every_bad_row_and_keeps_the_rest(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        GOOD,
        "r2,Luis,Paz,,M,1990-02-30,COL,1",
        "r3,Eva,Paz,,F,1991-01-01,COL",
        "r1,Dup,Paz,,F,1991-01-01,COL,2",
        "r5,Eva,Paz,,Q,1991-01-01,COL,3",
        ",Eva,Paz,,F,1991-01-01,COL,3",
        "r7,Eva,Paz,,F,1991-01-01,COL,4",
    )
    reg = read_registry(path, on_error="skip", max_skipped=1.0)
    assert list(reg.frame["record_id"]) == ["r1", "r2", "r7"]
    assert [(b.line, b.field) for b in reg.skipped] == [
        (4, "row"),
        (5, "record_id"),
        (6, "sex"),
        (7, "record_id"),
    ]
    assert [w.line for w in reg.warnings] == [3]


def test_skipping_most_rows_stops_instead_of_exiting_quietly(tmp_path: Path) -> None:
    # The run: --on-error skip left out 959 of 1,000 rows and went on.
    lines = [f"r{i},Ana,Paz,,{'Q' if i % 10 else 'F'},,VEN," for i in range(1000)]
    path = _write(tmp_path, *lines)
    with pytest.raises(RegistryError) as err:
        read_registry(path, on_error="skip")
    message = str(err.value)
    assert err.value.field == "max_skipped"
    assert "900 of 1,000 rows" in message and "1 %" in message and "line 3" in message
    assert len(read_registry(path, on_error="skip", max_skipped=900)) == 100
    with pytest.raises(RegistryError):
        read_registry(path, on_error="skip", max_skipped=899)


def test_extra_columns_are_ignored_and_absent_fields_empty(tmp_path: Path) -> None:
    path = _write(tmp_path, "r1,Ana,Paz,x", header="record_id,given_names,surname_1,oficina")
    reg = read_registry(path)
    assert "oficina" not in reg.frame.columns
    assert set(reg.frame["nationality"]) == {""} and reg.present == {
        "record_id",
        "given_names",
        "surname_1",
    }


def test_own_column_names_and_kept_columns(tmp_path: Path) -> None:
    header = "expediente,nombres,paterno,materno,calle,numero,oficina"
    path = _write(tmp_path, "E1,Ana,Paz,Ríos,Calle 5,12,Cúcuta", header=header)
    reg = read_registry(
        path,
        columns="record_id=expediente,given_names=nombres,surname_1=paterno,"
        "surname_2=materno,address=calle+numero",
        keep=("oficina",),
    )
    row = reg.frame.iloc[0]
    assert (row.record_id, row.surname_2, row.address) == ("E1", "Ríos", "Calle 5 12")
    assert reg.kept is not None and list(reg.kept["oficina"]) == ["Cúcuta"]


@pytest.mark.parametrize(
    ("header", "columns", "keep", "field", "words"),
    [
        ("id,nombres", None, (), "columns", "no record_id column"),
        ("record_id,oficina", None, (), "columns", "no name column"),
        ("record_id,nombres", "given_names=nombre", (), "columns", "no column nombre"),
        ("record_id,given_names", None, ("oficina",), "keep", "no column oficina to keep"),
        ("record_id,given_names,given_names", None, (), "columns", "twice"),
    ],
)
def test_column_problems_are_named(
    tmp_path: Path,
    header: str,
    columns: str | None,
    keep: tuple[str, ...],
    field: str,
    words: str,
) -> None:
    path = _write(tmp_path, "1,Ana" + ",x" * (header.count(",") - 1), header=header)
    with pytest.raises(RegistryError) as err:
        read_registry(path, columns=columns, keep=keep)
    assert err.value.field == field and words in str(err.value)


def test_sex_words_and_mexican_codes(tmp_path: Path) -> None:
    header = "record_id,given_names,sex"
    words = read_registry(_write(tmp_path, "1,Ana,mujer", "2,Luis,Male", header=header))
    assert list(words.frame["sex"]) == ["F", "M"] and words.notes == []
    codes = read_registry(_write(tmp_path, "1,Ana,M", "2,Luis,H", header=header))
    assert list(codes.frame["sex"]) == ["F", "M"] and "H (hombre)" in codes.notes[0]


def test_parquet_rows_are_numbered(tmp_path: Path) -> None:
    frame = pd.read_csv(_write(tmp_path, GOOD, "r2,Luis,Paz,,Q,1990-13-01,COL,1"), dtype=str)
    frame["date_of_birth"] = frame["date_of_birth"].astype(str)
    path = tmp_path / "reg.parquet"
    frame.to_parquet(path)
    reg = read_registry(path, on_error="skip", max_skipped=1)
    assert len(reg) == 1 and reg.skipped[0].line == 2
    assert reg.frame.loc[0, "surname_2"] == "Gómez"


@pytest.mark.parametrize("name", ["reg.xlsx", "missing.csv"])
def test_unreadable_inputs(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".xlsx"):
        path.write_text("x")
    with pytest.raises(RegistryError) as err:
        read_registry(path)
    assert err.value.field == "registry"


def test_on_error_value_is_checked(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="skip or stop"):
        read_registry(_write(tmp_path, GOOD), on_error="ignore")  # type: ignore[arg-type]


def test_non_utf8_csv_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "reg.csv"
    path.write_bytes((HEADER + "\nr1,Mar\xeda,P,,F,1990-01-01,VEN,1\n").encode("latin-1"))
    with pytest.raises(RegistryError, match="UTF-8"):
        read_registry(path)


def test_line_numbers_survive_quoted_newlines_and_blank_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'r1,"Ana\nMaría",Pérez,,F,1990-03-07,VEN,1',
        "",
        "r2,Luis,Paz,,Q,1990-01-01,COL,2",
        "r3,Eva,Paz,,F,1990-99-01,COL,2",
    )
    reg = read_registry(path, on_error="skip", max_skipped=1)
    assert [b.line for b in reg.skipped] == [5]
    assert [w.line for w in reg.warnings] == [6]
    assert list(reg.frame["record_id"]) == ["r1", "r3"]


def test_well_formed_file_takes_the_fast_path_with_exact_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ruta.linkage._registry as registry_module

    def slow_path(*_args: object) -> None:
        raise AssertionError("a well-formed file must not need the csv module")

    monkeypatch.setattr(registry_module, "_read_csv", slow_path)
    path = _write(tmp_path, GOOD, "r2,Luis,Paz,,Q,1990-02-03,COL,2", "r3,Eva,,,F,,,")
    reg = read_registry(path, on_error="skip", max_skipped=1)
    assert [b.line for b in reg.skipped] == [3]
    assert reg.frame.loc[1, "record_id"] == "r3" and reg.frame.loc[1, "surname_1"] == ""
