"""The case's engine assessment in the reader's language (ruta.cases.assessment).

The functions read an application and write nothing, so these tests build applications in
memory the way ``do_submit_application`` stamps them; the page tests cover the stored path.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from ruta.cases.assessment import (
    assess_at_intake,
    assess_today,
    intake_date,
    language_neutral,
)
from ruta.cases.eligibility import evaluate_for
from ruta.pathways import ENGINE_VERSION, evaluate, packs_version
from ruta.store.models import Application

#: A Venezuelan adult who entered Colombia regularly in January 2022 (ETPV group 4):
#: eligible for the PPT while the Statute was open to adults, not after 24 November 2023.
VENEZUELAN_IN_COL: dict[str, Any] = {
    "host_country": "COL",
    "in_host_country": True,
    "nationalities": [{"country": "VEN", "acquired": "birth"}],
    "date_of_birth": "1990-02-03",
    "entry": {"date": "2022-01-10", "authorized_crossing": True},
    "criminal_records": [],
    "migration_sanctions": False,
    "documents": [{"type": "passport", "expires": "2027-01-01"}],
}
BOLIVIAN_IN_ARG: dict[str, Any] = {
    "host_country": "ARG",
    "criminal_records": [],
    "permits": [],
    "nationalities": [{"country": "BOL", "acquired": "birth"}],
}
#: (pathway, profile, intake date): eligible, ineligible and undetermined cases.
CASES = [
    ("col.ppt", VENEZUELAN_IN_COL, date(2023, 6, 1)),
    ("col.ppt", VENEZUELAN_IN_COL, date(2026, 11, 2)),
    ("arg.mercosur-temporary", BOLIVIAN_IN_ARG, date(2026, 3, 15)),
    ("per.mercosur-temporary", {"host_country": "PER"}, date(2026, 3, 15)),
]


def _application(pathway: str, profile: dict[str, Any], as_of: date) -> Application:
    """An application stamped as ``do_submit_application`` stamps one (English result)."""
    stored_profile, evaluation = evaluate_for(pathway, profile, as_of=as_of)
    return Application(
        id="00000000-0000-0000-0000-000000000001",
        pathway_id=pathway,
        host_country=stored_profile["host_country"],
        status="submitted",
        profile=stored_profile,
        eligibility=evaluation.stored(),
        engine_version=evaluation.engine_version,
        packs_version=evaluation.packs_version,
        evaluated_at=datetime(as_of.year, as_of.month, as_of.day, 15, 30, tzinfo=UTC),
    )


@pytest.mark.parametrize(("pathway", "profile", "as_of"), CASES)
@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_same_rules_give_the_intake_result_translated(
    pathway: str, profile: dict[str, Any], as_of: date, lang: str
) -> None:
    app = _application(pathway, profile, as_of)
    stored = app.eligibility["results"][0]
    shown = assess_at_intake(app, lang)
    assert shown.basis == "intake" and not shown.rules_changed
    assert shown.lang == lang and shown.as_of == as_of
    assert shown.result is not None
    # Identical apart from language: status, outcomes, citations, dates, documents, fees...
    assert language_neutral(shown.result) == language_neutral(stored)
    assert shown.result["status"] == stored["status"]
    assert [r["outcome"] for r in shown.result["reasons"]] == [
        r["outcome"] for r in stored["reasons"]
    ]
    # ... and the texts really are in the reader's language.
    direct = evaluate(profile, as_of=as_of, lang=lang, pathways=[pathway]).model_dump(mode="json")
    assert shown.result == direct["results"][0]
    assert shown.result["title"] != stored["title"]
    assert [r["text"] for r in shown.result["reasons"]] != [r["text"] for r in stored["reasons"]]


def test_the_intake_date_decides_not_today() -> None:
    # Eligible on the intake date; the Statute has closed for adults since.
    app = _application("col.ppt", VENEZUELAN_IN_COL, date(2023, 6, 1))
    at_intake = assess_at_intake(app, "es")
    assert at_intake.result is not None and at_intake.result["status"] == "eligible"
    today = assess_today(app, "es", today=date(2026, 11, 28))
    assert today.basis == "today" and today.as_of == date(2026, 11, 28)
    assert today.result is not None and today.result["status"] == "ineligible"
    assert today.result["failed"] == ["open_for_adults"]
    assert today.packs_version == packs_version() and today.engine_version == ENGINE_VERSION
    # Read-only: the case keeps its stamped result.
    assert app.eligibility["results"][0]["status"] == "eligible"


def test_the_reader_language_of_intake_needs_no_second_evaluation() -> None:
    app = _application("arg.mercosur-temporary", BOLIVIAN_IN_ARG, date(2026, 3, 15))
    shown = assess_at_intake(app, "en")
    assert shown.basis == "intake" and shown.result == app.eligibility["results"][0]


def test_changed_rules_show_the_stored_result_and_both_versions() -> None:
    app = _application("arg.mercosur-temporary", BOLIVIAN_IN_ARG, date(2026, 3, 15))
    app.packs_version = "0123456789ab"
    shown = assess_at_intake(app, "es")
    assert shown.basis == "stored" and shown.rules_changed
    assert shown.result == app.eligibility["results"][0] and shown.lang == "en"
    assert shown.intake_packs_version == "0123456789ab"
    assert shown.current_packs_version == packs_version()
    app.packs_version, app.engine_version = packs_version(), "0.9.0"
    assert assess_at_intake(app, "es").rules_changed  # an engine change counts too


def test_a_stored_result_that_the_rules_do_not_reproduce_is_shown_as_stored() -> None:
    app = _application("arg.mercosur-temporary", BOLIVIAN_IN_ARG, date(2026, 3, 15))
    tampered = dict(app.eligibility)
    tampered["results"] = [{**app.eligibility["results"][0], "status": "ineligible"}]
    app.eligibility = tampered
    shown = assess_at_intake(app, "pt")
    assert shown.basis == "stored" and not shown.rules_changed
    assert shown.result is not None and shown.result["status"] == "ineligible"


def test_today_names_a_pathway_the_rules_no_longer_define() -> None:
    app = _application("arg.mercosur-temporary", BOLIVIAN_IN_ARG, date(2026, 3, 15))
    app.pathway_id = "arg.retired-programme"
    today = assess_today(app, "fr")
    assert today.result is None and today.error is not None
    assert "arg.retired-programme" in today.error


def test_intake_date_falls_back_to_the_evaluation_time() -> None:
    app = _application("arg.mercosur-temporary", BOLIVIAN_IN_ARG, date(2026, 3, 15))
    assert intake_date(app) == date(2026, 3, 15)
    app.eligibility = {k: v for k, v in app.eligibility.items() if k != "as_of"}
    app.evaluated_at = datetime(2026, 3, 16, 1, 0, tzinfo=UTC)
    assert intake_date(app) == date(2026, 3, 16)
