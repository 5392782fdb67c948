"""Casework service: sustained submissions/s and p50/p99 latency over loopback, on SQLite and
PostgreSQL, next to a named peer in the same run; then a kill -9 crash test.

- Load: a closed-loop generator (asyncio, raw HTTP/1.1 keep-alive, one process) keeps
  ``CONCURRENCY`` submissions in flight against uvicorn with ``WORKERS`` (2) worker
  processes for ``RUTA_BENCH_SECONDS`` (60 by default) after a warm-up. Its connections
  open ``RUTA_BENCH_STAGGER_MS`` (10) apart. The server is started by :func:`serve`
  (uvicorn's multiprocess supervisor, with TCP_NODELAY on accepted connections).
- Peer: the floor of the same stack -- a minimal FastAPI + SQLAlchemy route that validates
  the same body with the same pydantic model and INSERTs one JSON row per idempotency key,
  with no engine evaluation, workflow or audit chain -- on the same server settings.
- Each load run also reports CPU ms per answered request (server processes, PostgreSQL
  backends, generator), the rate per 5 s window and how the connections were spread over
  the worker processes: on a shared machine these explain what the rate alone does not.
- Crash: during load, ``kill -9`` the whole server process group at a random moment,
  restart it, then check that every application answered 201 is stored, that none is
  stored twice (retrying the requests left without an answer with their key returns the
  same application), and that the audit chain verifies. 5 repetitions per backend.

Run: ``.venv/bin/python -m bench casework`` (about 7 minutes). Results: printed, and
written to ``bench/out/casework-<parts>.json``. ``RUTA_BENCH_PARTS=load`` or ``crash`` runs
one half; ``RUTA_BENCH_BACKENDS=postgresql`` one backend; ``RUTA_BENCH_SECONDS``,
``RUTA_BENCH_PEER_SECONDS``, ``RUTA_BENCH_CONCURRENCY``, ``RUTA_BENCH_WORKERS``,
``RUTA_BENCH_STAGGER_MS`` and ``RUTA_BENCH_CRASH_REPS`` resize it.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Header
from sqlalchemy import func, select, text

# At module level: FastAPI resolves the route's (postponed) annotations in these globals.
from ruta.cases.schemas import ApplicationCreate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_BASE = os.environ.get(
    "RUTA_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/ruta_test"
)
SECONDS = float(os.environ.get("RUTA_BENCH_SECONDS", "60"))
PEER_SECONDS = float(os.environ.get("RUTA_BENCH_PEER_SECONDS", "20"))
WARMUP = 3.0
CONCURRENCY = int(os.environ.get("RUTA_BENCH_CONCURRENCY", "16"))
WORKERS = int(os.environ.get("RUTA_BENCH_WORKERS", "2"))
STAGGER_MS = float(os.environ.get("RUTA_BENCH_STAGGER_MS", "10"))
CRASH_REPS = int(os.environ.get("RUTA_BENCH_CRASH_REPS", "5"))
PARTS = os.environ.get("RUTA_BENCH_PARTS", "load,crash").split(",")
BACKENDS = os.environ.get("RUTA_BENCH_BACKENDS", "postgresql,sqlite").split(",")
# Tags the bench's PostgreSQL connections, so that their server processes' CPU is counted.
APP_NAME = "ruta-bench"
PASSWORD = "bench-password-123"


def _body() -> dict[str, Any]:
    return {
        "pathway": "col.mercosur-temporary",
        "profile": {
            "in_host_country": True,
            "nationalities": [{"country": "VEN", "acquired": "birth"}],
            "date_of_birth": "1990-05-01",
            "entry": {"date": "2024-02-01", "authorized_crossing": True},
            "criminal_records": [],
        },
        "applicant": {
            "given_names": "Bench",
            "surname_1": "Load",
            "date_of_birth": "1990-05-01",
            "sex": "F",
            "nationality": "VEN",
            "document": {"type": "passport", "number": "123456789"},
        },
        "household": [],
    }


# ---------------------------------------------------------------------------- the peer


def peer_app() -> Any:
    """The named peer: same framework, server, database and body model; one INSERT."""
    from sqlalchemy import Column, Integer, MetaData, String, Table
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert
    from sqlalchemy.types import JSON

    from ruta.store import make_engine

    url = os.environ["RUTA_DATABASE_URL"]
    pool = {} if url.startswith("sqlite") else {"pool_size": 10, "max_overflow": 10}
    engine = make_engine(url, **pool)
    meta = MetaData()
    table = Table(
        "peer_submissions",
        meta,
        Column("id", Integer, primary_key=True),
        Column("key", String(200), unique=True),
        Column("body", JSON),
    )
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    app = FastAPI()

    @app.post("/peer", status_code=201)
    def submit(
        body: ApplicationCreate, key: str = Header(alias="Idempotency-Key")
    ) -> dict[str, Any]:
        stmt = insert(table).values(key=key, body=body.model_dump(mode="json"))
        with engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
        return {"id": key, "status": "submitted"}

    return app


# ------------------------------------------------------------------------ load generator


@dataclass
class LoadResult:
    """What the generator saw: answered requests and the ones cut off by a crash."""

    latencies: list[float] = field(default_factory=list)
    finished: list[float] = field(default_factory=list)  # seconds since start, per answer
    statuses: dict[int, int] = field(default_factory=dict)
    created: dict[str, str] = field(default_factory=dict)  # idempotency key -> id (201s)
    unanswered: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _request(path: str, key: str, token: str, payload: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: {key}\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    return status, await reader.readexactly(length)


async def _load(
    port: int,
    token: str,
    path: str,
    seconds: float,
    prefix: str,
    record: bool,
    result: LoadResult | None = None,
) -> LoadResult:
    result = result if result is not None else LoadResult()
    payload = json.dumps(_body()).encode()
    t_start = time.perf_counter()
    stop_at = t_start + seconds
    counter = iter(range(10**9))

    async def worker(i: int) -> None:
        # Connections open STAGGER_MS apart, as clients do, not in one burst: with a
        # shared listening socket the first worker process to wake accepts the whole
        # burst, and 16 of 16 connections on one process leave the other core idle.
        await asyncio.sleep(i * STAGGER_MS / 1000)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return
        while time.perf_counter() < stop_at:
            key = f"{prefix}-{next(counter)}"
            t0 = time.perf_counter()
            try:
                writer.write(_request(path, key, token, payload))
                status, body = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                result.unanswered.append(key)
                return
            if record:
                t1 = time.perf_counter()
                result.latencies.append(t1 - t0)
                result.finished.append(t1 - t_start)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 201:
                    result.created[key] = json.loads(body).get("id", key)
        writer.close()

    await asyncio.gather(*(worker(i) for i in range(CONCURRENCY)))
    result.seconds = time.perf_counter() - t_start
    return result


def run_load(
    port: int, token: str, path: str, seconds: float, prefix: str, record: bool = True
) -> LoadResult:
    return asyncio.run(_load(port, token, path, seconds, prefix, record))


# ------------------------------------------------------------------------------ servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(url: str, target: str, port: int, data_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "RUTA_DATABASE_URL": url,
        "RUTA_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
    }
    # Started with -c, not -m: uvicorn spawns its workers, and a spawned child re-imports
    # the parent's __main__ module before it can answer the supervisor's health check.
    # This module imports FastAPI and SQLAlchemy; on a loaded machine that took over the
    # 5 s the supervisor waits, so it killed and re-spawned the worker again and again
    # and one worker served the whole load.
    serve_code = f"from bench.casework import serve; serve({target!r}, {port})"
    cmd = [sys.executable, "-c", serve_code]
    # Its own process group, so that kill -9 reaches the workers as well as the parent.
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    try:
        _wait_ready(port, proc)
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def serve(target: str, port: int) -> None:
    """``uvicorn TARGET --factory --workers N`` on 127.0.0.1 as ``ruta serve`` runs it.

    Through :func:`ruta.web.server.run`, so Ruta and the peer both get TCP_NODELAY on their
    connections and a patient worker health check (uvicorn issue #3149: without the fix,
    ~40 ms of Nagle delay on every keep-alive request capped both at about 350 requests/s).
    """
    from ruta.web.server import run

    run(
        target, host="127.0.0.1", port=port, workers=WORKERS, access_log=False,
        log_level=os.environ.get("RUTA_BENCH_LOG_LEVEL", "warning"),
    )  # fmt: skip


def _wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(
                    b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                if s.recv(12).startswith(b"HTTP/1.1 "):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not become ready in 60 s")


# ------------------------------------------------------------------------ CPU accounting
#
# Throughput on a shared machine moves with the neighbours' load; the CPU each submission
# costs does not (much). So every load run also reports CPU ms per answered request of the
# server's processes (its process group), of the PostgreSQL backends serving it (tagged
# with APP_NAME) and of the generator itself.

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(process group, CPU seconds) of one process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / _TICK


def _group_cpu(pgid: int) -> dict[int, float]:
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _proc_stat(int(entry.name))) and st[0] == pgid:
            out[int(entry.name)] = st[1]
    return out


def _db_cpu(url: str) -> dict[int, float]:
    if url.startswith("sqlite"):
        return {}
    from ruta.store import make_engine

    engine = make_engine(PG_BASE)
    with engine.connect() as conn:
        pids = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :n"), {"n": APP_NAME}
        ).scalars()
        out = {pid: st[1] for pid in pids if (st := _proc_stat(pid))}
    engine.dispose()
    return out


@dataclass
class CpuSnapshot:
    server: dict[int, float]
    db: dict[int, float]
    generator: float

    @classmethod
    def take(cls, proc: subprocess.Popen[bytes], url: str) -> CpuSnapshot:
        return cls(_group_cpu(proc.pid), _db_cpu(url), time.process_time())

    def since(self, before: CpuSnapshot, answered: int) -> dict[str, float | None]:
        def spent(now: dict[int, float], then: dict[int, float]) -> float:
            return sum(cpu - then.get(pid, 0.0) for pid, cpu in now.items())

        per = 1000 / max(answered, 1)
        return {
            "server_cpu_ms": round(spent(self.server, before.server) * per, 2),
            "db_cpu_ms": round(spent(self.db, before.db) * per, 2) if self.db else None,
            "generator_cpu_ms": round((self.generator - before.generator) * per, 2),
        }


def kill9(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# ----------------------------------------------------------------------------- databases


@contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    from ruta.store import make_engine, upgrade

    if backend == "sqlite":
        path = OUT / f"casework-{uuid.uuid4().hex[:8]}.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        try:
            yield url
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_BASE}?options={quote(f'-csearch_path={schema}')}&application_name={APP_NAME}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def prepare(url: str) -> None:
    """The bench's caseworker, and the peer's table."""
    from ruta.cases.actions.authentication import do_create_user
    from ruta.store import make_engine, make_sessionmaker

    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        do_create_user(
            s, None, username="bench", password=PASSWORD, role="caseworker", country="COL"
        )
    pg = engine.dialect.name == "postgresql"
    columns = "id SERIAL PRIMARY KEY" if pg else "id INTEGER PRIMARY KEY"
    columns += ", key VARCHAR(200) UNIQUE, body " + ("JSONB" if pg else "JSON")
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE peer_submissions ({columns})"))
    engine.dispose()


def token_for(port: int) -> str:
    import httpx

    r = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/auth/token",
        json={"username": "bench", "password": PASSWORD},
    )
    r.raise_for_status()
    return str(r.json()["access_token"])


# --------------------------------------------------------------------------------- runs


def _summary(res: LoadResult, cpu: dict[str, float | None] | None = None) -> dict[str, Any]:
    lat = sorted(res.latencies)
    ok = res.statuses.get(201, 0)
    # Answers per 5 s window: shows whether the rate holds over the run or degrades.
    windows = [0] * (int(res.seconds // 5) + 1)
    for t in res.finished:
        windows[min(int(t // 5), len(windows) - 1)] += 1
    return {
        "requests": len(lat),
        "created_201": ok,
        "statuses": res.statuses,
        "per_second": round(ok / res.seconds, 1) if res.seconds else 0.0,
        "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
        "p99_ms": round(1000 * lat[int(0.99 * (len(lat) - 1))], 1) if lat else None,
        "seconds": round(res.seconds, 1),
        # Connections the server closed mid-request (the generator does not reconnect).
        "connections_lost": len(res.unanswered),
        **(cpu or {}),
        "per_second_by_5s": [round(n / 5, 1) for n in windows[: int(res.seconds // 5)]],
    }


def load_run(backend: str) -> dict[str, Any]:
    with fresh_database(backend) as url:
        prepare(url)
        port = _free_port()
        with server(url, "ruta.web.app:create_app", port, OUT / "var") as proc:
            token = token_for(port)
            ruta = _measured(proc, url, port, token, "/api/v1/applications", SECONDS, "load")
        port = _free_port()
        with server(url, "bench.casework:peer_app", port, OUT / "var") as proc:
            peer = _measured(proc, url, port, token, "/peer", PEER_SECONDS, "peer")
    ruta["ratio_to_peer"] = round(ruta["per_second"] / max(peer["per_second"], 0.1), 2)
    return {"ruta": ruta, "peer": peer}


def _measured(
    proc: subprocess.Popen[bytes], url: str, port: int, token: str, path: str, seconds: float,
    prefix: str,
) -> dict[str, Any]:  # fmt: skip
    run_load(port, token, path, WARMUP, f"{prefix}-warm", record=False)
    split: list[int] = []
    look = threading.Timer(seconds / 2, lambda: split.extend(_connections_per_worker(port)))
    look.start()
    before = CpuSnapshot.take(proc, url)
    res = run_load(port, token, path, seconds, prefix)
    cpu = CpuSnapshot.take(proc, url).since(before, len(res.latencies))
    look.join()
    return {**_summary(res, cpu), "connections_per_worker": split}


def _connections_per_worker(port: int) -> list[int]:
    """How the generator's connections are spread over the server's worker processes
    (a process holds one core at most, so 16 on one of two leaves a core idle)."""
    try:
        out = subprocess.run(
            ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    pids = [m.group(1) for m in re.finditer(r"pid=(\d+)", out)]
    return sorted(Counter(pids).values(), reverse=True)


def crash_run(backend: str) -> list[dict[str, Any]]:
    from ruta.cases.audit import verify_chain
    from ruta.store import make_engine, make_sessionmaker
    from ruta.store.models import Application

    reps = []
    rng = random.Random(2026)
    with fresh_database(backend) as url:
        prepare(url)
        engine = make_engine(url)
        for rep in range(CRASH_REPS):
            port = _free_port()
            prefix = f"crash{rep}"
            with server(url, "ruta.web.app:create_app", port, OUT / "var") as proc:
                token = token_for(port)
                # Warm both workers (pack loading) so the kill lands in steady load.
                run_load(port, token, "/api/v1/applications", WARMUP, f"{prefix}w", record=False)
                kill_after = rng.uniform(1.0, 4.0)

                res = asyncio.run(_load_then_kill(proc, port, token, prefix, kill_after))
            port = _free_port()
            with server(url, "ruta.web.app:create_app", port, OUT / "var"):
                token = token_for(port)
                # Retry what was cut off, with the same keys: the answer must be the stored
                # application if the first attempt committed, or a new one if it did not.
                retried = 0
                for key in res.unanswered:
                    again = run_single(port, token, key)
                    retried += again is not None
            with make_sessionmaker(engine)() as s:
                stored = dict(
                    s.execute(
                        select(Application.idempotency_key, Application.id).where(
                            Application.idempotency_key.like(f"{prefix}-%")
                        )
                    ).all()
                )
                per_key = s.execute(
                    select(Application.idempotency_key, func.count())
                    .where(Application.idempotency_key.like(f"{prefix}-%"))
                    .group_by(Application.idempotency_key)
                    .having(func.count() > 1)
                ).all()
                chain = verify_chain(s)
            lost = [k for k, app_id in res.created.items() if stored.get(k) != app_id]
            reps.append(
                {
                    "killed_after_s": round(kill_after, 2),
                    "answered_201": len(res.created),
                    "unanswered_in_flight": len(res.unanswered),
                    "retried_ok": retried,
                    "lost_201": len(lost),
                    "stored_twice": len(per_key),
                    "audit_events": chain.events,
                    "audit_intact": chain.intact,
                }
            )
        engine.dispose()
    return reps


async def _load_then_kill(
    proc: subprocess.Popen[bytes], port: int, token: str, prefix: str, kill_after: float
) -> LoadResult:
    """Load, and kill -9 the server ``kill_after`` seconds after the first 201 arrived
    (so that every repetition has acknowledged submissions that must survive)."""
    result = LoadResult()
    path = "/api/v1/applications"
    task = asyncio.create_task(_load(port, token, path, 60.0, prefix, True, result))
    while not result.created and not task.done():
        await asyncio.sleep(0.01)
    await asyncio.sleep(kill_after)
    kill9(proc)
    return await task


def run_single(port: int, token: str, key: str) -> str | None:
    import httpx

    r = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/applications",
        json=_body(),
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
        timeout=30,
    )
    return str(r.json()["id"]) if r.status_code == 201 else None


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    machine = f"{os.cpu_count()} cores, {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}"
    results: dict[str, Any] = {
        "machine": machine,
        "concurrency": CONCURRENCY,
        "workers": WORKERS,
        "load_seconds": SECONDS,
        "peer_seconds": PEER_SECONDS,
    }
    for backend in BACKENDS:
        if "load" in PARTS:
            print(f"-- {backend}: load {SECONDS:.0f} s, peer {PEER_SECONDS:.0f} s", flush=True)
            results[f"load_{backend}"] = load_run(backend)
            print(json.dumps(results[f"load_{backend}"]), flush=True)
        if "crash" not in PARTS:
            continue
        print(f"-- {backend}: crash x{CRASH_REPS}", flush=True)
        results[f"crash_{backend}"] = crash_run(backend)
        for rep in results[f"crash_{backend}"]:
            print(json.dumps(rep), flush=True)
    (OUT / f"casework-{'-'.join(PARTS)}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
