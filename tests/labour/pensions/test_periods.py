"""Reading contribution periods: JSON and CSV, every bad row named by line and field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ruta.labour.pensions import PeriodsError, read_periods

CLAIM = dt.date(2026, 1, 1)


def problems(text: str, **kwargs) -> list[tuple[int, str, str]]:
    with pytest.raises(PeriodsError) as caught:
        read_periods(text, as_of=CLAIM, **kwargs)
    return caught.value.problems


def test_json_rows_keep_their_line_and_optional_fields() -> None:
    text = """[
  {"country": "ARG", "from": "2000-01-01", "to": "2000-12-31", "scheme": "SIPA"},

  {"country": "bra", "from": "2001-01-01", "to": "2001-06-30",
   "voluntary": true, "wage": "3500.50"}
]"""
    first, second = read_periods(text, as_of=CLAIM)
    assert (first.country, first.line, first.scheme, first.days) == ("ARG", 2, "SIPA", 366)
    assert (second.country, second.line, second.voluntary) == ("BRA", 4, True)
    assert second.wage == Decimal("3500.50")


def test_csv_rows_with_a_header_in_any_column_order() -> None:
    text = "to,country,from,wage\n2000-12-31,URY,2000-01-01,\n\n2001-12-31,PRY,2001-01-01,1500\n"
    first, second = read_periods(text, as_of=CLAIM)
    assert (first.country, first.line, first.wage) == ("URY", 2, None)
    assert (second.country, second.line, second.wage) == ("PRY", 4, Decimal(1500))


def test_every_bad_json_row_is_named_at_once() -> None:
    text = """[
  {"country": "ARG", "from": "2000-01-01", "to": "1999-12-31"},
  {"country": "XYZ", "from": "2000-02-30", "to": "2001-01-01"},
  {"country": "BRA", "from": "2000-01-01", "to": "2030-01-01", "wage": -5},
  {"country": "CHL", "to": "2001-01-01", "voluntary": "maybe", "employer": "ACME"},
  "ARG 2000-2001"
]"""
    assert problems(text) == [
        (2, "to", "1999-12-31 is before from (2000-01-01)"),
        (3, "country", "'XYZ' is not an ISO 3166-1 alpha-3 code (e.g. ARG, BRA)"),
        (3, "from", "'2000-02-30' is not a calendar date"),
        (4, "to", "2030-01-01 is after the date of the claim (2026-01-01)"),
        (4, "wage", "expected a positive amount, got -5"),
        (5, "employer", "unknown field; expected country, from, to, scheme, voluntary, wage"),
        (5, "from", "is required"),
        (5, "voluntary", "expected true or false, got 'maybe'"),
        (6, "", 'expected an object {"country", "from", "to"}'),
    ]


def test_the_message_names_line_and_field() -> None:
    with pytest.raises(PeriodsError) as caught:
        read_periods("country,from,to\nARG,01/02/2000,2001-01-01\n", as_of=CLAIM, source="p.csv")
    assert str(caught.value) == (
        "p.csv: line 2, from: expected an ISO date YYYY-MM-DD, got '01/02/2000'"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "",
            [
                (1, "country", "missing column"),
                (1, "from", "missing column"),
                (1, "to", "missing column"),
            ],
        ),
        (
            "country,start,end\nARG,2000-01-01,2001-01-01\n",
            [(1, "from", "missing column"), (1, "to", "missing column")],
        ),
        ("[]", [(1, "", "no periods: give at least one row")]),
        ('{"country": "ARG"}', [(1, "", "not a list")]),
        ('[{"country": "ARG",}]', [(1, "", "Expecting property name enclosed in double quotes")]),
    ],
)
def test_files_that_are_not_period_lists(text: str, expected) -> None:
    assert problems(text) == expected


def test_format_can_be_forced() -> None:
    with pytest.raises(PeriodsError, match="not valid JSON"):
        read_periods("country,from,to\n", as_of=CLAIM, fmt="json")


def test_a_two_letter_country_code_is_read_as_its_country() -> None:
    # Social-security and payroll exports often write ISO 3166-1 alpha-2 (AR, br).
    json_rows = read_periods(
        '[{"country": "AR", "from": "2000-01-01", "to": "2000-12-31"},'
        ' {"country": " br ", "from": "2001-01-01", "to": "2001-12-31"}]',
        as_of=CLAIM,
    )
    csv_rows = read_periods("country,from,to\nuy,2002-01-01,2002-12-31\n", as_of=CLAIM)
    assert [p.country for p in json_rows + csv_rows] == ["ARG", "BRA", "URY"]
    assert problems('[{"country": "XX", "from": "2000-01-01", "to": "2000-12-31"}]') == [
        (1, "country", "'XX' is not an ISO 3166-1 alpha-3 code (e.g. ARG, BRA)")
    ]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_delimited_by_semicolons_or_tabs_with_a_decimal_comma(delimiter: str) -> None:
    # As spreadsheets in Spanish and Portuguese save CSV.
    text = "country;from;to;wage\nARG;2000-01-01;2000-12-31;3500,50\nBRA;2001-01-01;2001-06-30;\n"
    first, second = read_periods(text.replace(";", delimiter), as_of=CLAIM)
    assert (first.country, first.days, first.wage, first.line) == (
        "ARG",
        366,
        Decimal("3500.50"),
        2,
    )
    assert (second.country, second.wage, second.line) == ("BRA", None, 3)


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffcountry,from,to\r\nARG,2000-01-01,2000-12-31\r\n",
        '\ufeff[{"country": "ARG", "from": "2000-01-01", "to": "2000-12-31"}]',
    ],
)
def test_a_byte_order_mark_is_no_part_of_the_file(text: str) -> None:
    # Spreadsheets save "CSV UTF-8" with a byte-order mark before the header.
    (period,) = read_periods(text, as_of=CLAIM)
    assert (period.country, period.days) == ("ARG", 366)
