"""Users and submissions for the casework action tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from ruta.cases.actions.authentication import do_create_user
from ruta.cases.schemas import ApplicationCreate
from ruta.pathways import list_pathways
from ruta.store.models import User

PASSWORD = "correct-horse-battery"


def pathway_of(country: str) -> str:
    """A shipped pathway of ``country`` (the packs decide which; any will do here)."""
    return list_pathways(country)[0].id


def submission(country: str = "COL", **changes: Any) -> ApplicationCreate:
    """A valid submission for a pathway of ``country``; ``changes`` override top-level keys."""
    body: dict[str, Any] = {
        "pathway": pathway_of(country),
        "profile": {
            "in_host_country": True,
            "nationalities": [{"country": "VEN", "acquired": "birth"}],
            "date_of_birth": "1990-05-01",
            "entry": {"date": "2024-02-01", "authorized_crossing": True},
            "criminal_records": [],
        },
        "applicant": {
            "given_names": "María José",
            "surname_1": "Pérez",
            "surname_2": "Gómez",
            "date_of_birth": "1990-05-01",
            "sex": "F",
            "nationality": "VEN",
            "document": {"type": "passport", "number": "123456789"},
            "languages": ["es"],
        },
        "household": [],
    }
    body.update(changes)
    return ApplicationCreate.model_validate(body)


def eligible_submission(**changes: Any) -> ApplicationCreate:
    """A submission the engine assesses *eligible*: a Peruvian with a valid passport on
    Colombia's Andean temporary visa. Approving it agrees with the engine (no override
    reason); the default :func:`submission` is undetermined, so approving that one is an
    override (``ruta.cases.override``)."""
    base = submission("COL").model_dump(mode="json")
    base["pathway"] = "col.andean-temporary"
    base["profile"]["nationalities"] = [{"country": "PER", "acquired": "birth"}]
    base["profile"]["documents"] = [{"type": "passport", "expires": "2035-01-01"}]
    base["applicant"]["nationality"] = "PER"
    base.update(changes)
    return ApplicationCreate.model_validate(base)


@dataclass
class Cast:
    """The people of a test: officers of COL and PER, an applicant, an auditor, an admin."""

    caseworker: User
    caseworker2: User
    supervisor: User
    supervisor2: User
    per_caseworker: User
    auditor: User
    applicant: User
    other_applicant: User
    admin: User


@pytest.fixture
def cast(session: Session) -> Cast:
    def make(name: str, role: str, country: str | None) -> User:
        return do_create_user(
            session, None, username=name, password=PASSWORD, role=role, country=country
        )

    return Cast(
        caseworker=make("cw-col", "caseworker", "COL"),
        caseworker2=make("cw2-col", "caseworker", "COL"),
        supervisor=make("sup-col", "supervisor", "COL"),
        supervisor2=make("sup2-col", "supervisor", "COL"),
        per_caseworker=make("cw-per", "caseworker", "PER"),
        auditor=make("aud-col", "auditor", "COL"),
        applicant=make("maria", "applicant", None),
        other_applicant=make("pedro", "applicant", None),
        admin=make("root", "admin", None),
    )


@pytest.fixture
def make_submission() -> Callable[..., ApplicationCreate]:
    return submission
