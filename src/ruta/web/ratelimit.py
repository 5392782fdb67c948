"""Request rate limits for the web service, on the ``limits`` library.

For every route that needs one (account creation today; the public eligibility API next):

- :func:`client_identity` is the one place that says who a client is. Every limit and the
  login throttle key on it. Behind a trusted proxy (``RUTA_TRUSTED_PROXIES``) the request's
  client is already the address the proxy saw (:mod:`ruta.web.proxy`); from any other peer
  forwarded headers are ignored.
- :class:`Limiter` counts hits in a moving window, in the storage named by
  ``RUTA_RATE_LIMIT_STORAGE``: ``memory://`` (one process: the default, and right for one
  worker) or ``redis://host:port`` (shared by every worker and every server).
- :func:`check_rate` counts one hit of a client against a limit and raises
  :class:`~ruta.cases.errors.RateLimitedError` (429 with ``Retry-After``) past it;
  :func:`rate_limit` wraps it as a dependency::

      @router.get("/api/v1/eligibility", dependencies=[rate_limit("eligibility", "60/minute")])

  A limit is a ``limits`` string such as ``"10/minute;100/hour"`` (every part must hold),
  or a function of the settings that returns one (``lambda s: s.account_rate_limit``).

Examples:
    >>> limiter = Limiter("memory://")
    >>> [limiter.hit("demo", "2/minute", "203.0.113.9") for _ in range(3)]
    [0, 0, 60]
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ruta.cases.errors import RateLimitedError
from ruta.errors import RutaError
from ruta.i18n import N_
from ruta.settings import Settings

__all__ = [
    "Limiter",
    "PageRateLimited",
    "check_rate",
    "client_identity",
    "page_rate_limit",
    "parse_limit",
    "rate_limit",
]

LimitSpec = str | Callable[[Settings], str]


def client_identity(request: Request) -> str:
    """Who the client is, for rate limits, the login throttle and the audit: the direct
    peer's address, or, when that peer is a trusted proxy, the rightmost untrusted address
    of its ``X-Forwarded-For`` (set on the request by :mod:`ruta.web.proxy`). A client
    outside the trusted proxies cannot choose its own identity."""
    return request.client.host if request.client else "unknown"


def parse_limit(text: str, *, field: str = "limit") -> list[RateLimitItem]:
    """The parts of a limit such as ``"10/minute;100/hour"``.

    Raises:
        RutaError: naming ``field`` and the expected form.

    Examples:
        >>> [str(item) for item in parse_limit("10/minute;100/hour")]
        ['10 per 1 minute', '100 per 1 hour']
        >>> parse_limit("often", field="account_rate_limit")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ruta.errors.RutaError: account_rate_limit: 'often' is not a rate limit; ...
    """
    try:
        items = parse_many(text)
    except ValueError:
        items = []
    if not items:
        raise RutaError(
            f"{text!r} is not a rate limit; write e.g. '10/minute;100/hour' "
            "(a count per second, minute, hour or day; parts separated by ';')",
            field=field,
        )
    return items


class Limiter:
    """Moving-window counters in one storage, shared by every limit of the app.

    Args:
        storage_uri: ``memory://`` or ``redis://host:port[/db]``.

    Raises:
        RutaError: an unknown storage scheme (``field="rate_limit_storage"``).
    """

    def __init__(self, storage_uri: str) -> None:
        try:
            storage = storage_from_string(storage_uri)
        except ConfigurationError as exc:
            raise RutaError(
                f"{storage_uri!r} is not a rate-limit storage ({exc}); "
                "use memory:// or redis://host:port",
                field="rate_limit_storage",
            ) from None
        self.storage_uri = storage_uri
        self._strategy = MovingWindowRateLimiter(storage)
        self._parsed: dict[str, list[RateLimitItem]] = {}

    def hit(self, scope: str, limit: str, key: str) -> int:
        """Count one hit of ``key`` in ``scope``.

        Returns:
            0 when allowed, else the seconds until the client may try again (at least 1).
        """
        items = self._parsed.get(limit)
        if items is None:
            items = self._parsed[limit] = parse_limit(limit)
        wait = 0
        for item in items:
            # Every part counts the hit only when all parts allow it (test before hit), so
            # a refused request does not use up the longer window.
            if not self._strategy.test(item, scope, key):
                reset = self._strategy.get_window_stats(item, scope, key).reset_time
                wait = max(wait, math.ceil(reset - time.time()), 1)
        if wait:
            return wait
        for item in items:
            self._strategy.hit(item, scope, key)
        return 0


def _limiter(request: Request) -> Limiter:
    limiter: Limiter | None = getattr(request.app.state, "limiter", None)
    if limiter is None:
        # An app assembled without create_app (a router mounted alone) still limits.
        limiter = request.app.state.limiter = Limiter(request.app.state.settings.rate_limit_storage)
    return limiter


def check_rate(request: Request, scope: str, limit: LimitSpec) -> None:
    """Count this request of its client against ``limit`` in ``scope``.

    Raises:
        RateLimitedError: past the limit, with ``retry_after`` in seconds.
    """
    text = limit(request.app.state.settings) if callable(limit) else limit
    wait = _limiter(request).hit(scope, text, client_identity(request))
    if wait:
        raise RateLimitedError(
            N_("too many requests from your address; try again in %(wait)s seconds"),
            field="rate_limit",
            retry_after=wait,
            wait=str(wait),
        )


class PageRateLimited(RateLimitedError):
    """A page's limit: answered with a page that says when to come back (not JSON)."""


def page_rate_limit(scope: str, limit: LimitSpec) -> Any:
    """Like :func:`rate_limit`, for pages: past the limit the visitor gets a 429 page in
    their language with ``Retry-After`` (:mod:`ruta.web.problems`)."""

    def dependency(request: Request) -> None:
        try:
            check_rate(request, scope, limit)
        except RateLimitedError as exc:
            raise PageRateLimited(
                exc.message, field=exc.field, retry_after=exc.retry_after
            ) from None

    return Depends(dependency)


def rate_limit(scope: str, limit: LimitSpec) -> Any:
    """A dependency that applies :func:`check_rate` (use in ``dependencies=[...]``)."""

    def dependency(request: Request) -> None:
        check_rate(request, scope, limit)

    return Depends(dependency)
