"""Amounts: the pro-rata formula, the independent entitlement, national parameters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from ruta.labour.pensions import (
    ParametersError,
    Period,
    higher_of,
    load_parameters,
    pro_rata,
    totalize,
)

D = dt.date


def test_citizens_information_worked_example_one() -> None:
    # permits_stats_labour.md §3.5: notional rate €277.30 × 600 / 1,800 contributions =
    # €92.43, against an Irish-only reduced pension of €180.70: the independent one is paid.
    share = pro_rata(Decimal("277.30"), 600, 1800, "EUR")
    assert share == Decimal("92.43")
    assert higher_of(independent=Decimal("180.70"), pro_rata_amount=share) == (
        "independent",
        Decimal("180.70"),
    )


def test_citizens_information_worked_example_two() -> None:
    # The reference gives €321 × 364 / 1,560 = €74.38, but 321 × 364 / 1560 = 74.8999…:
    # the product is €74.90. The formula is what the agreements state; the reference's
    # figure does not follow from its own numbers (reported to the lead).
    assert pro_rata(Decimal(321), 364, 1560, "EUR") == Decimal("74.90")
    assert Decimal(321) * 364 / 1560 != Decimal("74.38")


def test_rounding_follows_the_currency() -> None:
    assert pro_rata(Decimal(1_000_000), 2, 3, "PYG") == Decimal(666667)
    assert pro_rata(Decimal("100.005"), 1, 1, "USD") == Decimal("100.01")  # half up


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "parameters.yaml"
    path.write_text(text, encoding="utf-8")
    return path


PARAMS = """
illustrative: false
title:
  {es: Parámetros de prueba, pt: Parâmetros de teste, en: Test parameters, fr: Paramètres de test,
   ht: Paramèt tès}
states:
  ESP:
    currency: EUR
    minimum_years: 15
    accrual: {base_percent: 50, base_years: 15, percent_per_year: 2, max_percent: 100}
    reference_wage: {rule: career}
    citation: {instrument: Test values, confidence: HIGH}
  BOL:
    currency: BOB
    minimum_years: 10
    accrual: {base_percent: 30, base_years: 10, percent_per_year: 2, max_percent: 70}
    reference_wage: {rule: last_years, years: 2}
    citation: {instrument: Test values, confidence: HIGH}
"""


def test_theoretical_pro_rata_and_independent_amounts(tmp_path: Path) -> None:
    # 20 years in Spain (2000-2019) at €2,000 a month, then 10 years in Bolivia (2020-2029)
    # at Bs 4,000 for the first 8 and Bs 5,000 for the last 2.
    history = [
        Period("ESP", D(2000, 1, 1), D(2019, 12, 31), wage=Decimal(2000), line=1),
        Period("BOL", D(2020, 1, 1), D(2027, 12, 31), wage=Decimal(4000), line=2),
        Period("BOL", D(2028, 1, 1), D(2029, 12, 31), wage=Decimal(5000), line=3),
    ]
    answer = totalize(
        history, as_of=D(2030, 1, 1), parameters=load_parameters(write(tmp_path, PARAMS))
    )
    spain, bolivia = answer.states
    total = answer.total_days
    # Spain: 30 years as if all were Spanish -> 50 + 2 × (30 − 15) = 80 % of €2,000.
    assert spain.amounts.theoretical == Decimal("1600.00")
    assert spain.amounts.pro_rata_amount == (Decimal(1600) * spain.days / total).quantize(
        Decimal("0.01")
    )
    # On its own 20 years: 50 + 2 × 5 = 60 % of €2,000 = €1,200, more than the pro-rata.
    assert spain.amounts.independent == Decimal("1200.00")
    assert (spain.amounts.basis, spain.amounts.paid) == ("independent", Decimal("1200.00"))
    # Bolivia: last 2 years (730 days) at Bs 5,000; 30 years -> 30 + 2 × 20 = 70 % (the cap).
    assert bolivia.amounts.reference_wage == Decimal("5000.00")
    assert bolivia.amounts.theoretical == Decimal("3500.00")
    assert bolivia.amounts.independent == Decimal("1500.00")  # 10 years alone: 30 %
    assert bolivia.amounts.basis == "independent"
    assert answer.parameters.illustrative is False


def test_without_enough_years_even_with_totalization_nothing_is_due(tmp_path: Path) -> None:
    history = [
        Period("ESP", D(2010, 1, 1), D(2015, 12, 31), wage=Decimal(2000), line=1),
        Period("BOL", D(2016, 1, 1), D(2020, 12, 31), wage=Decimal(3000), line=2),
    ]
    answer = totalize(
        history, as_of=D(2026, 1, 1), parameters=load_parameters(write(tmp_path, PARAMS))
    )
    spain = answer.states[0].amounts
    assert not spain.entitled_with_totalization and spain.paid is None
    assert spain.basis == "none"
    bolivia = answer.states[1].amounts
    assert bolivia.entitled_with_totalization and not bolivia.entitled_alone
    assert bolivia.basis == "pro_rata"


def test_illustrative_parameters_are_labelled_in_every_amount_step() -> None:
    history = [
        Period("ARG", D(1990, 1, 1), D(2009, 12, 31), wage=Decimal(900000), line=1),
        Period("BRA", D(2010, 1, 1), D(2024, 12, 31), line=2),
        Period("CHL", D(2025, 1, 1), D(2025, 6, 30), line=3),
    ]
    answer = totalize(
        history, as_of=D(2026, 1, 1), lang="fr", parameters=load_parameters("illustrative")
    )
    assert answer.parameters.illustrative
    amounts = [s for s in answer.steps if s.step == "amounts"]
    assert len(amounts) == 3
    assert all("ILLUSTRATIFS" in s.text for s in amounts)
    # An amount is only as sure as the parameters it comes from.
    assert [s.confidence for s in amounts[:2]] == ["UNCERTAIN", "UNCERTAIN"]
    assert "lignes 2" in amounts[1].text  # Brazil's wage is missing
    assert answer.states[1].amounts.missing_wage_lines == [2]
    assert answer.states[0].amounts.paid is not None
    assert answer.states[2].amounts is None  # Chile is not in the illustrative file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("illustrative: true\n", "title: Field required"),
        (PARAMS.replace("currency: EUR", "currency: euro"), "states.ESP.currency"),
        (PARAMS.replace("rule: career", "rule: last_years"), "give 'years' with rule"),
        (PARAMS.replace("  ESP:", "  SPAIN:"), "alpha-3"),
        (PARAMS.replace("en: Test parameters, ", ""), "missing or empty: en"),
        ("[unclosed", "not valid YAML"),
    ],
)
def test_malformed_parameter_files_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ParametersError, match=message):
        load_parameters(write(tmp_path, text))


def test_a_missing_parameter_file() -> None:
    with pytest.raises(ParametersError, match="cannot read it"):
        load_parameters("/nonexistent/parameters.yaml")
