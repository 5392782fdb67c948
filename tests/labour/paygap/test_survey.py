"""Reading survey files: column mapping, hourly wages, and every unusable row accounted for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from ruta.labour.paygap import (
    ColumnMap,
    SurveyError,
    load_mapping,
    method_parameters,
    read_survey,
    survey_from_table,
)


def _table(**overrides: list[object]) -> pa.Table:
    columns: dict[str, list[object]] = {
        "salario": [10.0, 12.0, 8.0, 9.0, 11.0, 7.0],
        "migra": [0, 0, 1, 1, 0, 1],
        "peso": [1.0, 2.0, 1.0, 1.0, 3.0, 2.0],
        "edad": [30.0, 40.0, 35.0, 45.0, 50.0, 25.0],
        "nivel": ["b", "a", "b", "a", "a", "b"],
    }
    columns.update(overrides)
    return pa.table(columns)


MAP = ColumnMap(
    wage="salario",
    migrant="migra",
    weight="peso",
    covariates=("edad", "nivel"),
    categorical=("nivel",),
)


def test_every_unusable_row_is_counted_by_its_first_reason() -> None:
    good = 4  # then one row per reason
    table = _table(
        salario=[10.0, 12.0, 8.0, 9.0, None, 0.0, -3.0, 9.0, 11.0, 7.0, 8.0, 6.0, 5.0],
        migra=["0", "0", "1", "1", "0", "0", "1", None, "0", "si", "1", "1", "0"],
        peso=[1.0] * good + [1.0, 1.0, 1.0, 1.0, None, 2.0, 1.0, 1.0, 1.0],
        edad=[30.0] * good + [30.0, 40.0, 35.0, 45.0, 50.0, 25.0, 33.0, 41.0, None],
        nivel=["a", "b", "a", "b", "b", "a", "b", "a", "a", "a", None, "a", "b"],
    )
    survey = survey_from_table(table, MAP)
    assert survey.dropped == {
        "missing_wage": 1,
        "non_positive_wage": 2,
        "missing_weight": 1,
        "missing_migrant": 1,
        "invalid_migrant": 1,
        "missing_edad": 1,
        "missing_nivel": 1,
    }
    assert survey.n == good + 1  # the migrant with nivel=a and edad=41 is usable
    assert survey.n + sum(survey.dropped.values()) == survey.rows_read == 13


def test_monthly_earnings_become_hourly_with_weekly_or_monthly_hours() -> None:
    table = _table(horas=[40.0, 40.0, 20.0, 40.0, 48.0, 40.0])
    weekly = survey_from_table(table, ColumnMap(**{**MAP.__dict__, "hours": "horas"}))
    weeks = method_parameters().weeks_per_month
    assert weekly.hourly_derived
    assert sorted(weekly.wage) == pytest.approx(
        sorted(
            np.array([10.0, 12.0, 8.0, 9.0, 11.0, 7.0])
            / (np.array([40, 40, 20, 40, 48, 40]) * weeks)
        )
    )
    monthly = survey_from_table(
        table, ColumnMap(**{**MAP.__dict__, "hours": "horas", "hours_per": "month"})
    )
    assert min(monthly.wage) == pytest.approx(7.0 / 40.0)


@pytest.mark.parametrize(
    "values",
    [
        [0, 0, 1, 1, 0, 1],
        [False, False, True, True, False, True],
        ["false", "FALSE", "true", "True", "0", "1"],
    ],
)
def test_migrant_status_as_numbers_booleans_or_words(values: list[object]) -> None:
    survey = survey_from_table(_table(migra=values), MAP)
    assert survey.n_nationals == 3 and survey.n == 6


def test_csv_and_parquet_give_the_same_sample(tmp_path: Path) -> None:
    table = _table()
    pacsv.write_csv(table, tmp_path / "s.csv")
    pq.write_table(table, tmp_path / "s.parquet")
    from_csv = read_survey(tmp_path / "s.csv", MAP)
    from_parquet = read_survey(tmp_path / "s.parquet", MAP)
    np.testing.assert_array_equal(from_csv.log_wage, from_parquet.log_wage)
    assert from_csv.categorical["nivel"].levels == from_parquet.categorical["nivel"].levels
    np.testing.assert_array_equal(
        from_csv.categorical["nivel"].codes, from_parquet.categorical["nivel"].codes
    )


@pytest.mark.parametrize(("delimiter", "suffix"), [(";", ".csv"), ("\t", ".csv.gz")])
def test_semicolon_or_tab_files_with_decimal_commas_read_like_the_csv(
    tmp_path: Path, delimiter: str, suffix: str
) -> None:
    # As statistical offices and spreadsheets in Spanish and Portuguese write CSV.
    table = _table(salario=[10.5, 12.25, 8.0, 9.75, 11.0, 7.5], peso=[1.5, 2.0, 1, 1, 3, 2])
    lines = [delimiter.join(table.column_names)]
    for row in table.to_pylist():
        lines.append(delimiter.join(str(v).replace(".", ",") for v in row.values()))
    path = tmp_path / f"s{suffix}"
    data = ("\n".join(lines) + "\n").encode()
    with pa.output_stream(path, compression="detect") as out:
        out.write(data)
    pq.write_table(table, tmp_path / "s.parquet")
    local, reference = read_survey(path, MAP), read_survey(tmp_path / "s.parquet", MAP)
    np.testing.assert_array_equal(local.log_wage, reference.log_wage)
    np.testing.assert_array_equal(local.weight, reference.weight)
    np.testing.assert_array_equal(local.numeric["edad"], reference.numeric["edad"])
    assert local.categorical["nivel"].levels == reference.categorical["nivel"].levels


def test_occupation_codes_keep_their_leading_zero_and_reduce_to_the_major_group() -> None:
    table = _table(ocup=[110, 2211, 5120, 9112, 110, 2211])
    columns = ColumnMap(
        **{
            **MAP.__dict__,
            "covariates": ("edad", "ocup"),
            "categorical": ("ocup",),
            "occupation": "ocup",
        }
    )
    survey = survey_from_table(table, columns)
    assert survey.categorical["ocup"].levels == ("0", "2", "5", "9")


def test_a_missing_column_is_named_with_the_columns_there_are(tmp_path: Path) -> None:
    pacsv.write_csv(_table(), tmp_path / "s.csv")
    with pytest.raises(SurveyError, match=r"no column 'ingreso'.*salario, migra") as info:
        read_survey(tmp_path / "s.csv", ColumnMap(wage="ingreso", migrant="migra"))
    assert info.value.field == "ingreso"


def test_text_in_a_numeric_column_is_an_error_naming_it() -> None:
    with pytest.raises(SurveyError, match="expected numbers in column 'edad'"):
        survey_from_table(_table(edad=["30", "cuarenta", "35", "45", "50", "25"]), MAP)


def test_a_survey_without_migrants_says_what_to_check() -> None:
    with pytest.raises(SurveyError, match="no migrant is left"):
        survey_from_table(_table(migra=[0, 0, 0, 0, 0, 0]), MAP)


def test_unknown_file_types_and_missing_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "s.xlsx").write_bytes(b"PK")
    with pytest.raises(SurveyError, match=r"expected a \.csv"):
        read_survey(tmp_path / "s.xlsx", MAP)
    with pytest.raises(SurveyError, match="does not exist"):
        read_survey(tmp_path / "nada.csv", MAP)


def test_mapping_file_with_options_winning(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(
        "wage: ingreso\nmigrant: migra\ncovariates: [edad, nivel]\n"
        "categorical: [nivel]\nweight: fex\n",
        encoding="utf-8",
    )
    columns = load_mapping(path, {"wage": "salario", "weight": None})
    assert (columns.wage, columns.weight, columns.covariates) == (
        "salario",
        "fex",
        ("edad", "nivel"),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("wage: w\nmigrant: m\nsalary: x\n", "unknown keys salary"),
        ("- a\n- b\n", "YAML mapping"),
        ("wage: w\n", "pass --migrant COL"),
        ("wage: [w]\nmigrant: m\n", "expected a column name"),
        ("wage: w\nmigrant: m\ncovariates: [a]\ncategorical: [b]\n", "b listed as categorical"),
    ],
)
def test_bad_mapping_files_say_how_to_fix_them(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SurveyError, match=message):
        load_mapping(path, {})
