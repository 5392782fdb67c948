"""Each command imports only what it uses: ``--help``, ``--version`` and one check stay light.

Checked by the modules loaded when the command exits (not by timing, which a busy machine
would make flaky).
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from ruta.cli._app import COMMANDS, app

PROFILE = Path(__file__).parents[2] / "examples" / "profile-bolivian-in-argentina.json"
HEAVY = (
    "numpy",
    "pandas",
    "polars",
    "duckdb",
    "pyarrow",
    "splink",
    "pyspark",
    "fastapi",
    "starlette",
    "sqlalchemy",
    "uvicorn",
    "fpdf",
    "PIL",
    "qrcode",
    "statsmodels",
    "scipy",
    "matplotlib",
    "cryptography",
    "jinja2",
    "alembic",
)
# Runs the real entry point and, at exit, prints which of the heavy modules were imported.
PROBE = (
    "import atexit, json, sys\n"
    "heavy = set(sys.argv.pop(1).split(','))\n"
    "atexit.register(lambda: sys.stderr.write('\\nMODULES ' + json.dumps(sorted("
    "{m.split('.')[0] for m in sys.modules} & heavy))))\n"
    "from ruta.cli import main\n"
    "main()\n"
)


def _run(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(HEAVY), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    marker = done.stderr.rsplit("MODULES ", 1)
    assert len(marker) == 2, done.stderr
    return done, json.loads(marker[1])


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--version",),
        ("pathways", "--help"),
        ("pathways", "check", str(PROFILE), "--as-of", "2026-11-28"),
        ("pathways", "check", str(PROFILE), "--format", "json", "--lang", "es"),
    ],
    ids=["help", "version", "pathways-help", "check", "check-json"],
)
def test_light_commands_import_no_heavy_library(args: tuple[str, ...]) -> None:
    done, heavy = _run(*args)
    assert done.returncode == 0, done.stderr
    assert heavy == []


def test_serve_refuses_a_bad_root_path_before_loading_the_web_service() -> None:
    # The options are checked first: the refusal costs no import of ruta.web (FastAPI,
    # SQLAlchemy, the statistics engines), which took seconds on a busy machine.
    done, heavy = _run("serve", "--root-path", "ruta?x")
    assert done.returncode == 2 and "root_path" in done.stderr and "/ruta" in done.stderr
    assert heavy == []


def test_the_probe_sees_heavy_imports() -> None:
    # The guard must be able to fail: a command that does use the web stack shows it.
    done, heavy = _run("serve", "--help")
    assert done.returncode == 0, done.stderr
    done, heavy = _run("permits", "--help")
    assert done.returncode == 0 and heavy, done.stderr


def test_version_prints_the_installed_version() -> None:
    done, _ = _run("--version")
    assert done.stdout.strip() == f"ruta {version('ruta')}"


def test_help_lists_every_command_with_its_own_summary() -> None:
    import typer

    group = typer.main.get_command(app)
    ctx = group.context_class(group)
    for name, (_, _, summary) in COMMANDS.items():
        command = group.get_command(ctx, name)
        assert command is not None and command.get_short_help_str(limit=1000) == summary, name
    done, _ = _run("--help")
    for name in COMMANDS:
        assert f" {name} " in done.stdout
