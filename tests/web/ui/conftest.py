"""Fixtures for the page tests: a bare app with the finder, and the whole service.

- ``finder_client``: the finder router alone on a bare FastAPI app (no database), which
  is how the pages were built before the casework core landed and stays the fastest way
  to test them.
- ``site``: ``create_app()`` on the shared ``database`` fixture (SQLite and PostgreSQL),
  with officers of ARG and PER, and a helper to sign people in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.conftest import enrol_second_factor, second_factor_code
from tests.web.forms import RenderedFormsClient

from ruta.cases.actions import pathways_taken
from ruta.cases.actions.authentication import (
    SECOND_FACTOR_ROLES,
    do_create_user,
)
from ruta.pathways import get_pathway
from ruta.settings import Settings
from ruta.store.models import Office, OfficePathway, User
from ruta.web import create_app
from ruta.web.security import CsrfCookieMiddleware
from ruta.web.ui import router as pages

PASSWORD = "correct-horse-battery"
SECRET = "test-secret-key-for-the-page-tests-0123456789"

#: Answers for the finder walk of a Bolivian in Argentina (any bool not listed is "no").
ARG_ANSWERS: dict[str, str | list[str]] = {
    "host_country": "ARG",
    "in_host_country": "true",
    "nationalities": ["BOL"],
    "nationalities.0.acquired": "birth",
}


def csrf(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def main_text(html: str) -> str:
    """The page's <main>, whitespace collapsed (for readable assertions)."""
    match = re.search(r"<main.*?</main>", html, re.S)
    assert match, "no <main> on the page"
    return re.sub(r"\s+", " ", match.group(0))


def hidden(html: str, name: str) -> str:
    """The value of a hidden input."""
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no hidden input {name}"
    return match.group(1)


def walk_finder(
    client: TestClient,
    answers: Mapping[str, str | list[str] | Mapping[str, str]],
    lang: str = "en",
    *,
    until_unknown: bool = False,
) -> list[str]:
    """Answer every question the engine asks; returns the facts asked, in order.

    An answer is the ``answer`` field's value, or the form's fields by name for a date
    (``{"answer-year": "1990"}``: a birth known only to the year). With ``until_unknown``
    the walk stops at the first question ``answers`` has no answer for, as a person who
    presses "I do not know" there."""
    response = client.get("/finder/question", params={"lang": lang})
    asked: list[str] = []
    for _ in range(30):
        if "/finder/check" in str(response.url):
            return asked
        assert response.status_code == 200, main_text(response.text)
        fact = hidden(response.text, "fact")
        if until_unknown and fact not in answers:
            return asked
        asked.append(fact)
        raw = answers.get(fact, ["__none__"] if 'value="__none__"' in response.text else "false")
        fields = dict(raw) if isinstance(raw, Mapping) else {"answer": raw}
        response = client.post(
            "/finder/question",
            data={
                "csrf_token": csrf(response.text),
                "at": hidden(response.text, "at"),
                "fact": fact,
                **fields,
            },
        )
    raise AssertionError(f"the finder did not finish; asked {asked}")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(env="test", secret_key=SECRET, data_dir=tmp_path, password_hashing="cheapest")


@pytest.fixture
def finder_client(settings: Settings) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.settings = settings
    app.add_middleware(CsrfCookieMiddleware)
    # Every page router, but only the finder's pages are requested (no database here).
    app.include_router(pages)
    with RenderedFormsClient(app) as client:
        yield client


#: The officers a test may sign in as: username -> (role, country).
OFFICERS = {
    "cw": ("caseworker", "ARG"),
    "cw2": ("caseworker", "ARG"),
    "sup": ("supervisor", "ARG"),
    "sup2": ("supervisor", "ARG"),
    "cw-per": ("caseworker", "PER"),
}


@dataclass
class Site:
    """The whole service on a test database; officers are created when first used."""

    app: FastAPI
    users: dict[str, int] = field(default_factory=dict)
    #: application id -> username of the migrant who submitted it (``submitted`` fixture)
    owners: dict[str, str] = field(default_factory=dict)

    def client(self) -> TestClient:
        # Posts must match a form of the page the client is on (tests/web/forms.py).
        return RenderedFormsClient(self.app)

    def user(self, username: str) -> int:
        """The id of one of :data:`OFFICERS`, creating the account on first use."""
        if username not in self.users:
            role, country = OFFICERS[username]
            with self.app.state.sessionmaker() as session:
                self.users[username] = do_create_user(
                    session, None, username=username, password=PASSWORD, role=role, country=country
                ).id
            if role in SECOND_FACTOR_ROLES:
                enrol_second_factor(self.app.state.sessionmaker, username, SECRET)
        return self.users[username]

    @contextmanager
    def acting_as(self, username: str) -> Iterator[tuple[Session, User]]:
        """A session of the store and one of :data:`OFFICERS` in it, to call actions as
        them directly (created on first use)."""
        with self.app.state.sessionmaker() as session:
            officer = session.get(User, self.user(username))
            assert officer is not None
            yield session, officer

    def migrant(self, app_id: str) -> TestClient:
        """A client signed in as the migrant who submitted ``app_id``."""
        return self.signed_in(self.owners[app_id])

    def signed_in(self, username: str, lang: str = "en") -> TestClient:
        if username in OFFICERS:
            self.user(username)
        client = self.client()
        page = client.get("/login", params={"lang": lang})
        response = client.post(
            "/login",
            data={"csrf_token": csrf(page.text), "username": username, "password": PASSWORD},
        )
        if "/login/enrol" in str(response.url):
            # An officer a test made itself: the authenticator the fixtures' officers have.
            enrol_second_factor(self.app.state.sessionmaker, username, SECRET)
            page = client.get("/login", params={"lang": lang})
            response = client.post(
                "/login",
                data={"csrf_token": csrf(page.text), "username": username, "password": PASSWORD},
            )
        if "/login/code" in str(response.url):
            code = second_factor_code(self.app.state.sessionmaker, username)
            response = client.post(
                "/login/code",
                data={"csrf_token": csrf(response.text), "code": code, "next": "/"},
            )
        assert response.status_code == 200, main_text(response.text)
        return client


