"""/metrics (ruta.web.metrics): not public, requests by route template and status, the
case store's counts, read back with the Prometheus text parser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from tests.web.api.test_applications_api import eligible_body, submit

from ruta.settings import Settings
from ruta.web import create_app

TOKEN = "metrics-token-" + "m" * 20


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(
        settings.model_copy(
            update={"metrics_token": SecretStr(TOKEN), "metrics_networks": "192.0.2.0/24"}
        )
    )
    yield application
    application.state.engine.dispose()


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return _samples(r.text)


def test_not_public_by_default(settings: Settings) -> None:
    app = create_app(settings)  # no token, no network: nobody
    try:
        client = TestClient(app)
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", headers={"Authorization": "Bearer x"}).status_code == 404
    finally:
        app.state.engine.dispose()


def test_token_or_allowed_network(app: FastAPI) -> None:
    outsider = TestClient(app, client=("203.0.113.5", 1000))
    assert outsider.get("/metrics").status_code == 404
    wrong = outsider.get("/metrics", headers={"Authorization": "Bearer " + "x" * 34})
    assert wrong.status_code == 404
    assert outsider.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    scraper = TestClient(app, client=("192.0.2.10", 1000))
    assert scraper.get("/metrics").status_code == 200


def test_requests_by_route_template_and_status(app: FastAPI, client, api_headers) -> None:
    officer = api_headers("ana", "caseworker", "COL")
    before = _scrape(client)
    app_id = submit(client, officer).json()["id"]
    assert client.get(f"/api/v1/applications/{app_id}", headers=officer).status_code == 200
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/api/v1/applications/{missing}", headers=officer).status_code == 404
    client.get("/no/such/page")
    after = _scrape(client)

    def delta(route: str, status: str, method: str = "GET") -> float:
        key = (
            "ruta_http_requests_total",
            (("method", method), ("route", route), ("status", status)),
        )
        return after.get(key, 0.0) - before.get(key, 0.0)

    one = "/api/v1/applications/{application_id}"
    assert delta(one, "200") == 1 and delta(one, "404") == 1
    assert delta("/api/v1/applications", "201", "POST") == 1
    assert delta("unmatched", "404") == 1
    # Never the id itself as a label value (unbounded series).
    assert not any(app_id in str(labels) for _, labels in after)
    count = ("ruta_http_request_duration_seconds_count", (("method", "GET"), ("route", one)))
    assert after[count] - before.get(count, 0.0) == 2
    # The case store's counts.
    assert after[("ruta_submissions_total", ())] == 1
    assert after[("ruta_applications", (("status", "submitted"),))] == 1
    assert after[("ruta_database_up", ())] == 1


def test_decisions_are_counted(app: FastAPI, client, api_headers) -> None:
    officer = api_headers("ana", "caseworker", "COL")
    boss = api_headers("sup", "supervisor", "COL")
    # An eligible case: approving it agrees with the engine (no override reason).
    app_id = submit(client, officer, payload=eligible_body()).json()["id"]
    url = f"/api/v1/applications/{app_id}"
    client.post(f"{url}/transitions", json={"to": "in_review", "reason": "p"}, headers=officer)
    decide = {"outcome": "approved", "reasons": ["met"]}
    client.post(f"{url}/decision", json=decide, headers=officer)
    assert client.post(f"{url}/decision", json=decide, headers=boss).status_code == 200
    samples = _scrape(client)
    assert samples[("ruta_decisions_total", (("outcome", "approved"),))] == 1
    assert samples[("ruta_applications", (("status", "approved"),))] == 1


def test_notifications_sent_and_failed_from_the_outbox(
    app: FastAPI, client, api_headers, database
) -> None:
    from ruta.store.models.notifications import OutboxMessage

    officer = api_headers("ana", "caseworker", "COL")
    app_id = submit(client, officer).json()["id"]
    with database.sessionmaker() as s:
        s.query(OutboxMessage).delete()  # whatever the submission itself queued
        for i, state in enumerate(["sent", "sent", "dead", "pending"]):
            s.add(
                OutboxMessage(
                    dedupe_key=f"test:{i}", kind="decision", application_id=app_id,
                    country="COL", channel="email", language="es", state=state,
                )
            )  # fmt: skip
        s.commit()
    samples = _scrape(client)
    assert samples[("ruta_notifications_sent_total", ())] == 2
    assert samples[("ruta_notifications_failed_total", ())] == 1
    assert samples[("ruta_notifications", (("state", "pending"),))] == 1
    # Every state has a series, zero included, for alerts to watch.
    assert samples[("ruta_notifications", (("state", "unknown"),))] == 0
