"""Every integer in a path or query is bounded (issue 16, finding 5).

``/documents/9999…``, ``/review/9999…`` and ``?page=9999…`` reached the database and
failed with a 500. The rule: each integer parameter of every route (API and pages) has a
lower and an upper bound, so FastAPI answers 422 problem+json naming it.
"""

from __future__ import annotations

import re
import types
import typing

import annotated_types
import pytest
from fastapi.routing import APIRoute

from ruta.web.params import MAX_ID
from ruta.web.problems import PROBLEM_JSON

HUGE = "9" * 30


def _params(dependant):
    yield from dependant.path_params
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _params(sub)


def _api_routes(routes):
    """Every APIRoute, also inside included routers (FastAPI keeps those lazily)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _api_routes(inner.routes)


def _is_int(annotation) -> bool:
    if annotation is int:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return int in typing.get_args(annotation)
    return False


def test_every_integer_parameter_of_every_route_is_bounded(app) -> None:
    unbounded, checked = [], 0
    for route in _api_routes(app.routes):
        for param in _params(route.dependant):
            if not _is_int(param.field_info.annotation):
                continue
            checked += 1
            meta = param.field_info.metadata
            low = any(isinstance(m, annotated_types.Ge | annotated_types.Gt) for m in meta)
            high = [m for m in meta if isinstance(m, annotated_types.Le | annotated_types.Lt)]
            if not (low and high and all(getattr(m, "le", getattr(m, "lt", 0)) <= 2**63 - 1
                                         for m in high)):  # fmt: skip
                unbounded.append(f"{route.path} {param.name}")
    assert unbounded == []
    assert checked >= 8  # documents, review pairs, appointments, pages of lists, the finder


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/documents/{HUGE}", "document_id"),
        (f"/review/{HUGE}", "pair_id"),
        (f"/casework/queue?page={HUGE}", "page"),
        (f"/review?page={HUGE}", "page"),
        (f"/casework/appointments/{MAX_ID + 1}/attendance", "appointment_id"),
    ],
)
def test_pages_answer_422_naming_the_field(client, make_user, path: str, field: str) -> None:
    make_user("ana", "caseworker", "COL")
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    client.post(
        "/login",
        data={"csrf_token": token.group(1), "username": "ana", "password": "correct-horse-battery"},
    )
    method = client.post if path.endswith("/attendance") else client.get
    answer = method(path)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON and answer.json()["field"] == field


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/v1/applications?page={HUGE}", "page"),
        (f"/api/v1/audit?page={HUGE}", "page"),
        (f"/api/v1/applications/x/appointments/{HUGE}/cancel", "appointment_id"),
    ],
)
def test_api_answers_422_naming_the_field(client, api_headers, path: str, field: str) -> None:
    headers = api_headers("sup", "supervisor", "COL")
    method = client.post if path.endswith("/cancel") else client.get
    answer = method(path, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
