"""Birth dates in other formats and reduced precision (ruta.linkage._dates)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from ruta.linkage import RegistryError, parse_date_formats
from ruta.linkage._dates import normalise_dates


@pytest.mark.parametrize(
    ("value", "formats", "iso"),
    [
        ("17/03/1990", "%d/%m/%Y", "1990-03-17"),
        ("03/1990", "%m/%Y", "1990-03"),
        ("19900317", "%Y%m%d", "1990-03-17"),
        ("17 Mar 1990", "%d %b %Y", "1990-03-17"),
        ("1990", None, "1990"),
        ("1990-03", None, "1990-03"),
        ("1990-3-7", None, "1990-03-07"),
        ("29/02/2000", "%d/%m/%Y", "2000-02-29"),
    ],
)
def test_each_pattern_keeps_its_precision(value: str, formats: str | None, iso: str) -> None:
    got, problem = normalise_dates(pd.Series([value]), parse_date_formats(formats))
    assert (got[0], problem[0]) == (iso, "")


@pytest.mark.parametrize("value", ["29/02/1999", "31/04/1990", "00/00/0000", "1990-13", "x"])
def test_impossible_dates_are_named(value: str) -> None:
    got, problem = normalise_dates(pd.Series([value]), parse_date_formats("%d/%m/%Y"))
    assert got[0] == "" and value in problem[0] and "%d/%m/%Y" in problem[0]


def test_a_future_date_is_impossible() -> None:
    got, problem = normalise_dates(
        pd.Series(["2030-01-01"]), parse_date_formats(None), today=date(2026, 1, 1)
    )
    assert got[0] == "" and "future" in problem[0]


def test_first_matching_pattern_wins() -> None:
    # 03/04/1990 is 3 April by the first pattern, never 4 March by the second.
    got, _ = normalise_dates(pd.Series(["03/04/1990"]), parse_date_formats("%d/%m/%Y|%m/%d/%Y"))
    assert got[0] == "1990-04-03"


@pytest.mark.parametrize("spec", ["%d/%m", "%d/%m/%Q", "%m|"])
def test_patterns_without_a_year_or_unknown_are_refused(spec: str) -> None:
    with pytest.raises(RegistryError) as err:
        parse_date_formats(spec)
    assert err.value.field == "date_format"
