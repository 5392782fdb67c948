"""Packaging: the wheel's metadata (one version, licence, py.typed, extras), and a
verifier-only install that verifies a permit without Splink, Spark or the web stack."""

from __future__ import annotations

import email.parser
import os
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import ruta

REPO = Path(__file__).resolve().parents[1]
UV = str(Path(sys.executable).with_name("uv"))
HEAVY = {"splink", "pyspark", "fastapi", "uvicorn", "sqlalchemy", "starlette", "pandas"}
EXTRAS = {"verify", "web", "linkage", "stats", "labour", "spark", "all"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [UV, "build", "--wheel", "--out-dir", str(out), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (built,) = out.glob("ruta-*.whl")
    return built


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(zf.read(name).decode())


def _requirements(meta: email.message.Message, extra: str | None) -> set[str]:
    """Names required by the base install (extra=None) or by one extra."""
    names = set()
    for line in meta.get_all("Requires-Dist") or []:
        req = Requirement(line)
        if extra is None:
            wanted = req.marker is None
        else:
            wanted = req.marker is not None and req.marker.evaluate({"extra": extra})
        if wanted:
            names.add(req.name.lower())
    return names


def test_wheel_metadata(wheel: Path) -> None:
    meta = _metadata(wheel)
    assert meta["Name"] == "ruta" and meta["Version"] == ruta.__version__
    assert meta["License-Expression"] == "Apache-2.0"
    assert set(meta.get_all("Provides-Extra") or []) >= EXTRAS
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "ruta/py.typed" in names
        licence = next(n for n in names if n.endswith("licenses/LICENSE"))
        text = zf.read(licence).decode()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert (REPO / "LICENSE").read_text() == text
    core = _requirements(meta, None)
    assert core and not core & HEAVY, core & HEAVY
    verify = core | _requirements(meta, "verify")
    assert {"zxing-cpp", "segno", "cryptography", "cbor2"} <= verify
    assert not verify & HEAVY, verify & HEAVY
    assert {"fastapi", "sqlalchemy", "splink"} <= _requirements(meta, "web")
    assert _requirements(meta, "spark") == {"pyspark"}
    assert "pyspark" not in _requirements(meta, "all")


def test_one_version_source() -> None:
    import tomllib

    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert ruta.__version__ == declared
    assert "__version__ =" not in (REPO / "src/ruta/__init__.py").read_text().replace(
        "__version__ = version(", ""
    ).replace('__version__ = "0+unknown"', "")


def test_a_verifier_only_install_verifies_a_permit(wheel: Path, tmp_path: Path) -> None:
    from ruta.permits import issue_for_application

    keys = tmp_path / "keys"
    today = datetime.now(UTC).date()
    payload = issue_for_application(
        application_id="a1", pathway_id="col.ppt", host_country="COL",
        holder={"given_names": "Ana", "surname_1": "Pérez", "date_of_birth": "1990-01-02",
                "nationality": "VEN", "sex": "F"},
        valid_from=today, valid_until=date(today.year + 2, 1, 1), rights=["work"],
        status_index=1, keys_dir=keys, development_keys=True,
    ).payload  # fmt: skip
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    subprocess.run([UV, "venv", "--python", sys.executable, str(venv)], check=True,
                   capture_output=True, env=env, timeout=120)  # fmt: skip
    # The locked versions of the base install and the verify extra (uv's shared cache makes
    # this fast), then the wheel itself: what `pip install "ruta[verify]"` would bring.
    locked = tmp_path / "verify.txt"
    subprocess.run(
        [UV, "export", "--frozen", "--no-dev", "--extra", "verify", "--no-emit-project",
         "--no-hashes", "--quiet", "--output-file", str(locked)],
        check=True, capture_output=True, env=env, cwd=REPO, timeout=120,
    )  # fmt: skip
    python = str(venv / "bin" / "python")
    for args in (["-r", str(locked)], ["--no-deps", str(wheel)]):
        subprocess.run([UV, "pip", "install", "--python", python, *args],
                       check=True, capture_output=True, env=env, timeout=300)  # fmt: skip
    absent = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import importlib.util as u; print([m for m in "
         "('splink','pyspark','fastapi','uvicorn','sqlalchemy','pandas') if u.find_spec(m)])"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert absent.stdout.strip() == "[]"
    ruta_bin = str(venv / "bin" / "ruta")
    verified = subprocess.run(
        [ruta_bin, "permits", "verify", payload, "--dir", str(keys), "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert '"valid": true' in verified.stdout or '"status": "valid"' in verified.stdout
    # A command of another pillar says which extra it needs, without a traceback.
    serve = subprocess.run([ruta_bin, "serve"], capture_output=True, text=True, timeout=120)
    assert serve.returncode == 2 and "ruta[web]" in serve.stderr
    assert "Traceback" not in serve.stderr


def test_the_lock_matches_the_extras() -> None:
    # pyproject's dependencies and extras and uv.lock agree (make install uses --frozen,
    # which would otherwise install a stale lock silently).
    done = subprocess.run(
        [UV, "lock", "--check", "--offline"], cwd=REPO, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
