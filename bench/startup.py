"""Cold start of the ``ruta`` command (``--help``, ``--version``, one ``pathways check``, a
refused ``serve``) and of the web service (``create_app()``, as each ``ruta serve`` worker).

Each command runs in a fresh interpreter (no warm process, as a person typing it), ``REPS``
times, for two source trees side by side in the same run, interleaved so that the machine's
load weighs on both alike:

- ``before``: the tree at ``RUTA_BENCH_BEFORE`` (a git revision; default: the commit before
  the lazy command loading of issue 11 §6), checked out in a temporary git worktree;
- ``after``: this tree.

The peer is the interpreter itself starting and exiting (``python -c pass``) in the same run:
a command cannot start faster than that, so ``ratio`` is the command's wall time over it.
Reported per command: median wall time and CPU time (user + system of the child), how
many modules the command imported (``-X importtime`` lines) and the time those imports took
(the sum of ``-X importtime``'s cumulative column over the top-level imports).

Run: ``.venv/bin/python -m bench startup``. ``RUTA_BENCH_REPS`` (default 7) resizes it.
Results: printed as a markdown table and written to ``bench/out/startup.json``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).parents[1]
OUT = ROOT / "bench" / "out"
BEFORE = os.environ.get("RUTA_BENCH_BEFORE", "f50a112")
REPS = int(os.environ.get("RUTA_BENCH_REPS", "7"))
PROFILE = ROOT / "examples" / "profile-bolivian-in-argentina.json"
COMMANDS: dict[str, list[str]] = {
    "ruta --help": ["--help"],
    "ruta --version": ["--version"],
    "ruta pathways check PROFILE": ["pathways", "check", str(PROFILE), "--as-of", "2026-11-28"],
    "ruta serve --root-path 'ruta?x'": ["serve", "--root-path", "ruta?x"],
    "create_app()": [],
}
ENTRY = "from ruta.cli import main; main()"
#: Commands that are not ``ruta`` with arguments: the code run instead of ``ENTRY``.
ENTRIES = {"create_app()": "from ruta.web.app import create_app; create_app()"}
#: The exit code a command must give (0 when absent): a refusal exits with 2.
EXPECTED = {"ruta serve --root-path 'ruta?x'": 2}


class _Sample(NamedTuple):
    """One fresh process: wall and CPU seconds, exit code, modules and import seconds."""

    wall: float
    cpu: float
    code: int
    modules: int
    imports: float


def _import_seconds(stderr: str) -> float:
    """Seconds spent importing: ``-X importtime``'s cumulative column, top-level lines."""
    total = 0
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2][1:].startswith(" "):
            total += int(parts[1])
    return total / 1e6


def _run(src: Path | None, args: list[str], entry: str | None = None) -> _Sample:
    """Wall seconds, CPU seconds, exit code, modules imported and import seconds, for one
    fresh process (``entry`` runs instead of the ``ruta`` command when given)."""
    env = dict(os.environ)
    env.pop("RUTA_PACKS", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)  # ahead of the installed (editable) tree
    if entry is not None:
        code = ["-X", "importtime", "-c", entry]
    else:
        code = ["-c", "pass"] if not args else ["-X", "importtime", "-c", ENTRY, *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *code], capture_output=True, text=True, env=env, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    timed = bool(args) or entry is not None
    modules = done.stderr.count("import time:") - 1 if timed else 0
    imports = _import_seconds(done.stderr) if timed else 0.0
    return _Sample(wall, cpu, done.returncode, max(modules, 0), imports)


def measure(trees: dict[str, Path | None]) -> dict[str, dict[str, dict[str, float]]]:
    """Median wall and CPU per command and tree, with the interpreter's own start as peer."""
    samples: dict[str, dict[str, list[_Sample]]] = {}
    for _ in range(REPS):
        for command, args in {"python -c pass (peer)": [], **COMMANDS}.items():
            entry = ENTRIES.get(command)
            for tree, src in trees.items():
                if (not (args or entry) or args == ["--version"]) and tree != "after":
                    continue  # the peer runs once; --version did not exist before
                samples.setdefault(command, {}).setdefault(tree, []).append(_run(src, args, entry))
    peer = statistics.median(r.wall for r in samples["python -c pass (peer)"]["after"])
    results: dict[str, dict[str, dict[str, float]]] = {}
    for command, by_tree in samples.items():
        for tree, runs in by_tree.items():
            if any(r.code != EXPECTED.get(command, 0) for r in runs):
                raise SystemExit(f"{command} failed in the {tree} tree")
            wall = statistics.median(r.wall for r in runs)
            results.setdefault(command, {})[tree] = {
                "wall_s": round(wall, 3),
                "cpu_s": round(statistics.median(r.cpu for r in runs), 3),
                "modules": statistics.median(r.modules for r in runs),
                "import_s": round(statistics.median(r.imports for r in runs), 3),
                "ratio_to_peer": round(wall / peer, 1),
            }
    return results


def main() -> None:
    """Measure both trees and print the table."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), BEFORE],
            check=True,
            capture_output=True,
        )
        try:
            results = measure({"before": old / "src", "after": None})
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)],
                check=False,
                capture_output=True,
            )
    load_after = os.getloadavg()
    print(f"startup: {REPS} runs each, load {load_before[0]:.1f} -> {load_after[0]:.1f}")
    print(
        "| Command | Tree | Wall (median) | CPU (median) | Modules | Imports (median) "
        "| × python -c pass |"
    )
    print("|---|---|---|---|---|---|---|")
    for command, by_tree in results.items():
        for tree, row in by_tree.items():
            print(
                f"| `{command}` | {tree} | {row['wall_s']:.3f} s | {row['cpu_s']:.3f} s | "
                f"{row['modules']:.0f} | {row['import_s']:.3f} s | {row['ratio_to_peer']} |"
            )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "startup.json").write_text(
        json.dumps(
            {
                "before": BEFORE,
                "reps": REPS,
                "load": [load_before, load_after],
                "machine": platform.platform(),
                "cpus": os.cpu_count(),
                "results": results,
            },
            indent=2,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
