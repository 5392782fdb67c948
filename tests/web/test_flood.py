"""The service keeps answering caseworkers while the public verifier is flooded.

A bounded load test on loopback: the real server (uvicorn, one worker, in a subprocess),
six clients flooding ``POST /api/v1/verify`` for three seconds while a caseworker lists
their queue through the API. No timing is asserted, only outcomes: every caseworker request
got 200, the flood got 429s past the verifier's limit, and nothing answered 5xx.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.serving import serve

from ruta.cases.actions.authentication import do_create_user, use_password_profile
from ruta.store import make_engine, make_sessionmaker, upgrade

PASSWORD = "correct-horse-battery"
FLOOD_SECONDS = 3.0
FLOODERS = 6


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'ruta.db'}"
    upgrade(url)
    use_password_profile("cheapest")
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        do_create_user(
            session, None, username="cw", password=PASSWORD, role="caseworker", country="COL"
        )
    engine.dispose()
    env = {
        **os.environ,
        "RUTA_ENV": "test",
        "RUTA_SECRET_KEY": "flood-test-secret-" + "f" * 32,
        "RUTA_DATA_DIR": str(tmp_path),
        "RUTA_DATABASE_URL": url,
        "RUTA_PASSWORD_HASHING": "cheapest",
        "RUTA_VERIFY_RATE_LIMIT": "40/minute",
    }
    with serve(env, tmp_path) as base:
        yield base


def test_caseworkers_are_answered_while_the_verifier_is_flooded(server: str) -> None:
    token = httpx.post(
        f"{server}/api/v1/auth/token", json={"username": "cw", "password": PASSWORD}, timeout=10
    ).json()["access_token"]
    flood: Counter[int] = Counter()
    casework: list[int] = []
    lock = threading.Lock()
    stop = time.monotonic() + FLOOD_SECONDS

    def flooding() -> bool:
        # The flood lasts its seconds and at least until the caseworker was answered three
        # times, however slow a loaded machine makes each request (no timed assertion).
        return time.monotonic() < stop or len(casework) < 3

    def flooder() -> None:
        with httpx.Client(base_url=server, timeout=10) as client:
            while flooding():
                status = client.post("/api/v1/verify", json={"payload": "RUTA1:FLOOD"}).status_code
                with lock:
                    flood[status] += 1

    def caseworker() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server, timeout=10, headers=headers) as client:
            while flooding():
                casework.append(client.get("/api/v1/applications").status_code)
                time.sleep(0.05)

    threads = [threading.Thread(target=flooder) for _ in range(FLOODERS)]
    threads.append(threading.Thread(target=caseworker))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert len(casework) >= 3 and set(casework) == {200}, casework
    assert flood[429] > 0 and flood[200] > 0, flood
    assert not [s for s in flood if s >= 500], flood
