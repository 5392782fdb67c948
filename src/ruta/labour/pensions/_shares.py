"""Each state's share under the chosen agreement, and its amounts with parameters."""

from __future__ import annotations

from collections.abc import Sequence

from ruta.labour.pensions._amounts import state_amounts, years_of
from ruta.labour.pensions._explain import Words
from ruta.labour.pensions._plan import Plan
from ruta.labour.pensions._result import PeriodOut, StateShare, Step
from ruta.labour.pensions._schema import CONFIDENCE_RANK, ParametersFile

__all__ = ["amount_steps", "state_shares"]


def state_shares(
    words: Words, chosen: Plan, days_per_month: int, parameters: ParametersFile | None
) -> list[StateShare]:
    """The covered states' days, shares, months, minimum rule and amounts."""
    ledger, total = chosen.ledger, chosen.ledger.total_days
    minimum = chosen.agreement.spec.rules.minimum_period.months
    states = []
    for country in chosen.covered:
        credit, segments = chosen.credits[country], ledger.of(country)
        party = chosen.agreement.party(country)
        assert party is not None  # covered states are parties by construction
        own_days = ledger.days(country)
        amounts = None
        if parameters is not None and country in parameters.states:
            amounts = state_amounts(
                parameters.states[country],
                segments=segments,
                years_own=years_of(credit.months, credit.days, days_per_month),
                years_total=years_of(*chosen.total_credit[:2], days_per_month),
                own_days=own_days,
                total_days=total,
                illustrative=parameters.illustrative,
            )
        states.append(
            StateShare(
                country=country,
                name=words.state(country),
                days=own_days,
                pro_rata=own_days / total if total else 0.0,
                months=credit.months,
                extra_days=credit.days,
                applies_from=party.applies_from,
                minimum_months=minimum,
                minimum_met=credit.months >= minimum,
                bound_to_pay=credit.months >= minimum,
                periods=[
                    PeriodOut(
                        start=s.start,
                        end=s.end,
                        days=s.days,
                        scheme=s.period.scheme,
                        line=s.period.line,
                    )
                    for s in segments
                ],
                amounts=amounts,
            )
        )
    return states


def amount_steps(
    words: Words, chosen: Plan, states: Sequence[StateShare], parameters: ParametersFile
) -> list[Step]:
    """One cited step per state with its amounts, labelled when the parameters are
    illustrative."""
    _ = words.gettext
    steps = []
    for state in states:
        money = state.amounts
        if money is None:
            text = _("%(state)s: the parameters file has no values for this state.")
            text %= {"state": words.state(state.country)}
        elif money.missing_wage_lines:
            text = _("%(state)s: amounts need the monthly wage of each period (lines %(lines)s).")
            text %= {
                "state": words.state(state.country),
                "lines": ", ".join(str(line) for line in money.missing_wage_lines),
            }
        else:
            text = _(
                "%(state)s: theoretical %(theoretical)s × %(own)s / %(total)s days = "
                "%(pro_rata)s; on its own periods alone: %(independent)s; paid: %(paid)s."
            ) % {
                "state": words.state(state.country),
                "theoretical": words.money(money.theoretical, money.currency),
                "own": words.number(state.days),
                "total": words.number(chosen.ledger.total_days),
                "pro_rata": words.money(money.pro_rata_amount, money.currency),
                "independent": words.money(money.independent, money.currency),
                "paid": words.money(money.paid, money.currency),
            }
        if parameters.illustrative:
            text = f"{text} ({parameters.title.get(words.lang)})"
        reason = words.reason(text, chosen.agreement.spec.rules.independent)
        values = parameters.states.get(state.country)
        if values is not None and (
            CONFIDENCE_RANK[values.citation.confidence] > CONFIDENCE_RANK[reason.confidence]
        ):
            # The amount is only as sure as the parameters it was computed with.
            reason = reason.model_copy(
                update={
                    "confidence": values.citation.confidence,
                    "note": f"{values.citation}: {values.citation.note or ''}".rstrip(": "),
                }
            )
        steps.append(Step(step="amounts", **reason.model_dump()))
    return steps
