"""Pension totalization under the social-security agreements of the Americas.

A worker who contributed in several states gives their periods (country, from, to); Ruta
says which agreement applies between those states on the date of the claim (the MERCOSUR
Multilateral Agreement on Social Security, 1997; the Ibero-American Multilateral
Convention, CMISS 2007), adds the periods up across the states that apply it (each day
once), and gives each state's pro-rata share, the under-12-months rule and, with national
benefit parameters, the theoretical, pro-rata and independent amounts. Every step carries
its citation and the confidence the legal reference gives it.

The agreements are data (``data/agreements/*.yaml``), read and validated like the pathway
packs; see ``docs/labour.md``.

Examples:
    >>> import datetime as dt
    >>> periods = read_periods(
    ...     "country,from,to\\nARG,2000-01-01,2014-12-31\\nBRA,2015-01-01,2024-12-31\\n",
    ...     as_of=dt.date(2026, 1, 1),
    ... )
    >>> answer = totalize(periods, as_of=dt.date(2026, 1, 1), lang="es")
    >>> answer.agreement, answer.total_days, [s.country for s in answer.states]
    ('mercosur', 9132, ['ARG', 'BRA'])
"""

from __future__ import annotations

from ruta.labour.pensions._agreements import (
    Agreement,
    AgreementCatalog,
    agreements_between,
    default_catalog,
    load_catalog,
)
from ruta.labour.pensions._amounts import (
    ILLUSTRATIVE,
    accrual_percent,
    higher_of,
    load_parameters,
    pro_rata,
)
from ruta.labour.pensions._errors import (
    AgreementDataError,
    ParametersError,
    PensionsError,
    PeriodsError,
)
from ruta.labour.pensions._periods import FIELDS, Period, read_periods
from ruta.labour.pensions._result import Reason, StateShare, Step, Totalization
from ruta.labour.pensions._schema import ParametersFile
from ruta.labour.pensions._totalize import totalize

__all__ = [
    "FIELDS",
    "ILLUSTRATIVE",
    "Agreement",
    "AgreementCatalog",
    "AgreementDataError",
    "ParametersError",
    "ParametersFile",
    "PensionsError",
    "Period",
    "PeriodsError",
    "Reason",
    "StateShare",
    "Step",
    "Totalization",
    "accrual_percent",
    "agreements_between",
    "default_catalog",
    "higher_of",
    "load_catalog",
    "load_parameters",
    "pro_rata",
    "read_periods",
    "totalize",
]
