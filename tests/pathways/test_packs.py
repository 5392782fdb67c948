"""Every pack's scenario tests pass and cover both sides of every date boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from ruta.pathways import Condition, Pathway
from ruta.pathways._catalog import default_catalog
from ruta.pathways._expr import Fact, Item, Pick, Quant, walk
from ruta.pathways._logic import Context, eval_pred
from ruta.pathways._packtest import coverage, run_pack_tests
from ruta.pathways._schema import CitationSpec, names_in_place

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


def _instruments(instrument: str) -> int:
    """How many instruments a citation names (';' outside parentheses separates them)."""
    depth = count = 0
    for char in instrument:
        depth += (char == "(") - (char == ")")
        count += char == ";" and depth == 0
    return count + 1


def _citations() -> list[tuple[str, CitationSpec]]:
    found: dict[str, tuple[str, CitationSpec]] = {}
    for pathway in default_catalog().pathways.values():
        specs = [pathway.instrument, pathway.window.citation]
        specs += [c.citation for c in pathway.conditions]
        specs += [d.citation for d in pathway.documents] + [f.citation for f in pathway.fees]
        for spec in specs:
            if spec is not None and spec.article and _instruments(spec.instrument) > 1:
                found.setdefault(str(spec), (pathway.id, spec))
    return sorted(found.values(), key=lambda pair: (pair[0], str(pair[1])))


CITATIONS = _citations()


@pytest.mark.parametrize(("pathway", "citation"), CITATIONS, ids=[str(c) for _, c in CITATIONS])
def test_an_article_of_several_instruments_is_named_after_its_own(
    pathway: str, citation: CitationSpec
) -> None:
    # Appended at the end, an article reads as one of the last instrument: "Ley 25.871, art.
    # 23 inc. l); Decreto 616/2010; Acuerdo de Residencia MERCOSUR, art. 23 inc. l)" gave the
    # Agreement an article 23 of the Argentine law. The pack says in place whose article it is.
    assert names_in_place(citation.instrument, citation.article or ""), pathway
    assert str(citation) == citation.instrument


def test_a_citation_of_one_instrument_appends_its_article() -> None:
    single = default_catalog().get("mex.humanitarian-visitor").instrument
    assert _instruments(single.instrument) == 1 and single.article
    assert str(single) == f"{single.instrument}, {single.article}"
