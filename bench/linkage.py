"""Linkage benchmark: Ruta vs a Splink-tutorial configuration, and vs clkhash + anonlink.

Every measured run is a fresh Python process, so its peak memory (``ru_maxrss``) is its own.
Wall times of Ruta include reading and writing files (the CLI end to end). Sizes come from
environment variables so that the full 1M / 2x500k runs are opt-in on a shared machine:

    RUTA_BENCH_DEDUPE=1000000 RUTA_BENCH_MATCH=500000 .venv/bin/python -m bench linkage

``RUTA_BENCH_BASELINE_MAX`` caps the size at which the slower peers run (default 100000);
``RUTA_BENCH_BASELINE_TIMEOUT_MIN`` and ``RUTA_BENCH_BASELINE_MEMORY_GB`` stop a peer run that
exceeds that time or address space (the row then says how far it got), so that a peer at
1M cannot take the shared machine down. ``RUTA_BENCH_SECTIONS`` (``dedupe,intake,match``) and
``RUTA_BENCH_HARDENING`` (``balance,blip,none``) select what runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")

# The child prints one JSON line with its wall time and peak resident memory.
_WRAP = """
import json, resource, sys, time
t0 = time.perf_counter()
{body}
wall = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print("BENCH " + json.dumps({{"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
      "children_cpu_s": kids.ru_utime + kids.ru_stime,
      "peak_mb": usage.ru_maxrss / 1024, **extra}}))
"""


class Stopped(RuntimeError):
    """A capped peer run was stopped (time limit) or failed (memory limit)."""

    def __init__(self, reason: str, wall_s: float, cpu_s: float, peak_mb: float) -> None:
        super().__init__(reason)
        self.reason, self.wall_s, self.cpu_s, self.peak_mb = reason, wall_s, cpu_s, peak_mb


def _proc_stats(pid: int) -> tuple[float, float]:
    """CPU seconds and peak resident MB of a live process, read from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        status = Path(f"/proc/{pid}/status").read_text()
        hwm = next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM:"))
        return cpu, hwm / 1024
    except (OSError, StopIteration, IndexError, ValueError):
        return 0.0, 0.0


def _child(
    body: str, *, timeout_s: float | None = None, address_space_gb: float | None = None
) -> dict[str, float]:
    """Run ``body`` in a fresh interpreter; optionally capped in time and address space.

    A capped run is watched from outside (``/proc``), so a run that is stopped still reports
    how long it ran, its CPU seconds and the peak memory it reached (:class:`Stopped`).
    """
    code = _WRAP.format(body=textwrap.dedent(body))
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}
    cmd = [PY, "-c", code]
    if address_space_gb is not None:
        # prlimit, not ulimit in a shell: the cap applies to this one process tree only.
        cmd = ["prlimit", f"--as={int(address_space_gb * 2**30)}", *cmd]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, env=env, cwd=ROOT)
        cpu, peak = 0.0, 0.0
        while proc.poll() is None:
            c, m = _proc_stats(proc.pid)
            cpu, peak = max(cpu, c), max(peak, m)
            if timeout_s is not None and time.perf_counter() - started > timeout_s:
                proc.kill()
                proc.wait()
                raise Stopped(f"stopped after {timeout_s / 60:.0f} min", timeout_s, cpu, peak)
            time.sleep(0.5)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        if address_space_gb is not None and "emory" in stderr:
            raise Stopped(
                f"failed at the {address_space_gb:.0f} GB cap: {stderr.strip().splitlines()[-1]}",
                time.perf_counter() - started,
                cpu,
                peak,
            )
        raise RuntimeError(stderr[-3000:])
    line = [x for x in stdout.splitlines() if x.startswith("BENCH ")][-1]
    return dict(json.loads(line[6:]))


def _cli(*args: str) -> dict[str, float]:
    return _child(f"""
        from ruta.cli import main
        sys.argv = ["ruta", "link", *{list(args)!r}]
        try:
            main()
        except SystemExit as exc:
            if exc.code:
                raise
        extra = {{}}
    """)


def _pairs_f1(pred: pd.DataFrame, truth: pd.DataFrame) -> tuple[float, float, float]:
    from ruta.linkage import pairwise_scores

    s = pairwise_scores(pred, truth)
    return s.precision, s.recall, s.f1


