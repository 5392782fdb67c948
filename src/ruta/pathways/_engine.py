"""The per-person engine: statuses, reasons, missing facts, documents, fees and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ruta.i18n import N_, UnsupportedLanguage, format_date, require_language, translator
from ruta.pathways._catalog import Catalog, default_catalog
from ruta.pathways._errors import PathwaysError
from ruta.pathways._expr import (
    All,
    Any_,
    AsOf,
    Cmp,
    DateShift,
    Not,
    Pred,
    Quant,
    Span,
    Term,
)
from ruta.pathways._facts import vocabulary
from ruta.pathways._logic import Context, add_months, eval_pred, eval_term
from ruta.pathways._model import Document, Pathway
from ruta.pathways._profile import Profile, fact_value, parse_profile
from ruta.pathways._questions import question_for
from ruta.pathways._result import (
    DeadlineOut,
    DocumentOut,
    EvaluationResult,
    FeeOut,
    GrantOut,
    LawVersion,
    MissingFact,
    PathwayResult,
    Reason,
    RightOut,
    TransitionOut,
)

__all__ = ["ENGINE_VERSION", "Verdict", "evaluate", "judge", "select_pathways"]

ENGINE_VERSION = "1.0.0"
Status = Literal["eligible", "ineligible", "undetermined"]
WINDOW = "window"
HOST = "host_country"


@dataclass(slots=True)
class Verdict:
    """The bare outcome for one pathway: what ``evaluate`` explains and simulations count."""

    pathway: Pathway
    status: Status
    outcomes: dict[str, bool | None] = field(default_factory=dict)
    missing: dict[str, frozenset[str]] = field(default_factory=dict)
    window: Literal["before", "after"] | None = None
    failed: list[str] = field(default_factory=list)


def judge(pathway: Pathway, facts: Mapping[str, Any], as_of: dt.date) -> Verdict:
    """Evaluate every condition in force on ``as_of`` with Kleene logic.

    A pathway of another host country does not apply at all: it is ineligible for the one
    reason ``host_country`` and nothing else is evaluated (the population engine relies on
    this to evaluate each person only against their own country's rules).
    """
    if facts.get("host_country") not in (None, pathway.host_country):
        return Verdict(pathway, "ineligible", {HOST: False}, {}, None, [HOST])
    verdict = Verdict(pathway, "eligible")
    window = pathway.window
    if window.opens is not None and as_of < window.opens:
        verdict.window = "before"
    elif window.closes is not None and as_of > window.closes:
        verdict.window = "after"
    if verdict.window:
        verdict.failed.append(WINDOW)
    ctx = Context(facts, as_of, pathway.params)
    for cond in pathway.conditions:
        if not cond.in_force(as_of):
            continue
        value, missing = eval_pred(cond.pred, ctx)
        verdict.outcomes[cond.id] = value
        if value is False:
            verdict.failed.append(cond.id)
        elif value is None:
            verdict.missing[cond.id] = missing
    if verdict.failed:
        verdict.status = "ineligible"
    elif verdict.missing:
        verdict.status = "undetermined"
    return verdict


def select_pathways(
    catalog: Catalog, facts: Mapping[str, Any], pathways: Sequence[str] | None
) -> list[Pathway]:
    """The pathways named, or those of the person's host country (all when it is unknown)."""
    if pathways:
        return [catalog.get(p) for p in pathways]
    return catalog.for_country(facts.get("host_country"))


# --- "becomes eligible on D": candidate dates from comparisons with as_of ----------------


def _has_as_of(term: Term) -> bool:
    match term:
        case AsOf():
            return True
        case DateShift(base, _, _, _):
            return _has_as_of(base)
        case Span(_, end, _):
            return isinstance(end, AsOf)
    return False


def _solve(term: Term, target: Any, ctx: Context) -> dt.date | None:
    """The as_of at which ``term`` equals ``target`` (approximately; checked afterwards)."""
    match term:
        case AsOf():
            return target if isinstance(target, dt.date) else None
        case DateShift(base, amount, unit, sign):
            n, _ = eval_term(amount, ctx)
            if not isinstance(target, dt.date) or n is None or unit == "business_days":
                return None
            months = {"days": 0, "months": 1, "years": 12}[unit] * -sign * int(n)
            moved = (
                target - dt.timedelta(days=sign * int(n))
                if unit == "days"
                else add_months(target, months)
            )
            return _solve(base, moved, ctx)
        case Span(start, AsOf(), "years"):
            begin, _ = eval_term(start, ctx)
            if isinstance(begin, dt.date) and isinstance(target, int):
                return add_months(begin, 12 * target)
    return None


def _candidates(pred: Pred, ctx: Context) -> Iterable[dt.date]:
    match pred:
        case All(items) | Any_(items):
            for item in items:
                yield from _candidates(item, ctx)
        case Not(item):
            yield from _candidates(item, ctx)
        case Quant(_, list_fact, where, name):
            for index, item in enumerate(ctx.facts.get(list_fact) or ()):
                sub = ctx.enter(item, f"{list_fact}.{index}", name)
                yield from _candidates(where, sub)
        case Cmp(_, left, right):
            for moving, fixed in ((left, right), (right, left)):
                if _has_as_of(moving) and not _has_as_of(fixed):
                    target, _ = eval_term(fixed, ctx)
                    when = _solve(moving, target, ctx) if target is not None else None
                    if when is not None:
                        yield when
                        yield when + dt.timedelta(days=1)


def eligible_on(verdict: Verdict, facts: Mapping[str, Any], as_of: dt.date) -> dt.date | None:
    """The first later date on which the pathway would be eligible, where one can be solved."""
    pathway = verdict.pathway
    if verdict.status != "ineligible":
        return None
    ctx = Context(facts, as_of, pathway.params)
    dates: set[dt.date] = set()
    if verdict.window == "before" and pathway.window.opens:
        dates.add(pathway.window.opens)
    elif verdict.window == "after":
        return None
    for cond_id in verdict.failed:
        if cond_id != WINDOW:
            dates.update(_candidates(pathway.condition(cond_id).pred, ctx))
    horizon = add_months(as_of, 12 * 30)
    for day in sorted(d for d in dates if as_of < d <= horizon)[:12]:
        if judge(pathway, facts, day).status == "eligible":
            return day
    return None


# --- explanation -------------------------------------------------------------------------

_WINDOW_TEXT = {
    "before": N_("Applications open on %(date)s."),
    "after": N_("The application window closed on %(date)s."),
    "open": N_("The application window is open until %(date)s."),
}


def _window_text(key: str, day: dt.date | None, lang: str) -> str:
    # The date as a reader of the language writes it ("30 de abril de 2026"), not ISO.
    said = format_date(day, lang) if day is not None else ""
    return translator(lang, "pathways").gettext(_WINDOW_TEXT[key]) % {"date": said}


def _doc_status(
    doc: Document, held: Sequence[Mapping[str, Any]], as_of: dt.date
) -> Literal["have", "to_gather", "check"]:
    candidates = [d for d in held if d.get("type") in doc.any_of]
    if not candidates:
        return "to_gather"
    unsure = False
    for item in candidates:
        expires, issued = item.get("expires"), item.get("issued")
        checks: list[bool | None] = []
        if doc.valid_for_months is not None:
            checks.append(
                None if expires is None else expires >= add_months(as_of, doc.valid_for_months)
            )
        if doc.expired_accepted_years is not None:
            limit = add_months(as_of, -12 * doc.expired_accepted_years)
            checks.append(None if expires is None else expires >= limit)
        if doc.issued_within_months is not None:
            limit = add_months(as_of, -doc.issued_within_months)
            checks.append(None if issued is None else issued >= limit)
        if all(c is True for c in checks):
            return "have"
        unsure = unsure or not any(c is False for c in checks)
    return "check" if unsure else "to_gather"


def _doc_note(doc: Document, lang: str) -> str | None:
    ngettext = translator(lang, "pathways").ngettext
    parts: list[str] = []
    if (n := doc.valid_for_months) is not None:
        parts.append(
            ngettext(
                "valid for at least %(num)s more month", "valid for at least %(num)s more months", n
            )
            % {"num": n}
        )
    if (n := doc.issued_within_months) is not None:
        parts.append(
            ngettext(
                "issued within the last %(num)s month", "issued within the last %(num)s months", n
            )
            % {"num": n}
        )
    if (n := doc.expired_accepted_years) is not None:
        parts.append(
            ngettext(
                "accepted if expired up to %(num)s year ago",
                "accepted if expired up to %(num)s years ago",
                n,
            )
            % {"num": n}
        )
    if doc.note is not None:
        parts.append(doc.note.get(lang))
    return "; ".join(parts) or None


def _elsewhere(verdict: Verdict, lang: str) -> PathwayResult:
    """The short answer for a pathway of another country: documents and fees do not apply."""
    pathway = verdict.pathway
    host = pathway.condition(HOST)
    grants = pathway.grants
    return PathwayResult.model_construct(
        pathway=pathway.id,
        title=pathway.title(lang),
        host_country=pathway.host_country,
        status="ineligible",
        uncertain=pathway.uncertain,
        reasons=[
            Reason.model_construct(
                condition=HOST,
                text=host.explain(lang),
                citation=str(host.citation),
                outcome="not_met",
                confidence=host.citation.confidence,
            )
        ],
        missing=[],
        documents_to_gather=[],
        fees=[],
        rights=[],
        deadlines=[],
        next_steps=[pathway.next_steps.get(lang)],
        grants=GrantOut.model_construct(
            status=grants.status,
            label=vocabulary().statuses[grants.status].get(lang),
            duration_months=grants.duration_months,
            valid_until=grants.valid_until,
        ),
        transitions=[],
        closes_on=pathway.window.closes,
        failed=[HOST],
        pack=pathway.pack,
        pack_version=pathway.pack_version,
        pack_origin="shipped" if pathway.shipped else "local",
    )


def explain(verdict: Verdict, facts: Mapping[str, Any], as_of: dt.date, lang: str) -> PathwayResult:
    """Turn a verdict into the full, translated result for one pathway."""
    pathway = verdict.pathway
    vocab = vocabulary()
    if verdict.failed == [HOST] and facts.get("host_country") != pathway.host_country:
        return _elsewhere(verdict, lang)
    ctx = Context(facts, as_of, pathway.params)
    reasons: list[Reason] = []
    if verdict.window:
        day = pathway.window.opens if verdict.window == "before" else pathway.window.closes
        cite = pathway.window.citation or pathway.instrument
        reasons.append(
            Reason.model_construct(
                condition=WINDOW,
                text=_window_text(verdict.window, day, lang),
                citation=str(cite),
                outcome="not_met",
                confidence=cite.confidence,
            )
        )
    order = {False: 0, None: 1, True: 2}
    for cond in sorted(
        (c for c in pathway.conditions if c.id in verdict.outcomes),
        key=lambda c: order[verdict.outcomes[c.id]],
    ):
        value = verdict.outcomes[cond.id]
        reasons.append(
            Reason.model_construct(
                condition=cond.id,
                text=cond.explain(lang),
                citation=str(cond.citation),
                outcome="met" if value else "unknown" if value is None else "not_met",
                confidence=cond.citation.confidence,
                discretionary=cond.discretionary,
            )
        )
    missing: list[MissingFact] = []
    if verdict.status == "undetermined":
        seen: dict[str, None] = {}
        for facts_needed in verdict.missing.values():
            for fact in sorted(facts_needed):
                seen.setdefault(fact)
        for fact in seen:
            q = question_for(fact, facts, lang)
            missing.append(
                MissingFact.model_construct(fact=fact, question=q.text, proves_with=q.proves_with)
            )
    held = facts.get("documents") or []
    documents: list[DocumentOut] = []
    for doc in pathway.documents:
        if doc.when is not None and eval_pred(doc.when, ctx)[0] is False:
            continue
        documents.append(
            DocumentOut.model_construct(
                id=doc.id,
                label=doc.label(lang),
                status=_doc_status(doc, held, as_of),
                note=_doc_note(doc, lang),
                citation=str(doc.citation),
            )
        )
    fees = [
        FeeOut.model_construct(
            id=fee.id,
            text=fee.text.get(lang),
            amount=str(fee.amount),
            currency=fee.currency,
            exempt=(
                eval_pred(fee.exempt_when, ctx)[0]
                if fee.exempt_when
                else None
                if fee.exemption
                else False
            ),
            exemption=fee.exemption.get(lang) if fee.exemption else None,
        )
        for fee in pathway.fees
    ]
    deadlines: list[DeadlineOut] = []
    if pathway.window.closes and as_of <= pathway.window.closes:
        deadlines.append(
            DeadlineOut.model_construct(
                id=WINDOW,
                date=pathway.window.closes,
                text=_window_text("open", pathway.window.closes, lang),
            )
        )
    for deadline in pathway.deadlines:
        value, _ = eval_term(deadline.date, ctx)
        if isinstance(value, dt.date):
            deadlines.append(
                DeadlineOut.model_construct(
                    id=deadline.id, date=value, text=deadline.text.get(lang)
                )
            )
    grants = pathway.grants
    law: list[LawVersion] = []
    for name, timeline in pathway.params.items():
        if not timeline.constant:
            since, until, source = timeline.version_at(as_of)
            law.append(
                LawVersion.model_construct(
                    rule=f"parameter {name}", since=since, until=until, citation=source
                )
            )
    for cond in pathway.conditions:
        if (cond.valid_from or cond.valid_to) and cond.in_force(as_of):
            law.append(
                LawVersion.model_construct(
                    rule=f"condition {cond.id}",
                    since=cond.valid_from,
                    until=cond.valid_to,
                    citation=str(cond.citation),
                )
            )
    next_steps = [pathway.next_steps.get(lang)]
    if verdict.status == "undetermined":
        gettext = translator(lang, "pathways").gettext
        # An answer given that does not settle a condition (a birth date known to the year
        # that straddles an age limit) is proved by a document, not asked again.
        given = [m for m in missing if fact_value(facts, m.fact) is not None]
        steps = [
            gettext(
                "Bring a document that proves the exact answer to “%(question)s” "
                "(%(documents)s): the answer you gave does not settle this pathway."
            )
            % {"question": m.question, "documents": ", ".join(m.proves_with)}
            for m in given
        ]
        if len(given) < len(missing):
            steps.insert(
                0, gettext("Answer the remaining questions to find out whether you can apply.")
            )
        next_steps[:0] = steps
    return PathwayResult.model_construct(
        pathway=pathway.id,
        title=pathway.title(lang),
        host_country=pathway.host_country,
        status=verdict.status,
        uncertain=pathway.uncertain,
        reasons=reasons,
        missing=missing,
        documents_to_gather=documents,
        fees=fees,
        rights=[
            RightOut.model_construct(code=r, label=vocab.rights[r].get(lang)) for r in grants.rights
        ],
        deadlines=deadlines,
        next_steps=next_steps,
        grants=GrantOut.model_construct(
            status=grants.status,
            label=vocab.statuses[grants.status].get(lang),
            duration_months=grants.duration_months,
            valid_until=grants.valid_until,
        ),
        transitions=[
            TransitionOut.model_construct(to=t.to, text=t.text.get(lang))
            for t in pathway.transitions
        ],
        opens_on=pathway.window.opens if verdict.window == "before" else None,
        closes_on=pathway.window.closes,
        eligible_on=eligible_on(verdict, facts, as_of),
        failed=verdict.failed,
        law_in_force=law,
        pack=pathway.pack,
        pack_version=pathway.pack_version,
        pack_origin="shipped" if pathway.shipped else "local",
    )


def evaluate(
    profile: Mapping[str, Any] | Profile,
    as_of: dt.date | None = None,
    lang: str = "en",
    pathways: Sequence[str] | None = None,
    catalog: Catalog | None = None,
) -> EvaluationResult:
    """Evaluate a person's profile against the pathways, with explanations.

    Args:
        profile: The profile (JSON-like mapping or ``Profile``); absent fields are unknown.
        as_of: The evaluation date (today, UTC, when omitted).
        lang: A language of :data:`ruta.i18n.LANGUAGES`, or a BCP 47 tag that falls back
            to one (``pt-BR``); the result's ``lang`` is the language itself.
        pathways: Pathway ids to evaluate; by default those of the profile's host country,
            or every pathway when the host country is unknown.
        catalog: The packs to use (the shipped packs by default).

    Returns:
        The result contract: per pathway a status, reasons with citations, missing facts,
        documents, fees, rights, deadlines and next steps.

    Examples:
        >>> r = evaluate({"host_country": "ARG", "in_host_country": True,
        ...               "nationalities": [{"country": "BOL", "acquired": "birth"}],
        ...               "criminal_records": []}, as_of=dt.date(2026, 6, 1),
        ...              pathways=["arg.mercosur-temporary"])
        >>> r.results[0].status
        'eligible'
    """
    try:
        lang = require_language(lang)
    except UnsupportedLanguage as exc:
        raise PathwaysError(N_("%(problem)s"), field="lang", problem=exc.message) from None
    parsed = parse_profile(profile)
    facts = parsed.facts()
    day = as_of or dt.datetime.now(dt.UTC).date()
    cat = catalog or default_catalog()
    results = [
        explain(judge(p, facts, day), facts, day, lang)
        for p in select_pathways(cat, facts, pathways)
    ]
    return EvaluationResult(
        as_of=day,
        lang=lang,
        engine_version=ENGINE_VERSION,
        packs_version=cat.version,
        results=results,
    )
