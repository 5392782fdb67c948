"""The sentences of an answer, in the worker's language, each with its rule and citation.

The framing sentences come from the ``labour`` catalog; the rules they rest on are the
agreements' own texts (YAML, per language), cited with the confidence the legal reference
gives them, so an UNCERTAIN rule is flagged wherever it is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from babel.numbers import format_currency, format_decimal, format_percent

from ruta.i18n import babel_locale, format_date, format_list, translator
from ruta.labour.pensions._agreements import Agreement, AgreementCatalog
from ruta.labour.pensions._result import Reason
from ruta.labour.pensions._schema import Citation, Rule
from ruta.pathways import countries_in, country_name

__all__ = ["Words", "outside_reasons"]


class Words:
    """Formatting and catalog lookups in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.gettext: Callable[[str], str] = translator(lang, "labour").gettext

    def date(self, day: dt.date) -> str:
        """A date as people of this language write it."""
        return format_date(day, self.lang, "long")

    def number(self, value: int) -> str:
        """A count with this language's digit grouping."""
        return format_decimal(value, locale=babel_locale(self.lang))

    def share(self, value: float) -> str:
        """A share as a percentage with one decimal."""
        return format_percent(value, format="#,##0.0%", locale=babel_locale(self.lang))

    def money(self, amount: Decimal | None, currency: str) -> str:
        """An amount with its currency; a dash when there is none."""
        return (
            "—"
            if amount is None
            else format_currency(amount, currency, locale=babel_locale(self.lang))
        )

    def state(self, code: str) -> str:
        """A state's name."""
        return country_name(code, self.lang)

    def states(self, codes: Sequence[str]) -> str:
        """States' names as a list ("Argentina, Brazil and Chile")."""
        return format_list([self.state(c) for c in codes], self.lang)

    def where(self, codes: Sequence[str]) -> str:
        """Where, for states' periods, with each language's preposition and articles ("au
        Chili et au Pérou", "no Brasil"); English keeps "in Chile and Peru"."""
        return countries_in(codes, self.lang)

    def reason(
        self, text: str, rule: Rule | None = None, citation: Citation | None = None
    ) -> Reason:
        """A sentence with the rule it rests on (its text, citation and confidence)."""
        cite = rule.citation if rule is not None else citation
        return Reason(
            text=text,
            rule=rule.text.get(self.lang) if rule is not None else None,
            citation=str(cite) if cite is not None else None,
            confidence=cite.confidence if cite is not None else "HIGH",
            note=cite.note if cite is not None else None,
        )


def _outside(
    words: Words,
    agreement: Agreement,
    country: str,
    as_of: dt.date,
    blocked: Mapping[str, Reason],
) -> Reason:
    _ = words.gettext
    values = {
        "state": words.state(country),
        "agreement": agreement.title(words.lang),
        "date": words.date(as_of),
    }
    party, signatory = agreement.party(country), agreement.signatory(country)
    if not agreement.in_force_on(as_of):
        values["since"] = words.date(agreement.spec.in_force.date)
        text = _("%(agreement)s: in force only from %(since)s, after %(date)s.") % values
        return words.reason(text, citation=agreement.spec.in_force.citation)
    if party is not None and party.applies_from > as_of:
        values["since"] = words.date(party.applies_from)
        text = (
            _("%(agreement)s: %(state)s applies it only from %(since)s, after %(date)s.") % values
        )
        return words.reason(text, citation=party.citation)
    if party is not None and agreement.id in blocked:
        # Other states apply it too, but it cannot add these periods up (say, all of them
        # predate it): the reason is the agreement's, not a lack of other states.
        return blocked[agreement.id]
    if party is not None:
        text = (
            _(
                "%(agreement)s: %(state)s applies it, but no other state where you contributed "
                "applies it on %(date)s."
            )
            % values
        )
        return words.reason(text, citation=party.citation)
    if signatory is not None:
        text = _("%(agreement)s: %(state)s signed it but does not apply it.") % values
        return words.reason(text, citation=signatory.citation)
    text = _("%(agreement)s: %(state)s is not a party.") % values
    return words.reason(text, citation=agreement.spec.instrument)


def outside_reasons(
    words: Words,
    catalog: AgreementCatalog,
    considered: Sequence[Agreement],
    country: str,
    as_of: dt.date,
    covered: Sequence[str],
    blocked: Mapping[str, Reason] | None = None,
) -> list[Reason]:
    """Why a state's periods are not added up, under each agreement considered.

    ``blocked`` holds, by agreement id, the reason an agreement that two or more of the
    worker's states apply still cannot add their periods up.

    When the chosen agreement counts third-country periods (MERCOSUR arts. 7.3-7.4) and the
    state has another agreement with one of the covered states, that is said too.
    """
    reasons = [
        _outside(words, agreement, country, as_of, blocked or {}) for agreement in considered
    ]
    if len(considered) == 1 and covered:
        chosen = considered[0]
        rule = chosen.spec.rules.third_country
        links = [
            other
            for other in catalog.agreements
            if other is not chosen
            and any(other.applies_in(c, as_of) for c in covered)
            and other.applies_in(country, as_of)
        ]
        if rule is not None and links:
            text = words.gettext(
                "These periods may still count if your right is not reached without them: "
                "%(state)s and %(partners)s are both parties to another agreement, %(other)s."
            ) % {
                "state": words.state(country),
                "partners": words.states([c for c in covered if links[0].applies_in(c, as_of)]),
                "other": links[0].title(words.lang),
            }
            reasons.append(words.reason(text, rule))
    return reasons
