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


def test_bad_date_stops_with_line_number(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, "r2,Luis,Paz,,M,07/03/1990,COL,1")
    with pytest.raises(RegistryError) as err:
        read_registry(path, on_error="stop")
    assert "line 3" in str(err.value) and "07/03/1990" in str(err.value)
    assert err.value.field == "date_of_birth"
    assert "YYYY-MM-DD" in str(err.value)


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
    reg = read_registry(path, on_error="skip")
    assert list(reg.frame["record_id"]) == ["r1", "r7"]
    assert [(b.line, b.field) for b in reg.skipped] == [
        (3, "date_of_birth"),
        (4, "row"),
        (5, "record_id"),
        (6, "sex"),
        (7, "record_id"),
    ]


def test_unknown_or_missing_columns_are_named(tmp_path: Path) -> None:
    header = HEADER.replace("surname_2", "apellido_2")
    with pytest.raises(RegistryError) as err:
        read_registry(_write(tmp_path, GOOD, header=header))
    assert "missing surname_2" in str(err.value) and "unknown apellido_2" in str(err.value)
    assert err.value.field == "columns"


def test_parquet_rows_are_numbered(tmp_path: Path) -> None:
    frame = pd.read_csv(_write(tmp_path, GOOD, "r2,Luis,Paz,,M,1990-13-01,COL,1"), dtype=str)
    frame["date_of_birth"] = frame["date_of_birth"].astype(str)
    path = tmp_path / "reg.parquet"
    frame.to_parquet(path)
    reg = read_registry(path, on_error="skip")
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
        "r2,Luis,Paz,,M,1990-99-01,COL,2",
    )
    reg = read_registry(path, on_error="skip")
    assert [b.line for b in reg.skipped] == [5]
    assert list(reg.frame["record_id"]) == ["r1"]


def test_well_formed_file_takes_the_fast_path_with_exact_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ruta.linkage._registry as registry_module

    def slow_path(*_args: object) -> None:
        raise AssertionError("a well-formed file must not need the csv module")

    monkeypatch.setattr(registry_module, "_read_csv", slow_path)
    path = _write(tmp_path, GOOD, "r2,Luis,Paz,,M,1990-02-30,COL,2", "r3,Eva,,,F,,,")
    reg = read_registry(path, on_error="skip")
    assert [b.line for b in reg.skipped] == [3]
    assert reg.frame.loc[1, "record_id"] == "r3" and reg.frame.loc[1, "surname_1"] == ""
