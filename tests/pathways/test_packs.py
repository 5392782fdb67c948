"""Every pack's scenario tests pass and cover both sides of every date boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from ruta.pathways import Condition, Pathway
from ruta.pathways._catalog import default_catalog
from ruta.pathways._expr import Fact, Item, Pick, Quant, walk
from ruta.pathways._logic import Context, eval_pred
from ruta.pathways._packtest import coverage, run_pack_tests

OUTCOMES = list(run_pack_tests())


@pytest.mark.parametrize("outcome", OUTCOMES, ids=[f"{o.file.stem}:{o.name}" for o in OUTCOMES])
def test_scenario(outcome) -> None:  # type: ignore[no-untyped-def]
    assert outcome.passed, outcome.problems


def test_coverage() -> None:
    assert coverage() == {}


# A condition that reads nothing of the person (only the date, parameters and constants) and is
# false for good is a closing date written as a condition. Lists, the API, the pages and the
# demo read the window, so the window must close on the condition's last day: a programme the
# law has closed must not be listed as "open" (Chile's 2021 regularization was).
def _person_free(condition: Condition) -> bool:
    return not any(isinstance(node, Fact | Item | Quant | Pick) for node in walk(condition.pred))


def _holds(pathway: Pathway, condition: Condition, day: dt.date) -> bool | None:
    value, _ = eval_pred(condition.pred, Context({}, day, pathway.params))
    return value


CLOSING_CONDITIONS = [
    (pathway, condition)
    for pathway in default_catalog().pathways.values()
    for condition in pathway.conditions
    if _person_free(condition) and _holds(pathway, condition, dt.date(2100, 1, 1)) is False
]


def test_there_are_closing_conditions_to_check() -> None:
    assert "chl.regularization-2021" in {p.id for p, _ in CLOSING_CONDITIONS}


@pytest.mark.parametrize(
    ("pathway", "condition"),
    CLOSING_CONDITIONS,
    ids=[f"{p.id}:{c.id}" for p, c in CLOSING_CONDITIONS],
)
def test_a_closing_condition_is_the_window_closing(pathway: Pathway, condition: Condition) -> None:
    closes = pathway.window.closes
    assert closes is not None, f"{pathway.id}: {condition.id} closes it; the window is open-ended"
    assert _holds(pathway, condition, closes) is True
    assert _holds(pathway, condition, closes + dt.timedelta(days=1)) is False
    assert pathway.window.citation is not None
    assert pathway.window.citation.confidence == condition.citation.confidence


def test_argentinas_means_test_rests_on_the_agreement_not_on_the_dnu_alone() -> None:
    # legal.md 1.8: DNU 366/2025's content is HIGH but its later fate UNCERTAIN; the HIGH
    # condition must rest on art. 5.1(d) of the Agreement (HIGH), the DNU's standing noted.
    pathway = default_catalog().get("arg.mercosur-permanent")
    means = next(c for c in pathway.conditions if c.id == "means_of_subsistence")
    cited = str(means.citation)
    assert "Acuerdo de Residencia MERCOSUR" in cited and "art. 5.1(d)" in cited
    assert means.citation.confidence == "HIGH"
    assert means.citation.note is not None and "UNCERTAIN" in means.citation.note
