"""The arithmetic of totalization, and amounts from national benefit parameters.

The formulas are the agreements' (MERCOSUR Reglamento Administrativo; CMISS art. 13.1):
the *theoretical* amount is what a state would pay if every totalized period were its
own; it pays ``theoretical × own periods / total periods`` (pro rata temporis), or the
*independent* amount its law gives on its own periods alone, whichever is higher.

Examples:
    The worked examples of Ireland's Citizens Information (2024), in weekly contributions:

    >>> pro_rata(Decimal("277.30"), 600, 1800, "EUR")
    Decimal('92.43')
    >>> higher_of(independent=Decimal("180.70"), pro_rata_amount=Decimal("92.43"))
    ('independent', Decimal('180.70'))
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal

from babel.numbers import get_currency_precision

from ruta.labour.pensions._agreements import DATA_DIR, read_model
from ruta.labour.pensions._errors import ParametersError
from ruta.labour.pensions._ledger import Segment
from ruta.labour.pensions._result import Amounts
from ruta.labour.pensions._schema import Accrual, ParametersFile, StateParameters

__all__ = [
    "ILLUSTRATIVE",
    "accrual_percent",
    "higher_of",
    "load_parameters",
    "pro_rata",
    "reference_wage",
    "state_amounts",
    "years_of",
]

#: The shipped example parameters, chosen with ``--parameters illustrative``.
ILLUSTRATIVE = DATA_DIR / "parameters.illustrative.yaml"
_DAYS_PER_YEAR = 365


def _money(amount: Decimal, currency: str) -> Decimal:
    step = Decimal(1).scaleb(-get_currency_precision(currency))
    return amount.quantize(step, rounding=ROUND_HALF_UP)


def pro_rata(theoretical: Decimal, own: int, total: int, currency: str) -> Decimal:
    """A state's real amount: ``theoretical × own / total``, rounded once to the currency.

    Args:
        theoretical: The amount as if every totalized period were the state's own.
        own: The state's own periods (days, weeks or months: any unit, the same for both).
        total: All totalized periods, in the same unit.
        currency: ISO 4217 code; gives the rounding (2 decimals for EUR, 0 for PYG).

    Examples:
        >>> pro_rata(Decimal("321"), 364, 1560, "EUR")
        Decimal('74.90')
        >>> pro_rata(Decimal("1000000"), 1, 3, "PYG")
        Decimal('333333')
    """
    return _money(theoretical * own / total, currency)


def higher_of(
    *, independent: Decimal | None, pro_rata_amount: Decimal | None
) -> tuple[Literal["independent", "pro_rata", "none"], Decimal | None]:
    """Which amount is paid: the higher of the independent and the pro-rata one.

    Examples:
        >>> higher_of(independent=None, pro_rata_amount=Decimal("74.90"))
        ('pro_rata', Decimal('74.90'))
        >>> higher_of(independent=None, pro_rata_amount=None)
        ('none', None)
    """
    if independent is None and pro_rata_amount is None:
        return "none", None
    if pro_rata_amount is None or (independent is not None and independent >= pro_rata_amount):
        return "independent", independent
    return "pro_rata", pro_rata_amount


def accrual_percent(accrual: Accrual, years: Decimal) -> Decimal:
    """Percent of the reference wage after ``years`` of contributions.

    Examples:
        >>> rule = Accrual(base_percent=60, base_years=15, percent_per_year=2, max_percent=100)
        >>> accrual_percent(rule, Decimal(25)), accrual_percent(rule, Decimal(40))
        (Decimal('80'), Decimal('100'))
    """
    extra = max(Decimal(0), years - accrual.base_years) * accrual.percent_per_year
    return min(accrual.max_percent, accrual.base_percent + extra)


def reference_wage(params: StateParameters, segments: Sequence[Segment]) -> Decimal | list[int]:
    """The days-weighted average monthly wage the state's rule looks at.

    Returns:
        The wage, or the lines of the periods whose wage is missing.
    """
    chosen: list[tuple[Segment, int]] = []
    left = (params.reference_wage.years or 0) * _DAYS_PER_YEAR or None
    for segment in sorted(segments, key=lambda s: s.start, reverse=True):
        days = segment.days if left is None else min(segment.days, left)
        if days <= 0:
            break
        chosen.append((segment, days))
        if left is not None:
            left -= days
    missing = sorted({s.period.line for s, _ in chosen if s.period.wage is None})
    if missing:
        return missing
    weighted = sum((s.period.wage or Decimal(0)) * days for s, days in chosen)
    return Decimal(weighted) / sum(days for _, days in chosen)


def state_amounts(
    params: StateParameters,
    *,
    segments: Sequence[Segment],
    years_own: Decimal,
    years_total: Decimal,
    own_days: int,
    total_days: int,
    illustrative: bool,
) -> Amounts:
    """Independent, theoretical, pro-rata and paid monthly amounts for one state."""
    years_own, years_total = (
        years_own.quantize(Decimal("0.01")),
        years_total.quantize(Decimal("0.01")),
    )
    alone = years_own >= params.minimum_years
    totalized = years_total >= params.minimum_years
    wage = reference_wage(params, segments)
    base = Amounts(
        currency=params.currency,
        illustrative=illustrative,
        years_own=years_own,
        years_total=years_total,
        entitled_alone=alone,
        entitled_with_totalization=totalized,
        basis="none",
    )
    if isinstance(wage, list):
        return base.model_copy(update={"missing_wage_lines": wage})
    rate = accrual_percent(params.accrual, years_total) / 100
    theoretical = _money(rate * wage, params.currency) if totalized else None
    independent = (
        _money(accrual_percent(params.accrual, years_own) / 100 * wage, params.currency)
        if alone
        else None
    )
    share = (
        pro_rata(theoretical, own_days, total_days, params.currency)
        if theoretical is not None
        else None
    )
    basis, paid = higher_of(independent=independent, pro_rata_amount=share)
    return base.model_copy(
        update={
            "reference_wage": _money(wage, params.currency),
            "independent": independent,
            "theoretical": theoretical,
            "pro_rata_amount": share,
            "paid": paid,
            "basis": basis,
        }
    )


def load_parameters(source: str | Path) -> ParametersFile:
    """National benefit parameters from a YAML file, or the shipped ``illustrative`` ones.

    Raises:
        ParametersError: The file is missing or malformed; the message names the key.
    """
    path = ILLUSTRATIVE if str(source) == "illustrative" else Path(source)
    return read_model(path, ParametersFile, ParametersError)


def years_of(months: int, days: int, days_per_month: int) -> Decimal:
    """Credited months and days as years (a month is ``days_per_month`` days here).

    Examples:
        >>> years_of(18, 15, 30)
        Decimal('1.541666666666666666666666667')
    """
    return (Decimal(months) + Decimal(days) / days_per_month) / 12
