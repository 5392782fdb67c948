"""What one agreement would do with a worker's periods on the date of the claim.

A *plan* is computed for every agreement considered: which of the worker's states apply
it on that date, whether it can be used at all (in force, two states or more, the
pre-agreement rule), and, when it can, the ledger of credited days and each state's
months. The engine then keeps the most favourable usable plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ruta.labour.pensions._agreements import Agreement
from ruta.labour.pensions._ledger import Credit, Ledger, build_ledger, credited_months
from ruta.labour.pensions._periods import Period

__all__ = ["Blocker", "Plan", "countries_in_order", "plan"]

Blocker = Literal["not_in_force", "fewer_than_two", "no_later_periods"]
_NOTHING = Credit(0, 0)


@dataclass(frozen=True, slots=True)
class Plan:
    """One agreement applied to one worker's periods on one date."""

    agreement: Agreement
    covered: list[str]
    blocker: Blocker | None = None
    ledger: Ledger = field(default_factory=lambda: Ledger((), ()))
    credits: dict[str, Credit] = field(default_factory=dict)
    total_credit: Credit = _NOTHING

    @property
    def usable(self) -> bool:
        """Whether the agreement can add up this worker's periods on this date."""
        return self.blocker is None

    @property
    def carried(self) -> bool:
        """Whether the 30-day counting rule turned left-over days into a month anywhere."""
        return self.total_credit.carried or any(c.carried for c in self.credits.values())

    def favour(self) -> tuple[int, int]:
        """How favourable the plan is: more days counted, then more states that pay."""
        minimum = self.agreement.spec.rules.minimum_period.months
        paying = sum(1 for credit in self.credits.values() if credit.months >= minimum)
        return self.ledger.total_days, paying


def countries_in_order(periods: Sequence[Period]) -> list[str]:
    """The states of the periods, in order of their first period (then code)."""
    firsts: dict[str, dt.date] = {}
    for period in periods:
        if period.country not in firsts or period.start < firsts[period.country]:
            firsts[period.country] = period.start
    return sorted(firsts, key=lambda c: (firsts[c], c))


def plan(
    agreement: Agreement, periods: Sequence[Period], as_of: dt.date, days_per_month: int
) -> Plan:
    """Apply ``agreement`` to ``periods`` on ``as_of``.

    Args:
        agreement: The agreement.
        periods: The worker's periods in every state.
        as_of: The date of the claim: states count only if they apply the agreement then.
        days_per_month: The counting rule's month, for the months credited to each state.

    Returns:
        The plan; ``blocker`` says why the agreement cannot be used, if it cannot.
    """
    covered = [c for c in countries_in_order(periods) if agreement.applies_in(c, as_of)]
    if not agreement.in_force_on(as_of):
        return Plan(agreement, covered, "not_in_force")
    if len(covered) < 2:
        return Plan(agreement, covered, "fewer_than_two")
    mine = [p for p in periods if p.country in covered]
    rule = agreement.spec.rules.pre_agreement
    if rule.counts == "if_later_periods" and all(
        p.end < agreement.spec.in_force.date for p in mine
    ):
        return Plan(agreement, covered, "no_later_periods")
    ledger = build_ledger(mine)
    credits = {c: credited_months(ledger.of(c), days_per_month) for c in covered}
    total = credited_months(ledger.segments, days_per_month)
    return Plan(agreement, covered, None, ledger, credits, total)
