"""The pages' one form-post helper (``FormPost``): token, checks, action, rollback, answer.

A tiny app with one form whose action the test chooses: it succeeds, refuses at a field,
or does not find the case. The pages' own tests cover each form; these pin the helper's
rules once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape
from tests.web.forms import RenderedFormsClient
from tests.web.ui.conftest import csrf

from ruta.cases.errors import ConflictError, NotFoundError
from ruta.settings import Settings
from ruta.web.security import CsrfCookieMiddleware, csrf_token
from ruta.web.ui._post import FormPost, see_other


class FakeSession:
    """Counts rollbacks (the helper must roll back a refused action, and only then)."""

    def __init__(self) -> None:
        self.rollbacks = 0

    def rollback(self) -> None:
        self.rollbacks += 1


def _app(settings: Settings, session: FakeSession, ran: list[str]) -> FastAPI:
    app = FastAPI()
    app.state.settings = settings
    app.add_middleware(CsrfCookieMiddleware)

    def form(errors: list[tuple[str, str]], token: str = "") -> HTMLResponse:
        listed = "".join(f"<li>{escape(f)}: {escape(m)}</li>" for f, m in errors)
        return HTMLResponse(
            f'<ul>{listed}</ul><form method="post" action="/post">'
            f'<input type="hidden" name="csrf_token" value="{token}">'
            '<select name="what"><option value="ok"></option><option value="refuse"></option>'
            '<option value="missing"></option><option value=""></option></select></form>'
        )

    @app.get("/form")
    def show(request: Request) -> Response:
        return form([], csrf_token(request))

    @app.post("/post")
    async def post_form(request: Request) -> Response:
        # A stand-in for the SQLAlchemy session: the helper only rolls it back.
        post = await FormPost.read(request, session, None, field="what")  # type: ignore[arg-type]
        what = post.text("what")
        post.check(what, "what", post.gettext("Enter a reason"))

        def act() -> str:
            ran.append(what)
            if what == "refuse":
                raise ConflictError("not now", field="reason")
            if what == "missing":
                raise NotFoundError("no such case")
            return what

        return post.run(
            act, done=lambda _result: see_other("/done"), page=lambda errors: form(errors)
        )

    return app


@pytest.fixture
def ran() -> list[str]:
    return []


@pytest.fixture
def session() -> FakeSession:
    return FakeSession()


@pytest.fixture
def client(settings: Settings, session: FakeSession, ran: list[str]) -> Iterator[Any]:
    with RenderedFormsClient(_app(settings, session, ran)) as client:
        client.headers["Accept-Language"] = "en"
        yield client


def _token(client: Any) -> str:
    return csrf(client.get("/form").text)


def test_success_goes_on_with_303(client: Any, session: FakeSession, ran: list[str]) -> None:
    answer = client.post(
        "/post", data={"csrf_token": _token(client), "what": "ok"}, follow_redirects=False
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/done")
    assert ran == ["ok"] and session.rollbacks == 0


def test_a_refusal_rolls_back_and_shows_the_form_again(
    client: Any, session: FakeSession, ran: list[str]
) -> None:
    answer = client.post("/post", data={"csrf_token": _token(client), "what": "refuse"})
    # The page said 200; the helper makes a form with errors 422.
    assert answer.status_code == 422 and "what: not now" in answer.text
    assert ran == ["refuse"] and session.rollbacks == 1


def test_a_case_out_of_reach_is_the_not_found_page(client: Any, session: FakeSession) -> None:
    answer = client.post("/post", data={"csrf_token": _token(client), "what": "missing"})
    assert answer.status_code == 404 and "<html" in answer.text
    assert session.rollbacks == 1


def test_a_failed_check_runs_no_action(client: Any, ran: list[str]) -> None:
    answer = client.post("/post", data={"csrf_token": _token(client), "what": ""})
    assert answer.status_code == 422 and "what: Enter a reason" in answer.text
    assert ran == []


def test_an_expired_form_says_so_once_and_runs_nothing(client: Any, ran: list[str]) -> None:
    _token(client)
    answer = client.post("/post", data={"csrf_token": "stale", "what": ""}, forged=True)
    assert answer.status_code == 422
    assert "what: The form expired. Try again" in answer.text
    assert "Enter a reason" not in answer.text  # one sentence: send the form again
    assert ran == []


def test_the_messages_are_in_the_page_language(client: Any) -> None:
    client.headers["Accept-Language"] = "fr"
    answer = client.post("/post", data={"csrf_token": _token(client), "what": ""})
    assert answer.status_code == 422 and "Enter a reason" not in answer.text
