"""Fuzz every /api/v1 operation from its OpenAPI document: never a 5xx (both backends).

Kept small (a few examples per operation); load and crash behaviour are measured in
bench/casework.py. The operations are driven directly (not through schemathesis' pytest
plugin) so that they run against the parametrised ``database`` fixture.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from tests.web.api.test_applications_api import submit


def test_api_never_answers_5xx(app, api_headers, client):
    headers = api_headers("fuzz-cw", "caseworker", "COL")
    submit(client, headers, key="seed")  # some generated ids and lists then hit real rows
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    labels = []
    for result in schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)

        @settings(
            max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        run()
    assert "POST /api/v1/applications" in labels and len(labels) >= 8
