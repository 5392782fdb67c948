"""The applicant's answers on the case page: labelled facts in the page language (issue 15 §3).

A stored profile holds booleans and facts with parts (the entry: its date and how it was
made); the case page must say them as the finder asked them, never ``yes`` in a Spanish page
or ``date: 2021-12-31, authorized_crossing: True``.
"""

from __future__ import annotations

from typing import Any

import pytest

from ruta.web.ui._answers import profile_facts

# A profile as the finder and the demo store it (a Venezuelan minor in Colombia).
PROFILE: dict[str, Any] = {
    "host_country": "COL",
    "in_host_country": True,
    "nationalities": [{"country": "VEN", "acquired": "birth"}],
    "date_of_birth": "2015-10-10",
    "entry": {"date": "2021-12-31", "authorized_crossing": True},
    "current_status": "regular",
    "permits": [],
    "migration_sanctions": False,
    "documents": [{"type": "passport", "expires": "2028-11-25"}],
}


def _facts(lang: str) -> dict[str, str]:
    return dict(profile_facts(PROFILE, lang, lambda text: text))


@pytest.mark.parametrize(
    ("lang", "here", "entered", "crossing", "yes", "no"),
    [
        (
            "es",
            "¿Está usted ahora en ese país?",
            "¿En qué fecha entró por última vez al país?",
            "¿Entró por un paso fronterizo habilitado, con control migratorio?",
            "Sí",
            "No",
        ),
        (
            "en",
            "Are you in that country now?",
            "On what date did you last enter the country?",
            "Did you enter through an authorized border crossing, with a migration check?",
            "Yes",
            "No",
        ),
    ],
)
def test_yes_no_and_parts_of_a_fact_are_said_in_the_page_language(
    lang: str, here: str, entered: str, crossing: str, yes: str, no: str
) -> None:
    facts = _facts(lang)
    assert facts[here] == yes
    assert facts[crossing] == yes
    assert entered in facts and "2021" in facts[entered] and "-12-" not in facts[entered]
    assert "entry" not in facts  # the fact with parts is shown part by part
    values = list(facts.values())
    assert no in values  # migration sanctions: False
    assert not {"yes", "no", "True", "False", "true", "false"} & set(values)
    assert not any("authorized_crossing" in v or "date:" in v for v in values)
