"""The model adapts to the fields a registry fills, and compares names and dates as they are."""

from __future__ import annotations

import pandas as pd

from ruta.linkage import Registry, SynthConfig, comparison_features, dedupe_registry, synth_registry
from ruta.linkage._model import plan_model

from .conftest import record


def _plan(rows: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    return plan_model(comparison_features(pd.DataFrame(rows)))


def test_absent_fields_drop_their_comparisons_and_rules_and_say_why() -> None:
    plan = _plan(
        [
            {"record_id": "1", "given_names": "Ana", "surname_1": "Paz", "date_of_birth": ""},
            {"record_id": "2", "given_names": "Eva", "surname_1": "Ruiz", "date_of_birth": ""},
        ]
    )
    assert plan.comparisons == ["given_names", "surnames"]
    assert ("date_of_birth", "no date_of_birth") in plan.dropped_comparisons
    assert ("doc", "no document_number") in plan.dropped_rules
    assert "surname_words + given_first" in plan.rules
    # With no date and no document there is no near-certain rule for the prior.
    assert plan.deterministic == []


def test_missing_sex_scopes_no_rule_away() -> None:
    # An empty sex column used to switch off a third of the blocking rules.
    rows = [
        record(
            record_id=str(i),
            given_names="Ana",
            surname_1="Paz",
            date_of_birth="1990-01-02",
            nationality="VEN",
        )
        for i in range(3)
    ]
    plan = _plan(rows)
    assert "dob + nationality" in plan.rules
    assert ("dob + sex + nationality", "used without sex (no data)") in plan.dropped_rules
    # Partly filled: the rule keeps sex but does not lose the records without it.
    rows[0]["sex"] = "F"
    sql = [
        r["blocking_rule"] for r in _plan(rows).settings["blocking_rules_to_generate_predictions"]
    ]
    assert any("l.sex is null or r.sex is null" in s for s in sql)


def test_address_phone_and_place_take_part_when_present() -> None:
    rows = [
        record(
            record_id="1",
            given_names="Ana",
            surname_1="Paz",
            address="Calle 5 # 12",
            postcode="110111",
            phone="+57 300 1234567",
            place_of_birth="Cúcuta",
        )
    ]
    plan = _plan(rows)
    assert {"address", "postcode", "phone", "place_of_birth"} <= set(plan.comparisons)
    assert "phone" in plan.rules and "postcode + surname_phonetic" in plan.rules


def test_reduced_dates_have_their_own_levels_never_exact() -> None:
    full = [record(record_id="1", given_names="Ana", date_of_birth="1990-05-17")]
    labels = lambda plan: [  # noqa: E731  # a local reader of the date levels
        lvl.get("label_for_charts")
        for c in plan.settings["comparisons"]
        if c["output_column_name"] == "date_of_birth"
        for lvl in c["comparison_levels"]
    ]
    assert "same year, one date without its month" not in labels(_plan(full))
    reduced = [*full, record(record_id="2", given_names="Ana", date_of_birth="1990")]
    assert "same year, one date without its month" in labels(_plan(reduced))
    f = comparison_features(pd.DataFrame(reduced))
    assert f.loc[1, "dob"] is None and f.loc[1, "birth_year"] == "1990"


def _family() -> Registry:
    people = [
        ("Pòl", "Loudmia", "", "1997-05-09"),
        ("Ana Lucía", "Ponce de León", "Vargas", "1995-02-03"),
        ("Wilner", "Jean-Baptiste", "", "1989-07-04"),
        ("Rosa", "Quispe", "Mamani", "1984-08-08"),
        ("Juana", "Quispe", "Mamani", "1987-11-02"),
    ]
    variants = [
        ("Loudmia", "Pòl", "", "1997-05-09"),
        ("Ana Lucia", "Ponce", "de León Vargas", "1995-02-03"),
        ("Wilner", "Jean Baptiste", "", "1989-07"),
    ]
    rows = [
        record(
            record_id=f"r{i}",
            given_names=g,
            surname_1=s1,
            surname_2=s2,
            date_of_birth=d,
            sex="F" if i % 2 else "M",
        )
        for i, (g, s1, s2, d) in enumerate(people + variants)
    ]
    for i, row in enumerate(rows):
        row["sex"] = ["F", "F", "M", "F", "F", "F", "F", "M"][i]
    # Among 300 other people, as in a small office's file.
    others = synth_registry(300, SynthConfig(seed=17)).drop(columns="person_id")
    return Registry(pd.concat([others, pd.DataFrame(rows)], ignore_index=True).fillna(""))


def test_exchanged_names_split_surnames_and_reduced_dates_link() -> None:
    result = dedupe_registry(_family())
    cluster = dict(zip(result.clusters["record_id"], result.clusters["cluster_id"], strict=True))
    assert cluster["r0"] == cluster["r5"]  # given name and surname exchanged
    assert cluster["r1"] == cluster["r6"]  # compound surname split otherwise
    assert cluster["r2"] == cluster["r7"]  # month-only date against a full one
    assert cluster["r3"] != cluster["r4"]  # sisters sharing both surnames stay apart
    # 308 records cannot train a model: the summary says what was used instead.
    notes = " ".join(result.notes)
    assert "EM on dob skipped" in notes and "u from Ruta's default model" in notes