def _dedupe_accuracy(clusters_csv: Path, registry: pd.DataFrame) -> tuple[float, float, float]:
    from ruta.linkage import cluster_pairs

    clusters = pd.read_csv(clusters_csv, dtype={"record_id": str, "cluster_id": str})
    pred = cluster_pairs(clusters["record_id"], clusters["cluster_id"])
    truth = cluster_pairs(registry["record_id"], registry["person_id"])
    return _pairs_f1(pred, truth)


def tutorial_dedupe(registry_csv: str, out_csv: str, memory_limit: str | None = None) -> None:
    """Splink as its tutorial teaches: raw columns, library comparisons, two blocking rules.

    ``memory_limit`` (DuckDB's setting, e.g. ``"8GB"``) lets DuckDB spill to disk instead of
    taking the shared machine's memory; the model and data are unchanged.
    """
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = pd.read_csv(registry_csv, dtype=str, keep_default_na=False)
    # The tutorials' data preparation: lower case and trimmed, nothing language-specific.
    for col in ("given_names", "surname_1", "surname_2"):
        df[col] = df[col].str.lower().str.strip()
    df = df.replace("", None)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.NameComparison("given_names"),
            cl.NameComparison("surname_1"),
            cl.NameComparison("surname_2"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.ExactMatch("document_number"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_names", "date_of_birth"),
            block_on("surname_1"),
        ],
    )
    con = duckdb.connect()
    if memory_limit is not None:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    linker = Linker(DuckDBAPI(con).register(df), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_names", "surname_1", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_names", "surname_1")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    pred = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.9)
    clusters.as_pandas_dataframe()[["record_id", "cluster_id"]].to_csv(out_csv, index=False)


def anonlink_match(a_csv: str, b_csv: str, enc_a: str, enc_b: str, out_csv: str) -> None:
    """clkhash (v3 schema, double hashing, 1024 bits) + anonlink greedy solve.

    Blocking uses the same keyed buckets as Ruta's encodings, so the comparison isolates the
    encodings and the solver.
    """
    import anonlink
    import pyarrow.parquet as pq
    from clkhash import clk
    from clkhash.schema import from_json_dict

    def feature(name: str, n: int, bits: int, positional: bool = False) -> dict[str, object]:
        return {
            "identifier": name,
            "format": {"type": "string", "encoding": "utf-8"},
            "hashing": {
                "comparison": {"type": "ngram", "n": n, "positional": positional},
                "strategy": {"bitsPerToken": bits},
                "hash": {"type": "doubleHash"},
            },
        }

    schema = from_json_dict(
        {
            "version": 3,
            "clkConfig": {"l": 1024, "kdf": {"type": "HKDF", "hash": "SHA256", "keySize": 64}},
            "features": [
                feature("given_names", 2, 15),
                feature("surname_1", 2, 15),
                feature("surname_2", 2, 15),
                feature("date_of_birth", 1, 20, True),
                feature("sex", 1, 30),
            ],
        }
    )
    cols = ["given_names", "surname_1", "surname_2", "date_of_birth", "sex"]
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in (a_csv, b_csv)]
    for frame in frames:  # clkhash's documentation asks for normalised input: lower case
        for col in ("given_names", "surname_1", "surname_2"):
            frame[col] = frame[col].str.lower().str.strip()
    clks = [
        clk.generate_clks(f[cols].to_numpy().tolist(), schema, "shared-secret", validate=False)
        for f in frames
    ]
    blocks = [
        pq.read_table(p, columns=["block_1", "block_2", "block_3"]).to_pandas()
        for p in (enc_a, enc_b)
    ]
    keys = [list(zip(b.block_1, b.block_2, b.block_3, strict=True)) for b in blocks]

    def blocking_f(dataset: int, record: int, _hash: object) -> list[tuple[int, int]]:
        return [(i, int(k)) for i, k in enumerate(keys[dataset][record]) if k >= 0]

    candidates = anonlink.candidate_generation.find_candidate_pairs(
        clks, anonlink.similarities.dice_coefficient_accelerated, 0.8, blocking_f=blocking_f
    )
    groups = anonlink.solving.greedy_solve(candidates)
    rows = []
    for group in groups:
        members = dict(group)
        if 0 in members and 1 in members:
            rows.append((frames[0].record_id[members[0]], frames[1].record_id[members[1]]))
    pd.DataFrame(rows, columns=["record_id_a", "record_id_b"]).to_csv(out_csv, index=False)


