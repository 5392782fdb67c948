"""Prometheus metrics at ``/metrics``, for the operator only.

What is measured:

- ``ruta_http_requests_total{method,route,status}`` and the latency histogram
  ``ruta_http_request_duration_seconds{method,route}``, by route *template*
  (``/api/v1/applications/{application_id}``, never the id: bounded label values), counted
  by :class:`MetricsMiddleware` around the whole app (errors included).
- From the database at scrape time, so every worker reports the same truth and a restart
  loses nothing: ``ruta_submissions_total``, ``ruta_decisions_total{outcome}`` (final
  decisions), ``ruta_applications{status}`` (queue sizes), and the notification outbox
  by state (:func:`ruta.cases.actions.notification_counts`), ``ruta_notifications{state}``
  with ``ruta_notifications_sent_total`` and ``ruta_notifications_failed_total`` (dead
  letters).
- Per registry: ``ruta_registry_ready{country}`` and ``ruta_registry_index_age_seconds``
  (age of the registry file whose index intake searches).
- ``ruta_database_up``: 0 when the scrape could not read the database.

Access: not public. A request gets the metrics when it carries ``Authorization: Bearer
<RUTA_METRICS_TOKEN>`` or comes from an address in ``RUTA_METRICS_NETWORKS`` (the client
address after ``RUTA_TRUSTED_PROXIES``); otherwise 404, as if there were nothing here.

Several workers: ``ruta serve --workers N`` (N > 1) runs prometheus_client's multiprocess
mode: each worker writes its counters to files in a directory (``RUTA_METRICS_DIR``,
emptied at start) and a scrape of any worker sums them all. With one worker the counters
live in the process.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ruta.cases import RegistryIndexes
from ruta.cases.actions import notification_counts
from ruta.cases.errors import NotFoundError
from ruta.i18n import N_
from ruta.settings import Settings
from ruta.web.ratelimit import client_identity

__all__ = [
    "MULTIPROCESS_ENV",
    "CaseStoreCollector",
    "MetricsMiddleware",
    "metrics_router",
    "route_label",
]

#: prometheus_client's own switch to multiprocess mode (read when it is imported).
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "ruta_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "ruta_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def route_label(scope: Scope) -> str:
    """The route template a request matched, ``/static/{path}``, or ``unmatched``."""
    # FastAPI keeps a router's own routes unprefixed in "route" (/applications/{id}) and
    # the full template of the match in scope["fastapi"]["effective_route_context"]; older
    # FastAPI only has "route", with the full template.
    fastapi_scope = scope.get("fastapi")
    effective = (
        fastapi_scope.get("effective_route_context") if isinstance(fastapi_scope, dict) else None
    )
    for candidate in (effective, scope.get("route")):
        path = getattr(candidate, "path", None)
        if isinstance(path, str):
            return path
    if isinstance(scope.get("endpoint"), StaticFiles):
        return "/static/{path}"
    return "unmatched"


class MetricsMiddleware:
    """Count every HTTP request and its latency by route template (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escapes every handler ends as a 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = route_label(scope)
            method = scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)


class CaseStoreCollector(Collector):
    """Metrics read from the case store and the registries at each scrape."""

    def __init__(self, engine: Engine, registries: RegistryIndexes) -> None:
        self.engine = engine
        self.registries = registries

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("ruta_database_up", "1 when the scrape could read the database.")
        try:
            families = list(self._from_database())
        except Exception:  # a scrape must answer; the database's state is itself a metric
            families = []
        up.add_metric([], 1.0 if families else 0.0)
        yield up
        yield from families
        yield from self._registries()

    def _from_database(self) -> Iterator[Metric]:
        with self.engine.connect() as conn:
            submitted = conn.execute(
                text("SELECT count(*) FROM applications WHERE submitted_at IS NOT NULL")
            ).scalar_one()
            by_status = conn.execute(
                text("SELECT status, count(*) FROM applications GROUP BY status")
            ).all()
            decided = conn.execute(
                text(
                    "SELECT outcome, count(*) FROM decisions "
                    "WHERE decided_at IS NOT NULL GROUP BY outcome"
                )
            ).all()
            # The notifier's own count (every state, zeros included, so that an alert on a
            # state has a series to watch).
            states = notification_counts(Session(bind=conn))
        yield CounterMetricFamily(
            "ruta_submissions", "Applications submitted.", value=float(submitted)
        )
        decisions = CounterMetricFamily(
            "ruta_decisions", "Final decisions taken, by outcome.", labels=["outcome"]
        )
        for outcome, count in decided:
            decisions.add_metric([str(outcome)], float(count))
        yield decisions
        queues = GaugeMetricFamily(
            "ruta_applications", "Applications by status (queue sizes).", labels=["status"]
        )
        for status, count in by_status:
            queues.add_metric([str(status)], float(count))
        yield queues
        by_state = GaugeMetricFamily(
            "ruta_notifications", "Notification outbox messages by state.", labels=["state"]
        )
        for state, count in sorted(states.items()):
            by_state.add_metric([state], float(count))
        yield by_state
        yield CounterMetricFamily(
            "ruta_notifications_sent", "Notifications delivered.",
            value=float(states.get("sent", 0)),
        )  # fmt: skip
        yield CounterMetricFamily(
            "ruta_notifications_failed", "Notifications given up (dead letters).",
            value=float(states.get("dead", 0)),
        )  # fmt: skip

    def _registries(self) -> Iterator[Metric]:
        ready = GaugeMetricFamily(
            "ruta_registry_ready",
            "1 when the registry's index is loaded (0 while loading or failed).",
            labels=["country"],
        )
        age = GaugeMetricFamily(
            "ruta_registry_index_age_seconds",
            "Age of the registry file whose index the duplicate check searches.",
            labels=["country"],
        )
        now = time.time()
        for country in self.registries.countries():
            status = self.registries.status(country)
            ready.add_metric([country], 1.0 if status == "ready" else 0.0)
            seconds = self.registries.index_age(country, now)
            if seconds is not None:
                age.add_metric([country], seconds)
        yield ready
        yield age


def _process_metrics() -> bytes:
    if os.environ.get(MULTIPROCESS_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def _allowed(request: Request, settings: Settings) -> bool:
    token = settings.metrics_token
    header = request.headers.get("authorization", "")
    if token is not None and header.lower().startswith("bearer "):
        # Why compare_digest: the token must not leak through response timing.
        return hmac.compare_digest(header[7:].strip(), token.get_secret_value())
    try:
        client = ipaddress.ip_address(client_identity(request))
    except ValueError:
        return False
    return any(
        client in ipaddress.ip_network(net, strict=False)
        for net in settings.metrics_allowed_networks
    )


metrics_router = APIRouter(include_in_schema=False)


@metrics_router.get("/metrics")
def metrics(request: Request) -> Response:
    """The Prometheus text exposition, to a scraper with the token or from an allowed network."""
    settings: Settings = request.app.state.settings
    if not _allowed(request, settings):
        raise NotFoundError(N_("no such page"), field="path")
    store: CollectorRegistry = request.app.state.metrics_registry
    return Response(_process_metrics() + generate_latest(store), media_type=CONTENT_TYPE_LATEST)
