"""``create_app()``: the casework web service (JSON API and server-rendered pages).

The app owns one engine and session factory (``app.state.engine`` /
``app.state.sessionmaker``) and its settings (``app.state.settings``). It includes the
API, the login pages, the UI router (``ruta.web.ui:router``) and the permits router
(``ruta.web.permits:router``) when those modules are present, and serves
``ruta/web/static`` at ``/static``. Rate limits share ``app.state.limiter``
(:mod:`ruta.web.ratelimit`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from prometheus_client import CollectorRegistry
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Scope

from ruta import __version__
from ruta.cases import RegistryIndexes
from ruta.cases.actions.authentication import use_password_profile
from ruta.pathways import use_packs
from ruta.settings import Settings, get_settings
from ruta.store import make_engine, make_sessionmaker
from ruta.web.api import router as api_router
from ruta.web.api.eligibility import OpenCors
from ruta.web.bodylimit import BodyLimitMiddleware
from ruta.web.docs import docs_router
from ruta.web.headers import SecurityHeadersMiddleware
from ruta.web.health import health_router
from ruta.web.metrics import CaseStoreCollector, MetricsMiddleware, metrics_router
from ruta.web.permits import router as verifier_router
from ruta.web.problems import install_problem_handlers, request_body_limit
from ruta.web.proxy import LinkPrefixMiddleware, RootPathMiddleware, trusted_proxy_middleware
from ruta.web.ratelimit import Limiter
from ruta.web.security import CsrfCookieMiddleware, SecureCookiesMiddleware, login_router
from ruta.web.ui import load_partners
from ruta.web.ui import router as pages_router

__all__ = ["create_app"]

_STATIC = Path(__file__).parent / "static"


class _RutaApp(FastAPI):
    """FastAPI with the edge layers outside Starlette's own error middleware.

    Why not ``add_middleware``: those run inside ``ServerErrorMiddleware``, so the 500
    page of an unexpected error would go out without the security headers, and its log
    line would name the proxy instead of the client.
    """

    trusted_proxies: tuple[str, ...] = ()
    hsts: bool = False
    service_root: str = ""

    def build_middleware_stack(self) -> ASGIApp:
        measured = MetricsMiddleware(super().build_middleware_stack())
        inner = RootPathMiddleware(measured, self.service_root)
        with_headers = SecurityHeadersMiddleware(inner, hsts=self.hsts)
        return trusted_proxy_middleware(with_headers, self.trusted_proxies)


class CachedStaticFiles(StaticFiles):
    """Static files with a cache policy: a day in any cache, then revalidated by ETag.

    The files are not fingerprinted, so a longer or ``immutable`` lifetime would keep an
    old stylesheet after an upgrade; a day spares every page view the round trip.
    """

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def create_app(settings: Settings | None = None, *, pool_size: int = 10) -> FastAPI:
    """Build the application.

    Args:
        settings: Settings to use (tests pass their own); the environment's by default.
        pool_size: Database connections per process (PostgreSQL).

    Returns:
        The FastAPI app; the database must already be migrated (``ruta db upgrade``).
    """
    settings = settings or get_settings()
    use_password_profile(settings.password_hashing)
    # Started first: each state's registry is indexed in the background meanwhile.
    registries = RegistryIndexes(settings.registries).start()
    # Load and compile the rule packs now, not in the first request (seconds on a busy
    # machine, which every worker would otherwise make its first caller wait for). A broken
    # local pack (RUTA_PACKS) raises PackError here: the service never starts half-loaded.
    use_packs(settings.pack_folders)
    url = settings.resolved_database_url
    kwargs = {} if url.startswith("sqlite") else {"pool_size": pool_size, "max_overflow": pool_size}
    engine = make_engine(url, **kwargs)
    app = _RutaApp(
        title="Ruta casework API",
        version=__version__,
        summary="Regularization casework: intake to a reasoned decision, with an audit chain.",
        description=(
            "Errors are RFC 9457 `application/problem+json` naming the `field`. A refusal's "
            "`detail` (and its `errors[].message`) is in the language that `Accept-Language` "
            "names when Ruta speaks it, else English; `type` and `title` are always English."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served by ruta.web.docs, with a policy that admits its one script
        redoc_url=None,
    )
    app.service_root = settings.root_path
    app.trusted_proxies = settings.trusted_proxy_networks
    app.hsts = settings.cookie_secure
    app.state.settings = settings
    app.state.registries = registries
    if settings.partners is not None:
        # A broken partners file stops the start, as a broken pack does: never half-loaded.
        load_partners(settings.partners)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.limiter = Limiter(settings.rate_limit_storage)
    install_problem_handlers(app)
    app.add_middleware(CsrfCookieMiddleware, secure=settings.cookie_secure)
    # Why a middleware: a route's own size check comes only after the whole body was
    # received; this refuses by Content-Length before reading and stops a chunked body.
    app.add_middleware(BodyLimitMiddleware, limit=request_body_limit(settings.max_upload_bytes))
    # Pages and API answers compressed (a finder page on a phone over a slow network);
    # below a kilobyte the header costs more than it saves.
    # Inside the compression, which would otherwise hide the page's links from it.
    app.add_middleware(LinkPrefixMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    if settings.cookie_secure:
        # Added last, so it runs outermost and sees every cookie, the CSRF nonce's too.
        app.add_middleware(SecureCookiesMiddleware)
    if settings.cors_origin_list:
        # Outermost, so that a browser's preflight is answered before any other layer.
        app.add_middleware(OpenCors, origins=settings.cors_origin_list)
    app.include_router(api_router)
    app.include_router(login_router)
    app.include_router(docs_router)
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.state.metrics_registry = CollectorRegistry(auto_describe=False)
    app.state.metrics_registry.register(CaseStoreCollector(engine, registries))
    # Plain imports (issue 14): the pages and the verifier are part of the web package,
    # and the web extra installs what they need.
    app.include_router(pages_router)
    app.include_router(verifier_router)
    if _STATIC.is_dir():
        app.mount("/static", CachedStaticFiles(directory=_STATIC), name="static")
    return app