def _match_accuracy(
    pairs_csv: Path, a: pd.DataFrame, b: pd.DataFrame
) -> tuple[float, float, float]:
    pairs = pd.read_csv(pairs_csv, dtype=str)
    pa_ = a.set_index("record_id")["person_id"]
    pb = b.set_index("record_id")["person_id"]
    tp = int((pa_.loc[pairs.record_id_a].to_numpy() == pb.loc[pairs.record_id_b].to_numpy()).sum())
    truth = len(set(a.person_id) & set(b.person_id))
    p = tp / max(len(pairs), 1)
    r = tp / truth
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def _row(name: str, n: str, stats: dict[str, float], acc: tuple[float, float, float]) -> str:
    cpu = f"{stats['cpu_s']:.1f}"
    if stats.get("children_cpu_s", 0.0) >= 0.5:  # clkhash hashes in worker processes
        cpu += f" (+{stats['children_cpu_s']:.1f} workers)"
    return (
        f"| {name} | {n} | {acc[0]:.4f} | {acc[1]:.4f} | {acc[2]:.4f} | "
        f"{stats['wall_s']:.1f} | {cpu} | {stats['peak_mb']:.0f} |"
    )


def _stopped_row(name: str, n: str, stop: Stopped) -> str:
    return (
        f"| {name} | {n} | – | – | – | {stop.reason} ({stop.wall_s:.0f} s) | "
        f"{stop.cpu_s:.1f} | {stop.peak_mb:.0f} (when stopped) |"
    )


def _caps() -> dict[str, float | None]:
    """Caps for the slower peers at large sizes (minutes, GB), from the environment."""
    minutes = os.environ.get("RUTA_BENCH_BASELINE_TIMEOUT_MIN")
    gb = os.environ.get("RUTA_BENCH_BASELINE_MEMORY_GB")
    return {
        "timeout_s": float(minutes) * 60 if minutes else None,
        "address_space_gb": float(gb) if gb else None,
    }


def bench_dedupe(work: Path, n: int, baseline_max: int) -> list[str]:
    reg = work / f"reg_{n}.csv"
    _cli("synth", str(n), "--out", str(reg), "--seed", "1", "--dup-rate", "0.2")
    registry = pd.read_csv(reg, dtype=str, keep_default_na=False)
    rows = []
    out = work / f"clusters_{n}.csv"
    stats = _cli("dedupe", str(reg), "--out", str(out), "--threshold", "0.9")
    rows.append(
        _row(
            "Ruta `ruta link dedupe` (CLI, DuckDB)",
            f"{n:,}",
            stats,
            _dedupe_accuracy(out, registry),
        )
    )
    print(f"(done) {rows[-1]}", file=sys.stderr, flush=True)
    if n <= baseline_max:
        name = "Splink tutorial configuration (DuckDB)"
        out_t = work / f"tutorial_{n}.csv"
        caps = _caps()
        # DuckDB's own limit a little under the address-space cap, so that it spills to
        # disk before the cap kills it.
        gb = caps["address_space_gb"]
        limit = f"{max(gb * 0.6, 1):.0f}GB" if gb else None
        if limit:
            name += f", memory_limit {limit}"
        try:
            stats = _child(
                f"""
                from bench.linkage import tutorial_dedupe
                tutorial_dedupe({str(reg)!r}, {str(out_t)!r}, {limit!r})
                extra = {{}}
                """,
                **caps,
            )
        except Stopped as stop:
            rows.append(_stopped_row(name, f"{n:,}", stop))
        else:
            rows.append(_row(name, f"{n:,}", stats, _dedupe_accuracy(out_t, registry)))
    return rows


def bench_intake(work: Path, n: int) -> list[str]:
    reg = work / f"reg_{n}.csv"
    if not reg.exists():
        _cli("synth", str(n), "--out", str(reg), "--seed", "1", "--dup-rate", "0.2")
    stats = _child(f"""
        import statistics
        import pandas as pd
        from ruta.linkage import RegistryIndex, read_registry
        reg = read_registry({str(reg)!r})
        t = time.perf_counter()
        index = RegistryIndex(reg)
        build = time.perf_counter() - t
        sample = reg.frame.sample(200, random_state=7)
        times = []
        hits = 0
        for _, row in sample.iterrows():
            query = row.to_dict()
            query["document_number"] = ""
            t = time.perf_counter()
            found = index.search(query)
            times.append((time.perf_counter() - t) * 1000)
            hits += any(c.record["record_id"] == row["record_id"] for c in found)
        times.sort()
        extra = {{"build_s": build, "median_ms": statistics.median(times),
                  "p95_ms": times[int(0.95 * len(times))], "max_ms": times[-1],
                  "found": hits / len(times)}}
    """)
    return [
        f"| RegistryIndex over {n:,} records | build {stats['build_s']:.1f} s | "
        f"median {stats['median_ms']:.1f} ms | p95 {stats['p95_ms']:.1f} ms | "
        f"max {stats['max_ms']:.1f} ms | own record found {stats['found']:.1%} | "
        f"peak {stats['peak_mb']:.0f} MB |"
    ]


