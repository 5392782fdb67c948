"""Running the web service under uvicorn, with the two fixes a multi-worker server needs.

``uvicorn.run(..., workers=N)`` for N > 1 has two problems that cost Ruta most of its
throughput in the load benchmark (docs/performance.md, "Casework service"):

- It binds the listening socket with ``proto=0``; accepted connections inherit it and asyncio
  then skips ``TCP_NODELAY`` (uvicorn issue #3149). Nagle's algorithm holds each response body
  until the client's delayed ACK of the headers: about 40 ms on every keep-alive request.
  Re-opening the same descriptor lets the kernel report the protocol (TCP), so asyncio sets
  ``TCP_NODELAY`` as it does for a single worker.
- Its supervisor kills a worker that does not answer a health check within 5 s; a worker
  starting on a busy machine can take longer, and the kill-restart loop leaves one worker
  carrying the load. Ruta waits 30 s.

uvicorn's own proxy-header handling is switched off: by default it believes
``X-Forwarded-For`` from 127.0.0.1, and Ruta decides whom to believe in one place,
``RUTA_TRUSTED_PROXIES`` (:mod:`ruta.web.proxy`).
"""

from __future__ import annotations

import socket
from typing import Any

__all__ = ["HEALTHCHECK_SECONDS", "listening_socket", "run"]

#: How long the supervisor waits for a worker's answer before replacing it.
HEALTHCHECK_SECONDS = 30


def listening_socket(config: Any) -> socket.socket:
    """Bind ``config``'s address as a socket that knows it is TCP, shareable with workers.

    Args:
        config: A ``uvicorn.Config``.

    Returns:
        The bound, inheritable socket (``proto`` is ``IPPROTO_TCP``, not 0).
    """
    listener = socket.socket(fileno=config.bind_socket().detach())
    listener.set_inheritable(True)
    return listener


def run(
    target: str = "ruta.web.app:create_app",
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    factory: bool = True,
    log_level: str = "info",
    access_log: bool = True,
) -> None:
    """Serve ``target`` (an app factory by default) until interrupted.

    Args:
        target: ``module:attribute`` of the ASGI app or of its factory.
        host: Address to bind.
        port: Port to bind.
        workers: Worker processes; more than one shares one listening socket.
        factory: Whether ``target`` is a factory to call.
        log_level: uvicorn's log level.
        access_log: Whether to log each request.
    """
    import uvicorn

    if workers <= 1:
        uvicorn.run(
            target, factory=factory, host=host, port=port, log_level=log_level,
            access_log=access_log, proxy_headers=False,
        )  # fmt: skip
        return
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        target, factory=factory, host=host, port=port, workers=workers, log_level=log_level,
        access_log=access_log, timeout_worker_healthcheck=HEALTHCHECK_SECONDS,
        proxy_headers=False,
    )  # fmt: skip
    Multiprocess(config, sockets=[listening_socket(config)]).run()