@pytest.fixture
def site(database: Any, tmp_path: Path) -> Iterator[Site]:
    # The test profile of the same algorithm: these tests are about pages, not hashing.
    settings = Settings(
        env="test",
        secret_key=SECRET,
        data_dir=tmp_path,
        database_url=database.url,
        password_hashing="cheapest",
    )
    app = create_app(settings)
    yield Site(app)
    app.state.engine.dispose()


Applicant = Callable[..., tuple[TestClient, str]]


@pytest.fixture
def applied(site: Site) -> Applicant:
    """A migrant who walked the finder, created an account and applied; returns the
    migrant's client and the application id."""

    def apply(
        username: str = "maria", answers: Mapping[str, Any] = ARG_ANSWERS
    ) -> tuple[TestClient, str]:
        client = site.client()
        walk_finder(client, answers)
        pathway = "arg.mercosur-temporary"
        form, _username = create_account(client, username, f"/apply/{pathway}")
        assert form.status_code == 200, main_text(form.text)
        details = details_form(form.text)
        check = client.post(f"/apply/{pathway}", data=details)
        assert check.status_code == 200, main_text(check.text)
        sent = client.post(f"/apply/{pathway}/send", data=details)
        assert sent.status_code == 200, main_text(sent.text)
        app_id = str(sent.url).rstrip("/").split("/")[-2]
        return client, app_id

    return apply


def office_taking(app: FastAPI, pathway_id: str) -> None:
    """Make sure an office of the pathway's country takes it: applying needs one (issue 15
    §2). Its code sorts after the tests' own offices (BUE-01 ...), so that the office day's
    default office stays theirs."""
    country = get_pathway(pathway_id).host_country
    with app.state.sessionmaker() as session:
        if pathway_id in pathways_taken(session, country):
            return
        code = f"ZZ-APPLY-{country}"
        office = session.get(Office, code) or Office(code=code, country=country, name=code)
        office.pathways.append(OfficePathway(pathway_id=pathway_id))
        session.add(office)
        session.commit()


def create_account(client: TestClient, name: str, next_url: str) -> tuple[Any, str]:
    """Create an applicant account through the pages and continue to ``next_url`` (an
    ``/apply/<pathway>`` page gets an office that takes the pathway first).

    Returns:
        The page ``next_url`` showed, and the username the account got (``name-NNNNNN``).
    """
    if next_url.startswith("/apply/"):
        office_taking(client.app, next_url.split("/")[2].split("?")[0])
    page = client.get(f"/account/new?next={next_url}")
    created = client.post(
        "/account/new",
        data={
            "csrf_token": csrf(page.text),
            "username": name,
            "password": PASSWORD,
            "next": next_url,
        },
    )
    assert created.status_code == 200 and "/account/created" in str(created.url), main_text(
        created.text
    )
    username = re.search(r'<strong id="username">([^<]+)</strong>', created.text)
    assert username is not None and username.group(1).startswith(f"{name}-")
    return client.get(next_url), username.group(1)


def details_form(html: str, **changes: str) -> dict[str, str]:
    """A complete, valid "your details" form for the page ``html`` (its CSRF and key)."""
    data = {
        "csrf_token": csrf(html),
        "idempotency_key": hidden(html, "idempotency_key"),
        "given_names": "María José",
        "surname_1": "Pérez",
        "surname_2": "",
        "date_of_birth-day": "1",
        "date_of_birth-month": "5",
        "date_of_birth-year": "1990",
        "sex": "F",
        "nationality": "BOL",
        "document_type": "passport",
        "document_number": "A1234567",
        "email": "",
        "phone": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def submitted(site: Site) -> Callable[..., str]:
    """An application submitted straight through the action (no pages): its id.

    The casework tests start from a submitted case; walking the finder for each of them
    would test the finder again and double their time.
    """
    counter = iter(range(1_000))

    def submit(nationality: str = "BOL") -> str:
        from ruta.cases.actions import do_submit_application
        from ruta.cases.schemas import ApplicationCreate

        number = next(counter)
        with site.app.state.sessionmaker() as session:
            migrant = do_create_user(
                session,
                None,
                username=f"migrant{number}",
                password=PASSWORD,
                role="applicant",
                country=None,
            )
            data = ApplicationCreate.model_validate(
                {
                    "pathway": "arg.mercosur-temporary",
                    "profile": {
                        "host_country": "ARG",
                        "criminal_records": [],
                        "permits": [],
                        "nationalities": [{"country": nationality, "acquired": "birth"}],
                    },
                    "applicant": {
                        "given_names": "María José",
                        "surname_1": "Pérez",
                        "date_of_birth": "1990-05-01",
                        "sex": "F",
                        "nationality": nationality,
                        "document": {"type": "passport", "number": "A1234567"},
                    },
                }
            )
            registries = site.app.state.registries  # the app's, as the pages submit
            app, _created = do_submit_application(session, migrant, data, registries=registries)
            site.owners[app.id] = migrant.username
            return app.id

    return submit
