"""The per-person engine: Kleene logic, windows, dates to solve, documents and fees."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ruta.pathways import PathwaysError, ProfileError, UnknownPathwayError, evaluate, next_question
from ruta.pathways._expr import parse_pred
from ruta.pathways._logic import Context, eval_pred

D = dt.date
TODAY = D(2026, 11, 28)
BOLIVIAN = {"country": "BOL", "acquired": "birth"}


def status(profile: dict[str, Any], pathway: str, as_of: dt.date = TODAY) -> str:
    return evaluate(profile, as_of, pathways=[pathway]).results[0].status


def truth(expr: Any, facts: dict[str, Any]) -> bool | None:
    return eval_pred(parse_pred(expr), Context(facts, D(2026, 1, 1), {}))[0]


@pytest.mark.parametrize(
    ("a", "b", "conj", "disj"),
    [
        (True, True, True, True),
        (True, None, None, True),
        (False, None, False, None),
        (None, None, None, None),
        (False, False, False, False),
        (True, False, False, True),
    ],
)
def test_kleene_truth_tables(
    a: bool | None, b: bool | None, conj: bool | None, disj: bool | None
) -> None:
    facts = {
        k: v for k, v in (("means_of_subsistence", a), ("asylum_claim_pending", b)) if v is not None
    }
    parts = [{"fact": "means_of_subsistence"}, {"fact": "asylum_claim_pending"}]
    assert truth({"all": parts}, facts) is conj
    assert truth({"any": parts}, facts) is disj
    assert truth({"not": {"all": parts}}, facts) is (None if conj is None else not conj)


def test_quantifiers_distinguish_unknown_list_from_empty_list() -> None:
    some = {"some": {"list": "criminal_records", "where": {"eq": [{"item": "country"}, "ARG"]}}}
    assert truth(some, {}) is None
    assert truth(some, {"criminal_records": []}) is False
    assert truth(some, {"criminal_records": [{}]}) is None
    assert truth(some, {"criminal_records": [{"country": "ARG"}, {}]}) is True
    every = {"every": some["some"]}
    assert truth(every, {"criminal_records": []}) is True


def test_known_disqualifying_fact_settles_despite_unknowns() -> None:
    # Chile applies MERCOSUR residence only to AR, BO, BR, PY, UY nationals (legal.md 1.2).
    assert (
        status(
            {"host_country": "CHL", "nationalities": [{"country": "PER", "acquired": "birth"}]},
            "chl.mercosur-temporary",
        )
        == "ineligible"
    )


def test_unknown_facts_make_undetermined_with_questions() -> None:
    result = evaluate(
        {"host_country": "ARG", "nationalities": [BOLIVIAN]},
        D(2026, 11, 28),
        lang="fr",
        pathways=["arg.mercosur-temporary"],
    ).results[0]
    assert result.status == "undetermined"
    assert [m.fact for m in result.missing] == ["criminal_records"]
    assert result.missing[0].question.startswith("Avez-vous")
    assert "extrait de casier judiciaire" in result.missing[0].proves_with


@pytest.mark.parametrize(
    ("since", "expected"), [("2021-11-28", "eligible"), ("2021-11-29", "ineligible")]
)
def test_naturalization_five_years_boundary(since: str, expected: str) -> None:
    profile = {
        "host_country": "BRA",
        "nationalities": [{"country": "PER", "acquired": "naturalization", "since": since}],
        "criminal_records": [],
    }
    assert status(profile, "bra.mercosur-temporary") == expected


def test_becomes_eligible_on_solved_date() -> None:
    profile = {
        "host_country": "BRA",
        "nationalities": [{"country": "PER", "acquired": "naturalization", "since": "2023-03-15"}],
        "criminal_records": [],
    }
    result = evaluate(profile, D(2026, 11, 28), pathways=["bra.mercosur-temporary"]).results[0]
    assert result.eligible_on == D(2028, 3, 15)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2026, 10, 28), "ineligible"),
        (D(2026, 10, 29), "eligible"),
        (D(2027, 1, 26), "eligible"),
        (D(2027, 1, 27), "ineligible"),
    ],
)
def test_permanent_window_is_the_90_days_before_expiry(as_of: dt.date, expected: str) -> None:
    profile = {
        "host_country": "ARG",
        "nationalities": [BOLIVIAN],
        "criminal_records": [],
        "means_of_subsistence": True,
        "permits": [
            {"country": "ARG", "type": "arg.mercosur-temporary", "valid_until": "2027-01-27"}
        ],
    }
    assert status(profile, "arg.mercosur-permanent", as_of) == expected


def test_result_contract_fields() -> None:
    result = evaluate(
        {"host_country": "URY", "nationalities": [{"country": "BRA"}], "criminal_records": []},
        D(2026, 11, 28),
        lang="pt",
        pathways=["ury.mercosur-permanent"],
    )
    data = result.model_dump(mode="json")
    assert set(data) >= {"as_of", "engine_version", "packs_version", "results"}
    item = data["results"][0]
    assert set(item) >= {
        "pathway",
        "status",
        "reasons",
        "missing",
        "documents_to_gather",
        "fees",
        "rights",
        "deadlines",
        "next_steps",
    }
    assert item["status"] == "eligible"
    assert item["fees"][0]["exempt"] is True  # Brazilians pay no fee in Uruguay
    assert all(r["citation"] for r in item["reasons"])


def test_documents_prove_facts_but_do_not_decide() -> None:
    base = {
        "host_country": "ARG",
        "in_host_country": True,
        "nationalities": [BOLIVIAN],
        "criminal_records": [],
    }
    without = evaluate(base, D(2026, 11, 28), pathways=["arg.mercosur-temporary"]).results[0]
    assert without.status == "eligible"
    assert {d.id: d.status for d in without.documents_to_gather}["identity"] == "to_gather"
    held = evaluate(
        {**base, "documents": [{"type": "passport", "expires": "2030-01-01"}]},
        D(2026, 11, 28),
        pathways=["arg.mercosur-temporary"],
    ).results[0]
    assert {d.id: d.status for d in held.documents_to_gather}["identity"] == "have"


def test_host_country_limits_default_pathways() -> None:
    result = evaluate({"host_country": "PRY"}, D(2026, 11, 28))
    assert result.results and all(r.host_country == "PRY" for r in result.results)


def test_errors_name_the_field() -> None:
    with pytest.raises(ProfileError) as info:
        evaluate({"host_country": "Argentina"})
    assert info.value.field == "host_country" and "alpha-3" in str(info.value)
    with pytest.raises(ProfileError) as info:
        evaluate({"nationalities": [{"country": "BOL", "favourite": "x"}]})
    assert info.value.field == "nationalities.0.favourite"
    with pytest.raises(ProfileError) as info:
        evaluate({"in_host_country": "yes"})
    assert info.value.field == "in_host_country"
    with pytest.raises(UnknownPathwayError):
        evaluate({}, pathways=["arg.nope"])
    with pytest.raises(PathwaysError) as lang:
        evaluate({}, lang="de")
    assert lang.value.field == "lang"


def test_engine_texts_come_from_the_catalogs_in_the_language_asked() -> None:
    profile = {"host_country": "COL", "nationalities": [{"country": "ECU", "acquired": "birth"}]}
    spanish = evaluate(profile, D(2025, 8, 1), lang="es", pathways=["col.pep-tutor"]).results[0]
    assert spanish.reasons[0].text == "Las solicitudes se abren el 1 de septiembre de 2025."
    andean = evaluate(profile, D(2026, 1, 5), lang="fr", pathways=["col.andean-temporary"])
    travel = next(d for d in andean.results[0].documents_to_gather if d.id == "travel_document")
    assert travel.label == "passeport ou carte nationale d'identité"
    assert travel.note is not None and travel.note.startswith("valide encore au moins 6 mois")
    assert andean.results[0].next_steps[0].startswith("Répondez aux questions restantes")


def test_a_region_tag_answers_in_its_language() -> None:
    profile = {"host_country": "BRA", "nationalities": [{"country": "PER"}]}
    brazilian = evaluate(profile, D(2026, 11, 28), lang="pt-BR")
    portuguese = evaluate(profile, D(2026, 11, 28), lang="pt")
    assert brazilian.lang == "pt"
    assert brazilian.model_dump() == portuguese.model_dump()


@pytest.mark.parametrize("born", ["2008", "2008-06"])
def test_a_partial_birth_date_that_leaves_the_age_open_is_not_asked_again(born: str) -> None:
    # On 2026-06-15 a child born in 2008 (or in June 2008) may be 17 or 18: the answer is
    # undetermined until a document settles it, and the finder must not loop on the question.
    profile = {
        "host_country": "MEX",
        "in_host_country": True,
        "nationalities": [{"country": "HND", "acquired": "birth"}],
        "unaccompanied_minor": True,
        "date_of_birth": born,
        "asylum_claim_pending": False,
        "crime_victim_or_witness": False,
        "humanitarian_cause": False,
        "current_status": "irregular",
        "criminal_records": [],
    }
    day = D(2026, 6, 15)
    result = evaluate(profile, day, pathways=["mex.humanitarian-visitor"]).results[0]
    assert result.status == "undetermined"
    assert [m.fact for m in result.missing] == ["date_of_birth"]
    assert result.missing[0].proves_with
    assert next_question(profile, day, pathways=["mex.humanitarian-visitor"]) is None
    # The next step asks for the document, not for answers the finder will not ask.
    assert result.next_steps[0].startswith("Bring a document that proves the exact answer")
    assert "passport" in result.next_steps[0]
    assert not any("remaining questions" in step for step in result.next_steps)
    # A year wholly on one side of the limit decides it.
    younger = evaluate(
        {**profile, "date_of_birth": "2009"}, day, pathways=["mex.humanitarian-visitor"]
    )
    assert younger.results[0].status == "eligible"


def test_next_question_walks_toward_an_answer() -> None:
    from ruta.pathways import apply_answer

    profile: dict[str, Any] = {}
    asked = []
    for _ in range(40):
        question = next_question(profile, D(2026, 11, 28), pathways=["arg.mercosur-temporary"])
        if question is None:
            break
        asked.append(question.fact)
        answers = {
            "host_country": "ARG",
            "nationalities": ["BOL"],
            "criminal_records": "no",
            "nationalities.0.acquired": "birth",
            "in_host_country": "yes",
        }
        profile = apply_answer(profile, question.fact, answers.get(question.fact, "no"))
    assert asked[0] == "host_country"
    assert status(profile, "arg.mercosur-temporary") == "eligible"
    assert len(asked) <= 5


def test_result_records_which_version_of_the_law_applied() -> None:
    # Colombia stopped granting the MERCOSUR visa to Chileans after 2019 (legal.md 1.2).
    chilean = {
        "host_country": "COL",
        "nationalities": [{"country": "CHL", "acquired": "birth"}],
        "criminal_records": [],
    }
    before = evaluate(chilean, D(2019, 6, 1), pathways=["col.mercosur-temporary"]).results[0]
    after = evaluate(chilean, D(2021, 6, 1), pathways=["col.mercosur-temporary"]).results[0]
    assert "nationality" not in before.failed and "nationality" in after.failed
    assert before.law_in_force[0].until == D(2019, 12, 31)
    assert after.law_in_force[0].since == D(2020, 1, 1) and after.law_in_force[0].until is None


def test_none_without_where_means_an_empty_list() -> None:
    no_records = {"none": {"list": "criminal_records"}}
    assert truth(no_records, {"criminal_records": []}) is True
    assert truth(no_records, {"criminal_records": [{}]}) is False
    assert truth(no_records, {}) is None


def test_unknown_permit_type_names_the_field() -> None:
    with pytest.raises(ProfileError) as info:
        evaluate({"permits": [{"type": "golden-visa"}]})
    assert info.value.field == "permits.0.type" and "pathway id" in str(info.value)
