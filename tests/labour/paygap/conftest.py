"""Shared fixtures of the pay-gap tests: synthetic surveys and their column mapping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from ruta.labour.paygap import ColumnMap, synthetic_survey

COVARIATES = ("edad", "sexo", "educacion", "ciuo08", "ciiu", "region")
CATEGORICAL = ("sexo", "educacion", "ciuo08", "ciiu", "region")


def survey_columns(**changes: object) -> ColumnMap:
    """The mapping of the synthetic survey's Spanish column names."""
    base = ColumnMap(
        wage="ingreso_mensual",
        hours="horas_semana",
        migrant="migrante",
        weight="fex",
        covariates=COVARIATES,
        categorical=CATEGORICAL,
        age="edad",
        occupation="ciuo08",
        education="educacion",
        sex="sexo",
    )
    fields = {**base.__dict__, **changes}
    return ColumnMap(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="session", name="survey_columns")
def _survey_columns() -> Callable[..., ColumnMap]:
    """The mapping of the synthetic survey (keyword arguments replace entries)."""
    return survey_columns


@pytest.fixture(scope="session")
def messy_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    table, _truth = synthetic_survey(2_000, seed=11, messy=True)
    path = tmp_path_factory.mktemp("survey") / "encuesta.csv"
    pacsv.write_csv(table, path)
    return path


@pytest.fixture(scope="session")
def clean_table() -> pa.Table:
    return synthetic_survey(3_000, seed=5)[0]