def bench_match(work: Path, n: int, baseline_max: int) -> list[str]:
    base = work / f"split_{n}.csv"
    _cli("synth", str(n), "--out", str(base), "--split", "A,B", "--overlap", "0.3", "--seed", "2")
    a_csv, b_csv = work / f"split_{n}_A.csv", work / f"split_{n}_B.csv"
    a = pd.read_csv(a_csv, dtype=str, keep_default_na=False)
    b = pd.read_csv(b_csv, dtype=str, keep_default_na=False)
    key = work / "KEY"
    key.write_bytes(os.urandom(32).hex().encode())
    rows = []
    hardenings = os.environ.get("RUTA_BENCH_HARDENING", "balance,blip,none").split(",")
    for hardening in hardenings:
        ea, eb = work / f"ea_{hardening}.parquet", work / f"eb_{hardening}.parquet"
        out = work / f"pairs_{hardening}.csv"
        s1 = _cli(
            "encode",
            str(a_csv),
            "--secret-file",
            str(key),
            "--out",
            str(ea),
            "--hardening",
            hardening,
        )
        s2 = _cli(
            "encode",
            str(b_csv),
            "--secret-file",
            str(key),
            "--out",
            str(eb),
            "--hardening",
            hardening,
        )
        s3 = _cli("match", str(ea), str(eb), "--out", str(out))
        total = {
            "wall_s": s1["wall_s"] + s2["wall_s"] + s3["wall_s"],
            "cpu_s": s1["cpu_s"] + s2["cpu_s"] + s3["cpu_s"],
            "peak_mb": max(s1["peak_mb"], s2["peak_mb"], s3["peak_mb"]),
        }
        rows.append(
            _row(
                f"Ruta encode x2 + match, hardening={hardening}",
                f"2 x {n:,}",
                total,
                _match_accuracy(out, a, b),
            )
        )
    for row in rows:
        print(f"(done) {row}", file=sys.stderr, flush=True)
    if n <= baseline_max:
        name = "clkhash 0.17 + anonlink 0.15 (same blocks)"
        out = work / "pairs_anonlink.csv"
        # The keyed blocks do not depend on the hardening; any Ruta encoding supplies them.
        ea, eb = work / f"ea_{hardenings[-1]}.parquet", work / f"eb_{hardenings[-1]}.parquet"
        try:
            stats = _child(
                f"""
                from bench.linkage import anonlink_match
                anonlink_match({str(a_csv)!r}, {str(b_csv)!r}, {str(ea)!r}, {str(eb)!r},
                               {str(out)!r})
                extra = {{}}
                """,
                **_caps(),
            )
        except Stopped as stop:
            rows.append(_stopped_row(name, f"2 x {n:,}", stop))
        else:
            rows.append(_row(name, f"2 x {n:,}", stats, _match_accuracy(out, a, b)))
    return rows


def main() -> None:
    dedupe_n = int(os.environ.get("RUTA_BENCH_DEDUPE", "100000"))
    match_n = int(os.environ.get("RUTA_BENCH_MATCH", "50000"))
    intake_n = int(os.environ.get("RUTA_BENCH_INTAKE", str(dedupe_n)))
    baseline_max = int(os.environ.get("RUTA_BENCH_BASELINE_MAX", "100000"))
    sections = os.environ.get("RUTA_BENCH_SECTIONS", "dedupe,intake,match").split(",")
    print(
        f"linkage bench {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    header = (
        "| Run | Records | Precision | Recall | F1 | Wall s | CPU s | Peak MB |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    with tempfile.TemporaryDirectory(prefix="ruta-bench-linkage-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        if "dedupe" in sections:
            print("\nDeduplication\n" + header, flush=True)
            for line in bench_dedupe(work, dedupe_n, baseline_max):
                print(line, flush=True)
        if "intake" in sections:
            print("\nIntake search", flush=True)
            for line in bench_intake(work, intake_n):
                print(line, flush=True)
        if "match" in sections:
            print("\nPrivacy-preserving match\n" + header, flush=True)
            for line in bench_match(work, match_n, baseline_max):
                print(line, flush=True)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"\n(total {time.perf_counter() - started:.0f} s; load average now {load})", flush=True
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
