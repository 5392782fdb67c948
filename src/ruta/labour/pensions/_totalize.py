"""The totalization engine: periods and a date in, each state's share and why out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ruta.i18n import N_, Text, require_language
from ruta.labour.pensions._agreements import AgreementCatalog, default_catalog
from ruta.labour.pensions._errors import PeriodsError
from ruta.labour.pensions._explain import Words, outside_reasons
from ruta.labour.pensions._ledger import build_ledger, gaps
from ruta.labour.pensions._periods import Period, check_periods, problem_list
from ruta.labour.pensions._plan import Plan, countries_in_order, plan
from ruta.labour.pensions._result import (
    Candidate,
    Gap,
    NotTotalized,
    OverlapOut,
    ParametersInfo,
    Reason,
    StateShare,
    Totalization,
)
from ruta.labour.pensions._schema import CONFIDENCE_RANK, ParametersFile
from ruta.labour.pensions._shares import amount_steps, state_shares
from ruta.labour.pensions._steps import agreement_steps, no_agreement_step, share_steps

__all__ = ["totalize"]

# The same message as read_periods' list of problems (one msgid in the catalog).
_LISTED = N_("%(problems_shown)s")


def _choose(usable: Sequence[Plan]) -> Plan | None:
    # max() keeps the first of equals, and plans come in the catalog's tie order.
    return max(usable, key=lambda p: p.favour()) if usable else None


def _blocked(words: Words, candidate: Plan, as_of: dt.date) -> Reason:
    _ = words.gettext
    spec = candidate.agreement.spec
    values = {
        "agreement": candidate.agreement.title(words.lang),
        "date": words.date(as_of),
        "since": words.date(spec.in_force.date),
    }
    if candidate.blocker == "not_in_force":
        text = _("%(agreement)s: in force only from %(since)s, after %(date)s.")
        return words.reason(text % values, citation=spec.in_force.citation)
    if candidate.blocker == "no_later_periods":
        text = _(
            "%(agreement)s: periods before %(since)s count only if you also have periods "
            "after that date, and you have none."
        )
        reason = words.reason(text % values, spec.rules.pre_agreement)
        # The outcome hangs on the date of entry into force as much as on the rule: the
        # answer is no surer than the weaker of the two.
        in_force = spec.in_force.citation
        if CONFIDENCE_RANK[in_force.confidence] > CONFIDENCE_RANK[reason.confidence]:
            reason = reason.model_copy(
                update={"confidence": in_force.confidence, "note": in_force.note}
            )
        return reason
    text = _(
        "%(agreement)s: fewer than two of the states where you contributed apply it on %(date)s."
    )
    return words.reason(text % values, citation=spec.instrument)


def totalize(
    periods: Sequence[Period],
    *,
    as_of: dt.date,
    agreement: str = "auto",
    lang: str = "en",
    parameters: ParametersFile | None = None,
    catalog: AgreementCatalog | None = None,
) -> Totalization:
    """Add up a worker's contribution periods across states under the applicable agreement.

    Args:
        periods: The worker's periods (see :func:`read_periods`).
        as_of: The date of the claim: an agreement counts for a state only if that state
            applies it on this date.
        agreement: ``auto`` (the most favourable agreement that applies), or an agreement id
            (``mercosur``, ``iberoamerican``).
        lang: Language of the explanations (a BCP 47 tag).
        parameters: National benefit parameters, for amounts (see :func:`load_parameters`).
        catalog: The agreements (the shipped ones by default).

    Returns:
        The answer: agreement, total days, each state's share, reasons and citations.

    Raises:
        PeriodsError: No periods, or a period ending after ``as_of``.
        PensionsError: An unknown agreement id.
        UnsupportedLanguage: An unsupported ``lang``.

    Examples:
        >>> p = [Period("ARG", dt.date(1990, 1, 1), dt.date(2009, 12, 31), line=1),
        ...      Period("CHL", dt.date(2010, 1, 1), dt.date(2019, 12, 31), line=2)]
        >>> answer = totalize(p, as_of=dt.date(2026, 1, 1))
        >>> answer.agreement, answer.total_days
        ('iberoamerican', 10957)
        >>> [(s.country, s.days, round(s.pro_rata, 4)) for s in answer.states]
        [('ARG', 7305, 0.6667), ('CHL', 3652, 0.3333)]
    """
    lang = require_language(lang)
    catalog = catalog or default_catalog()
    problems = check_periods(periods, as_of) or (
        [] if periods else [(1, "", Text(N_("no periods: give at least one")))]
    )
    if problems:
        raise PeriodsError(
            _LISTED,
            field="periods",
            problems=problems,
            problems_shown=problem_list(problems, bare=False),
        )
    considered = catalog.agreements if agreement == "auto" else (catalog.get(agreement),)
    per_month = catalog.conventions.months.days_per_month
    plans = [plan(a, periods, as_of, per_month) for a in considered]
    chosen = _choose([p for p in plans if p.usable])
    words = Words(lang)
    countries = countries_in_order(periods)
    if chosen is None:
        states: list[StateShare] = []
        steps = [no_agreement_step(words, countries, as_of)]
        outside = countries
        covered: list[str] = []
    else:
        states = state_shares(words, chosen, per_month, parameters)
        others = [p for p in plans if p.usable and p is not chosen]
        steps = agreement_steps(words, chosen, others, as_of, agreement != "auto")
        steps += share_steps(words, catalog, chosen, states)
        if parameters is not None:
            steps += amount_steps(words, chosen, states, parameters)
        outside = [c for c in countries if c not in chosen.covered]
        covered = chosen.covered
    blocked = {
        p.agreement.id: _blocked(words, p, as_of)
        for p in plans
        if p.blocker not in (None, "fewer_than_two")
    }
    own_days = {c: build_ledger(p for p in periods if p.country == c).total_days for c in countries}
    not_totalized = [
        NotTotalized(
            country=c,
            name=words.state(c),
            days=own_days[c],
            reasons=outside_reasons(
                words,
                catalog,
                considered if chosen is None else [chosen.agreement],
                c,
                as_of,
                covered,
                blocked,
            ),
        )
        for c in outside
    ]
    candidates = [
        Candidate(
            agreement=p.agreement.id,
            title=p.agreement.title(lang),
            usable=p.usable,
            chosen=p is chosen,
            countries=p.covered,
            total_days=p.ledger.total_days,
            reason=None if p.usable else _blocked(words, p, as_of),
        )
        for p in plans
    ]
    cited: list[Reason] = [*steps, *(r for n in not_totalized for r in n.reasons)]
    cited += [c.reason for c in candidates if c.reason is not None and chosen is None]
    weakest = max((r.confidence for r in cited), key=CONFIDENCE_RANK.__getitem__)
    ledger = chosen.ledger if chosen else None
    return Totalization(
        agreement=chosen.agreement.id if chosen else None,
        agreement_title=chosen.agreement.title(lang) if chosen else None,
        as_of=as_of,
        lang=lang,
        total_days=ledger.total_days if ledger else 0,
        total_months=chosen.total_credit.months if chosen else 0,
        total_extra_days=chosen.total_credit.days if chosen else 0,
        states=states,
        not_totalized=not_totalized,
        overlaps=[
            OverlapOut(
                start=o.start,
                end=o.end,
                days=o.days,
                countries=sorted({p.country for p in o.periods}),
                lines=[p.line for p in o.periods],
                kept_by=o.kept_by.country,
                kept_line=o.kept_by.line,
                rule=o.rule,
            )
            for o in (ledger.overlaps if ledger else ())
        ],
        gaps=[Gap(start=a, end=b, days=(b - a).days + 1) for a, b in gaps(periods)],
        candidates=candidates,
        steps=steps,
        confidence=weakest,
        uncertain=weakest == "UNCERTAIN",
        parameters=(
            ParametersInfo(illustrative=parameters.illustrative, title=parameters.title.get(lang))
            if parameters is not None and chosen is not None
            else None
        ),
        version=catalog.version,
    )
