"""The guided finder's planner: which question to ask next."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ruta.pathways._catalog import Catalog, default_catalog
from ruta.pathways._engine import judge, select_pathways
from ruta.pathways._facts import fact_catalog
from ruta.pathways._profile import Profile, parse_profile
from ruta.pathways._questions import Question, generic_fact, question_for

__all__ = ["next_question"]


def next_question(
    profile: Mapping[str, Any] | Profile,
    as_of: dt.date | None = None,
    lang: str = "en",
    pathways: Sequence[str] | None = None,
    catalog: Catalog | None = None,
) -> Question | None:
    """The one fact whose answer settles the most undetermined pathways (None when done).

    A fact scores one point for every undetermined pathway that waits for it; ties go to the
    fact listed first in the fact catalog, so the interview reads in a natural order.

    Examples:
        >>> next_question({}, as_of=dt.date(2026, 6, 1)).fact
        'host_country'
        >>> next_question({"host_country": "BRA"}, as_of=dt.date(2026, 6, 1)).fact != "host_country"
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
        votes.update(waiting)
    if not votes:
        return None
    order = {path: i for i, path in enumerate(fact_catalog())}

    def rank(path: str) -> tuple[int, int, str]:
        top = generic_fact(path).split(".")[0]
        position = order.get(generic_fact(path), order.get(top, len(order)))
        return (-votes[path], position, path)

    return question_for(min(votes, key=rank), facts, lang)
