"""Serving under uvicorn (ruta.web.server): the listener and a two-worker server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from ruta.web.server import listening_socket


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_shared_listener_says_it_is_tcp() -> None:
    # uvicorn's own socket reports proto 0, and asyncio then leaves Nagle on (~40 ms/request).
    config = uvicorn.Config("ruta.web.app:create_app", host="127.0.0.1", port=_free_port())
    raw = config.bind_socket()
    try:
        assert raw.proto == 0  # the upstream behaviour this module exists for
    finally:
        raw.close()
    listener = listening_socket(config)
    try:
        assert listener.proto == socket.IPPROTO_TCP
        assert listener.get_inheritable()
    finally:
        listener.close()


def _get(port: int, path: str, token: str | None = None) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        request = f"GET {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n"
        conn.sendall(request.encode())
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@contextmanager
def _serving(tmp_path: Path, *options: str, **settings: str) -> Iterator[int]:
    """``ruta serve`` on a migrated SQLite file until it answers; yields the port."""
    port = _free_port()
    env = {
        **os.environ,
        "RUTA_DATABASE_URL": f"sqlite:///{tmp_path / 'ruta.db'}",
        "RUTA_DATA_DIR": str(tmp_path),
        **settings,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    ruta = [str(Path(sys.executable).with_name("ruta"))]
    subprocess.run([*ruta, "db", "upgrade"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [*ruta, "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        answer = b""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                answer = _get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.3)
        assert answer.startswith(b"HTTP/1.1 200"), proc.stderr.read() if proc.stderr else b""
        yield port
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(30)


def _healthz_count(metrics: bytes) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    text = metrics.split(b"\r\n\r\n", 1)[1].decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "ruta_http_requests_total" and sample.labels["route"] == "/healthz"
    )


def test_ruta_serve_with_two_workers_answers(tmp_path: Path) -> None:
    token = "t" * 32
    # A file of a previous run in the metrics folder must not be counted.
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_1.db").write_bytes(b"stale")
    with _serving(tmp_path, "--workers", "2", RUTA_METRICS_TOKEN=token) as port:
        answer = _get(port, "/api/v1/openapi.json")
        assert answer.startswith(b"HTTP/1.1 200") and b'"openapi"' in answer
        # Metrics in multiprocess mode: whichever worker answers the scrape, it counts the
        # requests both workers answered (each connection goes to either worker).
        before = _healthz_count(_get(port, "/metrics", token))
        for _ in range(20):
            assert _get(port, "/healthz").startswith(b"HTTP/1.1 200")
        counts = [_healthz_count(_get(port, "/metrics", token)) - before for _ in range(4)]
        assert counts == [20, 20, 20, 20]
        assert len(list((tmp_path / "metrics").glob("counter_*.db"))) >= 1


def test_serve_refuses_zero_workers() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("ruta")), "serve", "--workers", "0"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "--workers" in done.stderr


def test_ruta_serve_under_a_sub_path(tmp_path: Path) -> None:
    with _serving(tmp_path, "--root-path", "/ruta/") as port:
        page = _get(port, "/ruta/finder")
        assert page.startswith(b"HTTP/1.1 200")
        assert b'href="/ruta/static/ruta.css"' in page and b'href="/finder' not in page
        assert _get(port, "/ruta/static/ruta.css").startswith(b"HTTP/1.1 200")
        # A proxy that strips the prefix before passing the request on is served too.
        assert _get(port, "/static/ruta.css").startswith(b"HTTP/1.1 200")


def test_serve_refuses_a_root_path_that_is_not_a_path() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("ruta")), "serve", "--root-path", "ruta?x"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "root_path" in done.stderr and "/ruta" in done.stderr
