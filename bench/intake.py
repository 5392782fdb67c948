"""Intake duplicate search inside a submission: what it costs and what it finds.

One process, the submission action called directly (no HTTP), on SQLite and PostgreSQL:

- Index: reading the registry and building the :class:`ruta.linkage.RegistryIndex` (wall
  time, resident memory added, peak resident memory of the process).
- Search alone: :meth:`ruta.cases.RegistryIndexes.search` for applicants taken from the
  registry (half of them with the document number removed, so that names and dates must
  find them) and for people who are not in it; median, p99, max, and how often the
  registry record was among the candidates.
- Whole submission (:func:`ruta.cases.actions.do_submit_application`, committed),
  alternating one by one without a registry (the peer: the same action, no search) and
  with it; median and p99 of each.

Run: ``.venv/bin/python -m bench intake``. ``RUTA_BENCH_INTAKE_REGISTRY`` names the
registry (default ``/tmp/reg1m.parquet``, made with ``ruta link synth 1000000 --seed 1``
when missing), ``RUTA_BENCH_INTAKE_N`` the submissions of each kind (200),
``RUTA_BENCH_BACKENDS`` the backends (``sqlite,postgresql``). Results are printed and
written to ``bench/out/intake.json``.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.casework import fresh_database  # the same throwaway database per backend

if TYPE_CHECKING:
    from ruta.cases import RegistryIndexes

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
REGISTRY = Path(os.environ.get("RUTA_BENCH_INTAKE_REGISTRY", "/tmp/reg1m.parquet"))
N = int(os.environ.get("RUTA_BENCH_INTAKE_N", "200"))
BACKENDS = os.environ.get("RUTA_BENCH_BACKENDS", "sqlite,postgresql").split(",")
SEARCHES = 500


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _stats(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2),
        "max_ms": round(ordered[-1], 2),
    }


def _people(count: int, seed: int) -> list[tuple[dict[str, Any], str | None]]:
    """Applicants: registry people (half without document) and people not registered.

    Returns (applicant body, record_id expected among the candidates or None).
    """
    import pyarrow.parquet as pq

    table = pq.read_table(REGISTRY)
    rng = random.Random(seed)
    rows = rng.sample(range(table.num_rows), count)
    people: list[tuple[dict[str, Any], str | None]] = []
    for i, row in enumerate(rows):
        rec = {c: table.column(c)[row].as_py() or "" for c in table.column_names}
        try:
            dob = date.fromisoformat(rec["date_of_birth"])
        except ValueError:
            dob = date(1980, 1, 1)
        registered = i % 4 != 3  # one in four is someone the registry does not hold
        if not registered:
            rec["given_names"], rec["surname_1"], rec["surname_2"] = (
                rng.choice(["Xiomara", "Wilmer", "Yurani", "Brayan"]),
                f"Zq{rng.randrange(10**6)}",
                "",
            )
        number = rec["document_number"] if i % 2 == 0 and registered else f"B{900000 + i}"
        people.append(
            (
                {
                    "given_names": rec["given_names"] or "Ana",
                    "surname_1": rec["surname_1"] or "Rojas",
                    "surname_2": rec["surname_2"] or None,
                    "date_of_birth": dob.isoformat(),
                    "sex": rec["sex"] if rec["sex"] in ("F", "M", "X") else "X",
                    "nationality": rec["nationality"] or "VEN",
                    "document": {"type": "passport", "number": number or f"B{i}"},
                },
                rec["record_id"] if registered else None,
            )
        )
    return people


def _body(applicant: dict[str, Any]) -> Any:
    from ruta.cases.schemas import ApplicationCreate
    from ruta.pathways import list_pathways

    return ApplicationCreate.model_validate(
        {
            "pathway": list_pathways("COL")[0].id,
            "profile": {
                "in_host_country": True,
                "nationalities": [{"country": "VEN", "acquired": "birth"}],
                "date_of_birth": applicant["date_of_birth"],
                "entry": {"date": "2024-02-01", "authorized_crossing": True},
                "criminal_records": [],
            },
            "applicant": applicant,
            "household": [],
        }
    )


def _probe(registries: RegistryIndexes) -> dict[str, Any] | None:
    """One search (it waits for the index when it is being built)."""
    from ruta.store.models import Applicant, Application

    applicant = Applicant(
        given_names="Ana",
        surname_1="Rojas",
        surname_2=None,
        sex="F",
        date_of_birth=date(1990, 1, 1),
        nationality="VEN",
        document_type="passport",
        document_number="X1",
    )
    return registries.search(Application(id="probe", host_country="COL", applicant=applicant))


def _submissions(url: str, people: list[Any], registries: RegistryIndexes) -> dict[str, Any]:
    """Submit ``people`` through the action, alternating without and with the registry.

    Alternating one by one (rather than in blocks) exposes both to the same moments of
    the shared machine's load; the index stays built while the registry is switched off.
    """
    from ruta.cases.actions import do_submit_application
    from ruta.cases.actions.authentication import do_create_user, use_password_profile
    from ruta.store import make_engine, make_sessionmaker

    use_password_profile("cheapest")
    _probe(registries)  # the index is built before anything is timed
    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    with maker() as s:
        actor = do_create_user(
            s,
            None,
            username=f"bench-{uuid.uuid4().hex[:6]}",
            password="correct-horse-battery",
            role="caseworker",
            country="COL",
        )
    times: dict[bool, list[float]] = {False: [], True: []}
    searches, found, expected = [], 0, 0
    for i, (applicant, record_id) in enumerate(people):
        registry = i % 2 == 1
        body = _body(applicant)
        with maker() as s:
            s.add(actor)
            t = time.perf_counter()
            app, _ = do_submit_application(
                s, actor, body, registries=registries if registry else None
            )
            times[registry].append((time.perf_counter() - t) * 1000)
            result = app.duplicate_search
        assert (result is not None) == registry
        if result is not None:
            searches.append(result["elapsed_ms"])
            if record_id is not None:
                expected += 1
                found += any(c["record_id"] == record_id for c in result["candidates"])
    engine.dispose()
    return {
        "without_registry": _stats(times[False]),
        "with_registry": _stats(times[True]),
        "search_in_submission": _stats(searches),
        "own_record_found": round(found / max(expected, 1), 4),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if not REGISTRY.exists():
        subprocess.run(
            [
                str(Path(sys.executable).parent / "ruta"),
                "link",
                "synth",
                "1000000",
                "--seed",
                "1",
                "--out",
                str(REGISTRY),
            ],
            check=True,
        )
    from ruta.cases import RegistryIndexes
    from ruta.pathways import list_pathways
    from ruta.store.models import Applicant, Application

    list_pathways()  # compile the rule packs before anything is timed
    results: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.1f}",
        "registry": str(REGISTRY),
    }
    people = _people(2 * N + SEARCHES, seed=5)

    rss0 = _rss_mb()
    t = time.perf_counter()
    registries = RegistryIndexes({"COL": REGISTRY}, wait=None)
    first = _probe(registries)
    build_s = time.perf_counter() - t
    assert first is not None and first["status"] == "searched", first
    results["index"] = {
        "records": first["registry"]["records"],
        "read_and_build_s": round(build_s, 1),
        "rss_added_mb": round(_rss_mb() - rss0, 0),
        "peak_rss_mb": round(_rss_mb("VmHWM"), 0),
    }
    print(json.dumps(results["index"]), flush=True)

    times, found, expected = [], 0, 0
    for applicant, record_id in people[2 * N :]:
        a = Applicant(
            given_names=applicant["given_names"],
            surname_1=applicant["surname_1"],
            surname_2=applicant["surname_2"],
            sex=applicant["sex"],
            date_of_birth=date.fromisoformat(applicant["date_of_birth"]),
            nationality=applicant["nationality"],
            document_type="passport",
            document_number=applicant["document"]["number"],
        )
        result = registries.search(Application(id="q", host_country="COL", applicant=a))
        assert result is not None
        times.append(result["elapsed_ms"])
        if record_id is not None:
            expected += 1
            found += any(c["record_id"] == record_id for c in result["candidates"])
    results["search_alone"] = {**_stats(times), "own_record_found": round(found / expected, 4)}
    print(json.dumps(results["search_alone"]), flush=True)

    for backend in BACKENDS:
        with fresh_database(backend) as url:
            results[backend] = _submissions(url, people[: 2 * N], registries)
            print(backend, json.dumps(results[backend]), flush=True)
    (OUT / "intake.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
