"""The steps of a totalization under the chosen agreement, each cited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ruta.labour.pensions._agreements import AgreementCatalog
from ruta.labour.pensions._explain import Words
from ruta.labour.pensions._plan import Plan
from ruta.labour.pensions._result import Reason, StateShare, Step
from ruta.labour.pensions._schema import CONFIDENCE_RANK

__all__ = ["agreement_steps", "no_agreement_step", "share_steps"]


def _step(step: str, reason: Reason) -> Step:
    return Step(step=step, **reason.model_dump())  # type: ignore[arg-type]


def _weakest(*citations: Reason) -> Reason:
    return max(citations, key=lambda r: CONFIDENCE_RANK[r.confidence])


def agreement_steps(
    words: Words, plan: Plan, others: Sequence[Plan], as_of: dt.date, requested: bool
) -> list[Step]:
    """Which agreement applies and why; why it was preferred over another that applies."""
    _ = words.gettext
    spec = plan.agreement.spec
    values = {
        "agreement": plan.agreement.title(words.lang),
        "states": words.states(plan.covered),
        "date": words.date(as_of),
    }
    text = (
        _("Agreement you chose: %(agreement)s. %(states)s apply it on %(date)s.")
        if requested
        else _("Agreement that applies: %(agreement)s. %(states)s apply it on %(date)s.")
    ) % values
    # The answer rests on the entry into force and on every covered state's date.
    cited = [words.reason(text, citation=spec.in_force.citation)] + [
        words.reason(text, citation=party.citation)
        for c in plan.covered
        if (party := plan.agreement.party(c)) is not None
    ]
    steps = [_step("agreement", _weakest(*cited))]
    for other in others:
        rule = next(
            (
                p.agreement.spec.rules.precedence
                for p in (plan, other)
                if p.agreement.spec.rules.precedence is not None
            ),
            None,
        )
        values |= {
            "other": other.agreement.title(words.lang),
            "days": words.number(plan.ledger.total_days),
            "other_days": words.number(other.ledger.total_days),
        }
        text = (
            _(
                "Another agreement also applies: %(other)s. The one used counts more of your "
                "periods (%(days)s days against %(other_days)s)."
            )
            if plan.favour() != other.favour()
            else _(
                "Another agreement also applies: %(other)s. It counts the same periods, so the "
                "result is the same."
            )
        ) % values
        steps.append(_step("precedence", words.reason(text, rule)))
    return steps


def share_steps(
    words: Words, catalog: AgreementCatalog, plan: Plan, states: Sequence[StateShare]
) -> list[Step]:
    """Adding up, overlaps, counting, pre-agreement periods, the minimum and the shares."""
    _ = words.gettext
    rules, conventions = plan.agreement.spec.rules, catalog.conventions
    total = plan.total_credit
    steps = [
        _step(
            "totalization",
            words.reason(
                # TRANSLATORS: %(in_states)s is where, with its preposition and articles
                # ("au Chili et au Pérou", "no Brasil"): do not write "in" before it.
                _(
                    "Your periods %(in_states)s are added up: %(days)s days, that is "
                    "%(months)s months and %(extra)s days."
                )
                % {
                    "in_states": words.where(plan.covered),
                    "days": words.number(plan.ledger.total_days),
                    "months": words.number(total.months),
                    "extra": words.number(total.days),
                },
                rules.totalization,
            ),
        )
    ]
    if plan.ledger.overlaps:
        days = sum(o.days for o in plan.ledger.overlaps)
        text = _("%(days)s days were covered by more than one period; each is counted once.")
        steps.append(
            _step("overlap", words.reason(text % {"days": words.number(days)}, conventions.overlap))
        )
    if plan.carried:
        text = _("Days left over in different periods were added up into whole months.")
        steps.append(_step("months", words.reason(text, conventions.months)))
    early = [s.country for s in states if any(p.start < s.applies_from for p in s.periods)]
    if early:
        # TRANSLATORS: %(in_states)s is where, with its preposition and articles
        # ("au Chili et au Pérou", "no Brasil"): do not write "in" before it.
        text = _("Periods %(in_states)s from before the agreement applied there are counted.") % {
            "in_states": words.where(early)
        }
        steps.append(_step("pre_agreement", words.reason(text, rules.pre_agreement)))
    for state in states:
        if not state.minimum_met:
            text = _(
                "%(state)s: %(months)s months and %(extra)s days, under the minimum of "
                "%(minimum)s months. %(state)s is not bound to pay a benefit, but the other "
                "states count these periods."
            ) % {
                "state": words.state(state.country),
                "months": words.number(state.months),
                "extra": words.number(state.extra_days),
                "minimum": words.number(state.minimum_months),
            }
            steps.append(_step("minimum_period", words.reason(text, rules.minimum_period)))
    shares = "; ".join(
        _("%(state)s %(days)s of %(total)s days (%(share)s)")
        % {
            "state": words.state(s.country),
            "days": words.number(s.days),
            "total": words.number(plan.ledger.total_days),
            "share": words.share(s.pro_rata),
        }
        for s in states
    )
    text = _(
        "Each state pays its share of the benefit it would pay if all your periods were "
        "its own: %(shares)s."
    ) % {"shares": shares}
    steps.append(_step("pro_rata", words.reason(text, rules.pro_rata)))
    return steps


def no_agreement_step(words: Words, countries: Sequence[str], as_of: dt.date) -> Step:
    """Why no periods are added up."""
    _ = words.gettext
    if len(countries) == 1:
        # TRANSLATORS: %(in_state)s is where, with its preposition and article ("au Chili",
        # "no Brasil", "en Perú"): do not write "in" before it.
        text = _(
            "All your periods are %(in_state)s: its own law applies and no agreement is needed."
        ) % {"in_state": words.where(countries[:1])}
    else:
        text = _(
            "No agreement that Ruta knows adds up periods between %(states)s on %(date)s. "
            "Each state applies its own law to its own periods."
        ) % {"states": words.states(countries), "date": words.date(as_of)}
    return _step("no_agreement", words.reason(text))
