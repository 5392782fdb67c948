"""The engine's assessment of a case, in the language of the person reading it.

At intake the engine's result is stored once (in English) and stamped with the packs and
engine versions and the evaluation date. A caseworker in Lima reads Spanish and an officer
in Brasília Portuguese, so the case page does not show the stored texts as they are:

- when today's packs and engine are the ones that assessed the case, the stored profile is
  evaluated again *as of the intake date* in the reader's language. Same rules, same
  facts, same date: the result is the stored one with its texts translated (this module
  checks that, field by field, and falls back to the stored result if it ever is not);
- when the rules changed since intake, the stored result is shown as recorded, with the
  versions on both sides, and :func:`assess_today` offers a read-only re-assessment with
  today's rules (it changes nothing in the case).

Nothing here writes: reading the case file (and auditing the read) is the caller's job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from ruta.pathways import (
    ENGINE_VERSION,
    Catalog,
    PathwaysError,
    evaluate,
    packs_version,
)
from ruta.store.models import Application

__all__ = [
    "Assessment",
    "assess_at_intake",
    "assess_today",
    "intake_date",
    "language_neutral",
]

log = logging.getLogger(__name__)

Basis = Literal["intake", "stored", "today"]

#: Fields of a pathway result (and of the items in its lists) that are text in the
#: reader's language; everything else (status, outcomes, dates, citations) must not
#: depend on the language.
_TEXT_FIELDS = frozenset(
    {"title", "text", "question", "proves_with", "label", "note", "exemption", "next_steps"}
)


@dataclass(frozen=True)
class Assessment:
    """The engine's result for the case's pathway, as shown to one reader.

    Attributes:
        result: The pathway result (the engine's JSON contract), or None when the rules
            in force no longer define the pathway (``error`` says why).
        lang: The language of the texts in ``result``.
        as_of: The date the rules were applied for.
        packs_version: The packs that produced ``result``.
        engine_version: The engine that produced ``result``.
        basis: ``intake`` (re-evaluated for the intake date in the reader's language),
            ``stored`` (the result recorded at intake, as it is) or ``today`` (today's rules).
        intake_packs_version: The packs that assessed the case at intake.
        intake_engine_version: The engine that assessed the case at intake.
        current_packs_version: The packs in force now.
        current_engine_version: The engine in force now.
        error: Why today's rules could not assess the case, if they could not.
    """

    result: dict[str, Any] | None
    lang: str
    as_of: date
    packs_version: str
    engine_version: str
    basis: Basis
    intake_packs_version: str
    intake_engine_version: str
    current_packs_version: str
    current_engine_version: str
    error: str | None = None

    @property
    def rules_changed(self) -> bool:
        """Whether the packs or the engine differ from the ones that assessed the case."""
        return (self.intake_packs_version, self.intake_engine_version) != (
            self.current_packs_version,
            self.current_engine_version,
        )


def intake_date(app: Application) -> date:
    """The date the engine applied the rules for at intake.

    The stored result carries it (``as_of``); older rows without it fall back to the
    UTC date of ``evaluated_at``, which is when the evaluation ran.
    """
    stored = app.eligibility.get("as_of")
    if isinstance(stored, str):
        try:
            return date.fromisoformat(stored)
        except ValueError:
            log.warning("application %s: stored as_of %r is not a date", app.id, stored)
    evaluated = app.evaluated_at
    if evaluated.tzinfo is not None:
        evaluated = evaluated.astimezone(UTC)
    return evaluated.date()


def _stored_result(app: Application) -> dict[str, Any] | None:
    results = app.eligibility.get("results", [])
    return next((r for r in results if r.get("pathway") == app.pathway_id), None)


def _current_versions(catalog: Catalog | None) -> tuple[str, str]:
    return (catalog.version if catalog is not None else packs_version()), ENGINE_VERSION


def _evaluate(
    app: Application, as_of: date, lang: str, catalog: Catalog | None
) -> dict[str, Any] | None:
    result = evaluate(
        app.profile, as_of=as_of, lang=lang, pathways=[app.pathway_id], catalog=catalog
    ).model_dump(mode="json")
    return next((r for r in result["results"] if r.get("pathway") == app.pathway_id), None)


def language_neutral(value: Any) -> Any:
    """``value`` (a pathway result or part of one) without its texts in a language.

    Two results of the same rules for the same facts and date are equal under this
    function whatever their languages.
    """
    if isinstance(value, dict):
        return {k: language_neutral(v) for k, v in value.items() if k not in _TEXT_FIELDS}
    if isinstance(value, list):
        return [language_neutral(v) for v in value]
    return value


def assess_at_intake(app: Application, lang: str, catalog: Catalog | None = None) -> Assessment:
    """The intake assessment of ``app`` with its texts in ``lang`` where the rules allow.

    Args:
        app: The case (already read, and the read audited, by the caller).
        lang: The reader's language (``es``, ``pt``, ``en`` or ``fr``).
        catalog: The packs in force (the shipped packs by default; tests pass others).

    Returns:
        The re-evaluated result (``basis="intake"``) when the packs and engine are the
        ones of intake; otherwise the stored result (``basis="stored"``), whose
        ``rules_changed`` tells the page to say so.
    """
    current_packs, current_engine = _current_versions(catalog)
    as_of = intake_date(app)
    stored = _stored_result(app)
    common = {
        "intake_packs_version": app.packs_version,
        "intake_engine_version": app.engine_version,
        "current_packs_version": current_packs,
        "current_engine_version": current_engine,
    }
    as_stored = Assessment(
        result=stored,
        lang=str(app.eligibility.get("lang", "en")),
        as_of=as_of,
        packs_version=app.packs_version,
        engine_version=app.engine_version,
        basis="stored",
        **common,
    )
    if as_stored.rules_changed or stored is None:
        return as_stored
    if as_stored.lang == lang:
        return replace(as_stored, basis="intake")
    try:
        translated = _evaluate(app, as_of, lang, catalog)
    except PathwaysError as exc:
        # Same versions should never fail where intake succeeded; show what was recorded.
        log.warning("application %s: re-evaluation failed: %s", app.id, exc)
        return as_stored
    if translated is None or language_neutral(translated) != language_neutral(stored):
        # Why compare: the page claims "the intake result, translated"; if anything but the
        # texts differs (a non-deterministic rule, a stamp that lied), the claim is false.
        log.warning("application %s: re-evaluation differs from the stored result", app.id)
        return as_stored
    return Assessment(
        result=translated,
        lang=lang,
        as_of=as_of,
        packs_version=app.packs_version,
        engine_version=app.engine_version,
        basis="intake",
        **common,
    )


def assess_today(
    app: Application, lang: str, catalog: Catalog | None = None, today: date | None = None
) -> Assessment:
    """What today's rules say about the case's stored profile (read-only; changes nothing).

    Args:
        app: The case (already read, and the read audited, by the caller).
        lang: The reader's language.
        catalog: The packs in force (the shipped packs by default).
        today: The date to apply the rules for (today, UTC, by default).

    Returns:
        ``basis="today"``; ``result`` is None and ``error`` says why when today's packs
        no longer define the pathway or no longer accept the stored profile.
    """
    current_packs, current_engine = _current_versions(catalog)
    day = today or datetime.now(UTC).date()
    result: dict[str, Any] | None = None
    error: str | None = None
    try:
        result = _evaluate(app, day, lang, catalog)
    except PathwaysError as exc:
        error = exc.message
    return Assessment(
        result=result,
        lang=lang,
        as_of=day,
        packs_version=current_packs,
        engine_version=current_engine,
        basis="today",
        intake_packs_version=app.packs_version,
        intake_engine_version=app.engine_version,
        current_packs_version=current_packs,
        current_engine_version=current_engine,
        error=error,
    )
