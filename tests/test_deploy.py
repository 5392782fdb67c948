"""The production path (scripts/deploy.sh) run as CI runs it: a fresh environment with
the locked runtime dependencies only, migrations, and the service on PostgreSQL answering
/readyz; the Dockerfile and compose.yaml that call the same script.

No Docker daemon runs here, so the image is not built; its steps are the script's, which
this test runs (docs/operations.md, "Deployment")."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text
from tests.conftest import PG_URL
from tests.serving import free_port

from ruta.store import make_engine

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "deploy.sh"
UV = str(Path(sys.executable).with_name("uv"))


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database, as a fresh deployment meets it."""
    name = f"ruta_deploy_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{PG_URL.rsplit('/', 1)[0]}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_the_deploy_script_serves_a_ready_service_on_postgresql(
    pg_database: str, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUTA_", "VIRTUAL_ENV"))}
    env |= {
        "RUTA_VENV": str(venv),
        "UV": UV,
        "RUTA_PYTHON": sys._base_executable,
        "RUTA_COMPILE_BYTECODE": "0",  # the image compiles; the test saves the time
    }
    installed = subprocess.run(
        ["bash", str(SCRIPT), "install"], env=env, capture_output=True, text=True, timeout=600
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    python = str(venv / "bin" / "python")
    probe = subprocess.run(
        [python, "-c",
         "import importlib.util as u, json, ruta;"
         "print(json.dumps([ruta.__file__, [m for m in ('pytest', 'ruff', 'mypy', 'playwright',"
         " 'hypothesis') if u.find_spec(m)], [m for m in ('fastapi', 'splink', 'psycopg')"
         " if u.find_spec(m)]]))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    where, dev_tools, runtime = json.loads(probe.stdout)
    assert dev_tools == [] and runtime == ["fastapi", "splink", "psycopg"]
    assert where.startswith(str(venv)), "Ruta is installed into the environment, not linked"

    port = free_port()
    token = "metrics-" + "k" * 24
    env |= {
        "RUTA_ENV": "production",
        "RUTA_SECRET_KEY": "s" * 48,
        "RUTA_COOKIE_SECURE": "true",
        "RUTA_DATABASE_URL": pg_database,
        "RUTA_DATA_DIR": str(tmp_path / "data"),
        "RUTA_HOST": "127.0.0.1",
        "RUTA_PORT": str(port),
        "RUTA_WORKERS": "2",
        "RUTA_KEYS_INIT_COUNTRIES": "COL",
        "RUTA_METRICS_TOKEN": token,
    }
    log = (tmp_path / "service.log").open("w")
    service = subprocess.Popen(
        ["bash", str(SCRIPT), "start"], env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        status, body = 0, b""
        # A wait budget, not a timing: on a loaded machine the parent and both workers
        # import the service from source (no bytecode in the test's environment).
        deadline = time.monotonic() + 420
        while time.monotonic() < deadline and service.poll() is None:
            try:
                status, body = _get(f"{base}/readyz")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert status == 200, (body, (tmp_path / "service.log").read_text()[-3000:])
        ready = json.loads(body)
        assert ready["status"] == "ready" and ready["checks"]["signing_keys"]["keys"] >= 2
        assert _get(f"{base}/healthz")[0] == 200
        # The operator can monitor it: metrics with the token, not without.
        assert _get(f"{base}/metrics")[0] == 404
        code, metrics = _get(f"{base}/metrics", {"Authorization": f"Bearer {token}"})
        assert code == 200 and b"ruta_database_up 1.0" in metrics
        headers = urllib.request.urlopen(f"{base}/healthz", timeout=10).headers
        assert "max-age" in headers["Strict-Transport-Security"]
    finally:
        os.killpg(service.pid, signal.SIGTERM)
        try:
            service.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(service.pid, signal.SIGKILL)
            service.wait(10)
        log.close()


def test_the_script_refuses_unknown_steps() -> None:
    done = subprocess.run(
        ["bash", str(SCRIPT), "deploy-everything"], capture_output=True, text=True
    )
    assert done.returncode == 2 and "usage" in done.stderr


def _script_steps() -> set[str]:
    return set(re.findall(r"^    ([a-z]+)\) ", SCRIPT.read_text(), flags=re.M))


def test_the_dockerfile_runs_the_script_as_an_unprivileged_user() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", dockerfile, flags=re.M)
    assert len(stages) >= 2, "multi-stage"
    assert re.search(r"^RUN .*scripts/deploy\.sh install$", dockerfile, flags=re.M)
    runtime = dockerfile.split(f"AS {stages[-1]}", 1)[1]
    user = re.findall(r"^USER (\S+)", runtime, flags=re.M)
    assert user and not user[-1].startswith(("root", "0"))
    assert 'ENTRYPOINT ["/opt/ruta/deploy.sh"]' in runtime
    assert re.search(r'^CMD \["(\w+)"\]', runtime, flags=re.M).group(1) in _script_steps()
    assert "uv.lock" in dockerfile


def test_compose_has_postgres_with_a_volume_the_service_and_the_notifier() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) >= {"db", "ruta", "notifier"}
    db = services["db"]
    assert db["image"].startswith("postgres:")
    named = {v.split(":", 1)[0] for v in db["volumes"]}
    assert named <= set(compose["volumes"]) and any(
        v.endswith(":/var/lib/postgresql/data") for v in db["volumes"]
    )
    steps = _script_steps()
    assert services["ruta"]["command"] == ["start"] and "start" in steps  # migrates first
    assert services["notifier"]["command"] == ["notify"] and "notify" in steps
    assert "ruta notify run" in SCRIPT.read_text()
    assert services["ruta"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["notifier"]["depends_on"]["ruta"]["condition"] == "service_healthy"
    for name in ("ruta", "notifier"):
        environment = services[name]["environment"]
        assert environment["RUTA_ENV"] == "production"
        assert environment["RUTA_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert services[name].get("image") == "ruta:local"
    assert services["ruta"]["build"] == "."
