"""The chatbot example of docs/eligibility-api.md, run as a script against a live service."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from ruta.settings import Settings
from ruta.web import create_app

ROOT = Path(__file__).parents[3]
SCRIPT = ROOT / "examples" / "eligibility_chatbot.py"
# What a returning person already told the bot; anything else asked would end the run.
KNOWN = {
    "host_country": "ARG",
    "nationalities": ["BOL"],
    "nationalities.acquired": "birth",
    "criminal_records": "false",
    "permits": "false",
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("chatbot")
    settings = Settings(
        env="test",
        secret_key="test-secret-" + "x" * 40,
        database_url=f"sqlite:///{tmp / 'unused.db'}",
        data_dir=tmp / "var",
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):  # the server answers within a few seconds; a loaded machine is slow
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "the service did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def _chat(url: str, tmp_path: Path, answers: dict, stdin: str = "", *args: str):
    known = tmp_path / "known.json"
    known.write_text(json.dumps(answers), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--url", url, "--answers", str(known), "--json", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_chatbot_reaches_the_same_answer_as_eligibility(service: str, tmp_path: Path) -> None:
    done = _chat(service, tmp_path, KNOWN, "", "--lang", "es")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    statuses = {r["pathway"]: r["status"] for r in result["results"]}
    assert statuses["arg.mercosur-temporary"] == "eligible"
    assert result["lang"] == "es"
    assert ": eligible" in done.stdout  # what the person reads, one line per pathway


def test_the_chatbot_asks_what_it_does_not_know_and_retries_a_bad_answer(
    service: str, tmp_path: Path
) -> None:
    partial = {k: v for k, v in KNOWN.items() if k != "criminal_records"}
    # A first answer the API refuses (the engine says why), then the option's number.
    done = _chat(service, tmp_path, partial, "maybe\n2\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Do you have a criminal record") == 2
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert {r["pathway"]: r["status"] for r in result["results"]}["arg.mercosur-temporary"] == (
        "eligible"
    )


def test_the_chatbot_stops_cleanly_when_the_person_stops(service: str, tmp_path: Path) -> None:
    done = _chat(service, tmp_path, {"host_country": "ARG"})
    assert done.returncode == 1 and "stopped" in done.stderr and "Traceback" not in done.stderr
