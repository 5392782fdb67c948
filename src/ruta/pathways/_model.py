"""Runtime objects of the engine: pathways resolved from templates and parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruta.i18n import language_of, translator
from ruta.pathways._expr import Pred, Term
from ruta.pathways._schema import CitationSpec, GrantsSpec, Text, WindowSpec

__all__ = [
    "Condition",
    "Deadline",
    "Document",
    "Fee",
    "Pathway",
    "Timeline",
    "Transition",
]


@dataclass(frozen=True, slots=True)
class Timeline:
    """A parameter's values over time: each step holds from its date until the next.

    Examples:
        >>> t = Timeline(((None, 5), (dt.date(2025, 5, 29), 3)))
        >>> t.at(dt.date(2024, 1, 1)), t.at(dt.date(2025, 6, 1))
        (5, 3)
    """

    steps: tuple[tuple[dt.date | None, Any], ...]
    citations: tuple[str | None, ...] = ()

    def version_at(self, as_of: dt.date) -> tuple[dt.date | None, dt.date | None, str | None]:
        """The step in force on ``as_of``: since when, until when, and its citation."""
        since: dt.date | None = None
        until: dt.date | None = None
        cite: str | None = None
        for index, (start, _) in enumerate(self.steps):
            if start is None or start <= as_of:
                since = start
                cite = self.citations[index] if index < len(self.citations) else None
                until = None
            elif until is None:
                until = start - dt.timedelta(days=1)
        return since, until, cite

    def at(self, as_of: dt.date) -> Any:
        """The value in force on ``as_of`` (None before the first step)."""
        value: Any = None
        for start, step_value in self.steps:
            if start is None or start <= as_of:
                value = step_value
            else:
                break
        return value

    @property
    def constant(self) -> bool:
        """Whether the value never changes."""
        return len(self.steps) == 1 and self.steps[0][0] is None


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition of a pathway with its parsed test."""

    id: str
    text: Text
    citation: CitationSpec
    pred: Pred
    facts: tuple[str, ...]
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    discretionary: bool = False

    def explain(self, lang: str) -> str:
        """The plain-language rule in ``lang``."""
        return self.text.get(lang)

    def in_force(self, as_of: dt.date) -> bool:
        """Whether the condition applies on ``as_of``."""
        return (self.valid_from is None or self.valid_from <= as_of) and (
            self.valid_to is None or as_of <= self.valid_to
        )

    @property
    def uncertain(self) -> bool:
        """Whether the reference marks this rule UNCERTAIN."""
        return self.citation.confidence == "UNCERTAIN"


@dataclass(frozen=True, slots=True)
class Document:
    """A required document: any of the alternative types, with validity rules."""

    id: str
    any_of: tuple[str, ...]
    labels: Mapping[str, Text]
    citation: CitationSpec
    when: Pred | None = None
    valid_for_months: int | None = None
    issued_within_months: int | None = None
    expired_accepted_years: int | None = None
    note: Text | None = None

    def label(self, lang: str) -> str:
        """The alternatives in ``lang``, joined by "or"."""
        return _label(self.any_of, self.labels, lang)


_LABELS: dict[tuple[tuple[str, ...], str], str] = {}


def _label(kinds: tuple[str, ...], labels: Mapping[str, Text], lang: str) -> str:
    # Labels are asked for on every explained evaluation; the vocabulary never changes.
    key = (kinds, lang)
    if key not in _LABELS:
        alternatives = translator(language_of(lang) or "en", "pathways").gettext(
            "%(first)s or %(second)s"
        )
        label = labels[kinds[0]].get(lang)
        for kind in kinds[1:]:
            label = alternatives % {"first": label, "second": labels[kind].get(lang)}
        _LABELS[key] = label
    return _LABELS[key]


@dataclass(frozen=True, slots=True)
class Fee:
    """A fee; ``exempt_when`` says who does not pay it."""

    id: str
    amount: Decimal
    currency: str
    text: Text
    citation: CitationSpec
    exempt_when: Pred | None = None
    exemption: Text | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """A pathway this one leads to."""

    to: str
    text: Text


@dataclass(frozen=True, slots=True)
class Deadline:
    """A date to act by, computed from the profile where the term reads it."""

    id: str
    text: Text
    date: Term


@dataclass(frozen=True, slots=True)
class Pathway:
    """A regular pathway of one host state, resolved from its pack."""

    id: str
    host_country: str
    pack: str
    pack_version: str
    title_text: Text
    summary_text: Text
    instrument: CitationSpec
    grants: GrantsSpec
    window: WindowSpec
    conditions: tuple[Condition, ...]
    documents: tuple[Document, ...]
    fees: tuple[Fee, ...]
    transitions: tuple[Transition, ...]
    deadlines: tuple[Deadline, ...]
    next_steps: Text
    params: Mapping[str, Timeline] = field(default_factory=dict)
    #: The pack file that defined it, and whether that pack ships with Ruta or is local.
    pack_file: Path | None = None
    shipped: bool = True

    def title(self, lang: str) -> str:
        """The pathway's name in ``lang``."""
        return self.title_text.get(lang)

    def summary(self, lang: str) -> str:
        """A one-paragraph summary in ``lang``."""
        return self.summary_text.get(lang)

    def condition(self, condition_id: str) -> Condition:
        """The condition with this id."""
        for cond in self.conditions:
            if cond.id == condition_id:
                return cond
        raise KeyError(condition_id)

    @property
    def uncertain(self) -> bool:
        """Whether any rule of the pathway is marked UNCERTAIN in the reference."""
        return (
            self.instrument.confidence == "UNCERTAIN"
            or any(c.uncertain for c in self.conditions)
            or (self.window.citation is not None and self.window.citation.confidence == "UNCERTAIN")
        )
