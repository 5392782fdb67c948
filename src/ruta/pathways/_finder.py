"""The guided finder's planner: which question to ask next."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ruta.pathways._catalog import Catalog, default_catalog
from ruta.pathways._engine import judge, select_pathways
from ruta.pathways._facts import fact_catalog
from ruta.pathways._profile import Profile, fact_value, parse_profile
from ruta.pathways._questions import Question, generic_fact, question_for

__all__ = ["next_question"]


def next_question(
    profile: Mapping[str, Any] | Profile,
    as_of: dt.date | None = None,
    lang: str = "en",
    pathways: Sequence[str] | None = None,
    catalog: Catalog | None = None,
) -> Question | None:
    """The next fact to ask for, in the order people expect (None when done).

    A fact the profile already holds is never asked again (a partial birth date that
    leaves an age undecided waits for a document, which the result names).

    Facts are asked by their catalog ``stage``: first where the person is and who they are
    (in the catalog's order), then the rest, and a criminal or migration record last. Within
    the later stages a fact scores one point for every undetermined pathway that waits for
    it, the highest score first; ties go to the fact listed first in the fact catalog.

    Examples:
        >>> next_question({}, as_of=dt.date(2026, 6, 1)).fact
        'host_country'
        >>> next_question({"host_country": "BRA"}, as_of=dt.date(2026, 6, 1)).fact != "host_country"
        True

        A birth date given to the year is an answer, even when it leaves an age undecided:
        >>> child = {"host_country": "MEX", "in_host_country": True, "unaccompanied_minor": True,
        ...          "nationalities": [{"country": "HND", "acquired": "birth"}],
        ...          "date_of_birth": "2008", "asylum_claim_pending": False,
        ...          "crime_victim_or_witness": False, "humanitarian_cause": False,
        ...          "current_status": "irregular", "criminal_records": []}
        >>> next_question(child, as_of=dt.date(2026, 6, 15)) is None
        True
    """
    facts = parse_profile(profile).facts()
    day = as_of or dt.datetime.now(dt.UTC).date()
    cat = catalog or default_catalog()
    votes: Counter[str] = Counter()
    for pathway in select_pathways(cat, facts, pathways):
        verdict = judge(pathway, facts, day)
        if verdict.status != "undetermined":
            continue
        waiting: set[str] = set()
        for missing in verdict.missing.values():
            waiting |= missing
        # A fact already answered is not asked again: a birth date known to the year or the
        # month that straddles an age limit stays undetermined until a document settles it
        # (the result says which); asking again would only loop on the same answer.
        votes.update(path for path in waiting if fact_value(facts, path) is None)
    if not votes:
        return None
    catalog_facts = fact_catalog()
    order = {path: i for i, path in enumerate(catalog_facts)}

    def rank(path: str) -> tuple[int, int, int, str]:
        generic = generic_fact(path)
        top = generic.split(".")[0]
        position = order.get(generic, order.get(top, len(order)))
        info = catalog_facts.get(generic) or catalog_facts.get(top)
        stage = info.stage if info is not None else 2
        # Where the person is and who they are come first and in the catalog's order, as
        # people expect to be asked; their record (criminal, sanctions) comes last.
        return (stage, 0 if stage == 1 else -votes[path], position, path)

    return question_for(min(votes, key=rank), facts, lang)
