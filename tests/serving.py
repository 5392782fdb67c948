"""The real service in a uvicorn process of its own, for tests that need a socket.

Browser tests, the flood test and the verifier's Chromium test each started uvicorn on a
free loopback port and polled it until it answered; they share this one helper.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = ["free_port", "serve"]


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(
    env: Mapping[str, str],
    cwd: Path,
    ready_path: str = "/verify",
    app: str = "ruta.web:create_app",
    quiet: bool = False,
) -> Iterator[str]:
    """Run ``app`` (a factory) with ``env`` until the block ends; yields its base URL.

    Args:
        env: The whole environment of the server process.
        cwd: Its working directory.
        ready_path: A page that answers 200 once the service is up.
        app: The application factory, as uvicorn names it.
        quiet: Discard the server's output.

    Raises:
        RuntimeError: the server exited or did not answer within a minute.
    """
    port = free_port()
    sink = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", app, "--factory"),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        ],
        env=dict(env),
        cwd=cwd,
        stdout=sink,
        stderr=sink,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Loading and compiling the rule packs takes about a minute when the machine is
        # shared (load 15-18 on 2 cores measured while six engineers ran tests): wait longer
        # than that, so that a slow start is not reported as a failure to start.
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}{ready_path}", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
