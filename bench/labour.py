"""Pay gap: the twofold decomposition of 1,000,000 survey rows with 30 regressors, Ruta next
to statsmodels' ``OaxacaBlinder`` in the same run, and the bootstrap's speed.

Run: ``.venv/bin/python -m bench labour`` (about five minutes on the 2-core machine).
``RUTA_BENCH_PAYGAP_ROWS`` changes the number of rows.

Every contender runs in a fresh subprocess of its own, so its peak resident memory
(``ru_maxrss``) is its own and not the parent's. Each reads the same Parquet file and
builds its own design (30 regressors: age, sex, 3 education, 8 occupation,
6 sector, 4 region and 7 department dummies), then decomposes:

- ``ruta``: :func:`ruta.labour.paygap.analyse` with survey weights: four twofold references,
  threefold, detailed normalized contributions, raw and factor-weighted gaps, all with
  delta-method standard errors (it does far more than the peer);
- ``ruta-unweighted``: the same without weights, to check that its pooled twofold equals
  statsmodels' on a million rows;
- ``statsmodels``: ``OaxacaBlinder(...).two_fold()`` (pooled, point estimates: it has no
  analytical standard errors, and its bootstrap would refit 5,000 times), with NumPy's
  default BLAS threads, and again with one BLAS thread (``statsmodels-1thread``), as Ruta
  runs.

Timings: wall-clock seconds from the first read of the file to the result, and process CPU
seconds (user + system; BLAS may use both cores). Then 199 bootstrap replications over
100,000 rows, timed the same way.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROWS = int(os.environ.get("RUTA_BENCH_PAYGAP_ROWS", "1000000"))
BOOT_ROWS = 100_000
REPLICATIONS = 199
NUMERIC = ("edad",)
CATEGORICAL = ("sexo", "educacion", "ciuo08", "ciiu", "region", "departamento")


def _make_data(path: Path, rows: int, seed: int) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ruta.labour.paygap import synthetic_survey

    table, _truth = synthetic_survey(rows, seed=seed)
    departments = np.random.default_rng(seed).integers(0, 8, rows)
    table = table.append_column("departamento", pa.array([f"D{d}" for d in departments]))
    pq.write_table(table, path)


def _columns(weighted: bool):  # type: ignore[no-untyped-def]
    from ruta.labour.paygap import ColumnMap

    return ColumnMap(
        wage="ingreso_mensual",
        hours="horas_semana",
        migrant="migrante",
        weight="fex" if weighted else None,
        covariates=NUMERIC + CATEGORICAL,
        categorical=CATEGORICAL,
        occupation="ciuo08",
        age="edad",
        education="educacion",
        sex="sexo",
    )


def _usage() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": own.ru_utime + own.ru_stime, "peak_rss_mb": own.ru_maxrss / 1024}


def run_ruta(path: Path, weighted: bool, replications: int = 0) -> dict[str, object]:
    from ruta.labour.paygap import analyse, read_survey

    cpu0 = _usage()["cpu_s"]
    start = time.perf_counter()
    survey = read_survey(path, _columns(weighted))
    read = time.perf_counter()
    result = analyse(survey, replications=replications, seed=1)
    done = time.perf_counter()
    pooled = result["twofold", "pooled", "explained"]
    return {
        "rows": survey.n,
        "regressors": result.design.k - 1,
        "read_s": read - start,
        "decompose_s": done - read,
        "wall_s": done - start,
        "explained": pooled.value,
        "explained_se": pooled.se,
        "explained_se_bootstrap": pooled.se_bootstrap,
        "unexplained": result["twofold", "pooled", "unexplained"].value,
        **{k: v - (cpu0 if k == "cpu_s" else 0) for k, v in _usage().items()},
    }


def run_statsmodels(path: Path) -> dict[str, object]:
    import numpy as np
    import pandas as pd
    from statsmodels.stats.oaxaca import OaxacaBlinder

    cpu0 = _usage()["cpu_s"]
    start = time.perf_counter()
    frame = pd.read_parquet(
        path, columns=["ingreso_mensual", "horas_semana", "migrante", *NUMERIC, *CATEGORICAL]
    )
    frame["ciuo08"] = frame["ciuo08"].str[0]  # ISCO-08 major group, as Ruta does
    hourly = frame["ingreso_mensual"] / (frame["horas_semana"] * 52 / 12)
    dummies = pd.get_dummies(frame[list(CATEGORICAL)], drop_first=True, dtype=float)
    exog = np.column_stack(
        [
            np.ones(len(frame)),
            frame[list(NUMERIC)].to_numpy(float),
            dummies.to_numpy(),
            frame["migrante"].to_numpy(float),
        ]
    )
    endog = np.log(hourly.to_numpy())
    read = time.perf_counter()
    unexplained, explained, _gap = (
        OaxacaBlinder(endog, exog, exog.shape[1] - 1, hasconst=True, swap=False).two_fold().params
    )
    done = time.perf_counter()
    return {
        "rows": len(frame),
        "regressors": exog.shape[1] - 2,
        "read_s": read - start,
        "decompose_s": done - read,
        "wall_s": done - start,
        "explained": float(explained),
        "unexplained": float(unexplained),
        **{k: v - (cpu0 if k == "cpu_s" else 0) for k, v in _usage().items()},
    }


def _child(kind: str, path: Path) -> dict[str, object]:
    env = dict(os.environ)
    if kind == "statsmodels-1thread":  # BLAS reads its thread count at import
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, "-m", "bench.labour", kind, str(path)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parents[1],
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.labour {kind} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    print(
        f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "survey.parquet", Path(tmp) / "boot.parquet"
        _make_data(big, ROWS, seed=1)
        _make_data(small, BOOT_ROWS, seed=2)
        results = {}
        # Interleaved twice, best of each: a load spike from other jobs hits both sides.
        for _round in range(2):
            for kind in ("statsmodels", "statsmodels-1thread", "ruta", "ruta-unweighted"):
                run = _child(kind, big)
                best = results.get(kind)
                if best is None or run["wall_s"] < best["wall_s"]:  # type: ignore[operator]
                    results[kind] = run
        for kind, run in results.items():
            print(
                f"{kind:16} rows={run['rows']:,} regressors={run['regressors']} "
                f"wall={run['wall_s']:.2f}s (read {run['read_s']:.2f}s, decompose "
                f"{run['decompose_s']:.2f}s) cpu={run['cpu_s']:.2f}s "
                f"peak_rss={run['peak_rss_mb']:.0f}MB explained={run['explained']:.10f}",
                flush=True,
            )
        ruta, peer = results["ruta"], results["statsmodels"]
        same = abs(
            results["ruta-unweighted"]["explained"]  # type: ignore[operator]
            - peer["explained"]
        )
        for name in ("statsmodels", "statsmodels-1thread"):
            peer = results[name]
            print(
                f"ruta/{name}: wall {ruta['wall_s'] / peer['wall_s']:.2f}x, "  # type: ignore[operator]
                f"cpu {ruta['cpu_s'] / peer['cpu_s']:.2f}x, "  # type: ignore[operator]
                f"memory {ruta['peak_rss_mb'] / peer['peak_rss_mb']:.2f}x"
            )  # type: ignore[operator]
        print(f"|unweighted explained - statsmodels| = {same:.2e}")
        boot = _child("bootstrap", small)
        print(
            f"bootstrap: {REPLICATIONS} replications over {boot['rows']:,} rows in "
            f"{boot['decompose_s']:.1f}s wall, cpu {boot['cpu_s']:.1f}s, "
            f"SE delta {boot['explained_se']:.5f} vs bootstrap "
            f"{boot['explained_se_bootstrap']:.5f}"
        )


if __name__ == "__main__":
    kind, data = sys.argv[1], Path(sys.argv[2])
    if kind.startswith("statsmodels"):
        answer = run_statsmodels(data)
    elif kind == "bootstrap":
        answer = run_ruta(data, weighted=True, replications=REPLICATIONS)
    else:
        answer = run_ruta(data, weighted=kind == "ruta")
    print(json.dumps(answer))
