"""The service starts without the engines only some requests use.

SciPy, sdmx1 (with pandas), pyarrow, NumPy, DuckDB, HiGHS, matplotlib, fpdf2 and Alembic
took seconds to import, paid by every ``ruta serve`` worker and every test server although
a statistics, chart, card or migration request loads them when it comes. Checked by the
modules loaded in a fresh interpreter (not by timing, which a busy machine makes flaky).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: Top-level packages the start-up must not import.
HEAVY = frozenset(
    {
        "alembic",
        "duckdb",
        "fpdf",
        "highspy",
        "matplotlib",
        "numpy",
        "pandas",
        "pyarrow",
        "scipy",
        "sdmx",
        "statsmodels",
    }
)

PROBES = {
    "stats": "import ruta.stats",
    "charts": "import ruta.charts",
    "permits": "import ruta.permits",
    "app": "from ruta.web.app import create_app\ncreate_app()",
}


def _loaded(tmp_path: Path, code: str) -> set[str]:
    """The top-level packages imported by ``code`` in a fresh interpreter."""
    report = "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    probe = f"import json, sys\n{code}\n{report}\n"
    env = {
        **os.environ,
        "RUTA_DATABASE_URL": f"sqlite:///{tmp_path / 'ruta.db'}",
        "RUTA_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("code", PROBES.values(), ids=PROBES.keys())
def test_start_up_imports_no_heavy_engine(tmp_path: Path, code: str) -> None:
    loaded = _loaded(tmp_path, code)
    assert sorted(loaded & HEAVY) == []
    assert "ruta" in loaded  # the probe ran the import it names


def test_the_probe_sees_an_engine_once_used(tmp_path: Path) -> None:
    # The guard must be able to fail: a chart drawn, or a permit decoded, loads them.
    loaded = _loaded(tmp_path, "import ruta.charts\nruta.charts.new_figure()")
    assert "matplotlib" in loaded
    loaded = _loaded(tmp_path, "from ruta.permits import b45decode\nb45decode('QED8WEX0')")
    assert "numpy" in loaded
