"""The pathways engine against reference cases written from the legal reference alone.

``cases.yaml`` holds cases derived from ``../shared/reference/legal.md`` by someone who did
not read the rule packs, so that agreement is evidence rather than an echo (issue 2, "Done
when"). Every case runs through ``ruta.pathways.evaluate``; three also run through the
``ruta pathways check`` command. A case the engine still gets wrong carries a
``known_issue`` and is expected to fail (strict xfail), so the disagreement stays visible
and the test turns red the day the pack is fixed and the marker must go.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from ruta.pathways import evaluate

CASES_FILE = Path(__file__).with_name("cases.yaml")
STATUSES = frozenset({"eligible", "ineligible", "undetermined"})
CASE_KEYS = frozenset({"name", "law", "as_of", "profile", "expect", "known_issue"})
# The pathway ids of issue 2 section 3 that the brief asks this oracle to cover.
_MERCOSUR_HOSTS = ("arg", "bra", "pry", "ury", "bol", "chl", "per", "ecu", "col")
_ANDEAN_HOSTS = ("bol", "col", "ecu", "per")
REQUIRED_PATHWAYS = frozenset(
    [f"{h}.mercosur-{kind}" for h in _MERCOSUR_HOSTS for kind in ("temporary", "permanent")]
    + [f"{h}.andean-{kind}" for h in _ANDEAN_HOSTS for kind in ("temporary", "permanent")]
    + [
        "col.ppt",
        "col.pep-tutor",
        "bra.border-residence",
        "per.cpp-2023",
        "chl.regularization-2021",
        "ecu.virte-2022",
        "mex.humanitarian-visitor",
    ]
)
# Cases also checked through the CLI: one per family of law (treaty window, national
# programme window edge, three-valued "undetermined").
CLI_CASES = (
    "arg-perm-day-90-before-expiry",
    "col-pep-tutor-day-after-close",
    "arg-temp-naturalization-date-unknown",
)


def _plain(value: Any) -> Any:
    """YAML dates as ISO strings, so a profile is exactly what a JSON caller would send."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_cases() -> list[dict[str, Any]]:
    """The reference cases, with plain JSON-like profiles and ``as_of`` as a date."""
    raw = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = []
    for item in raw["cases"]:
        case = dict(item)
        case["as_of"] = dt.date.fromisoformat(_plain(item["as_of"]))
        case["profile"] = _plain(item["profile"])
        cases.append(case)
    return cases


CASES = load_cases()
BY_NAME = {case["name"]: case for case in CASES}


def _param(case: dict[str, Any]) -> Any:
    marks = []
    if case.get("known_issue"):
        marks.append(pytest.mark.xfail(reason=case["known_issue"], strict=True))
    return pytest.param(case, id=case["name"], marks=marks)


def _disagreements(case: dict[str, Any], statuses: Mapping[str, str]) -> list[str]:
    return [
        f"{pathway}: expected {want}, engine says {statuses.get(pathway, 'nothing')}"
        for pathway, want in case["expect"].items()
        if statuses.get(pathway) != want
    ]


# --- the case file itself -----------------------------------------------------------------


def test_case_names_are_unique() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_every_case_is_complete_and_cited() -> None:
    for case in CASES:
        assert set(case) <= CASE_KEYS, case["name"]
        assert "legal.md" in case["law"], f"{case['name']}: the reasoning must cite legal.md"
        assert "\n" not in case["law"].strip(), f"{case['name']}: reasoning is one line"
        assert case["expect"], f"{case['name']}: expects nothing"
        assert set(case["expect"].values()) <= STATUSES, case["name"]
        assert set(case["expect"]) <= REQUIRED_PATHWAYS, case["name"]


def test_cases_cover_every_pathway_and_every_status() -> None:
    covered = {pathway for case in CASES for pathway in case["expect"]}
    assert len(CASES) >= 60
    assert covered == REQUIRED_PATHWAYS, sorted(REQUIRED_PATHWAYS - covered)
    seen = {status for case in CASES for status in case["expect"].values()}
    assert seen == STATUSES


# --- the engine against the reference -----------------------------------------------------


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_engine_agrees_with_reference(case: dict[str, Any]) -> None:
    result = evaluate(case["profile"], case["as_of"], pathways=list(case["expect"]))
    statuses = {r.pathway: r.status for r in result.results}
    assert not _disagreements(case, statuses), (case["law"], _disagreements(case, statuses))


# --- the CLI against the reference --------------------------------------------------------


def _ruta() -> str:
    # The console script installed next to the interpreter running the tests (.venv/bin).
    return str(Path(sys.executable).with_name("ruta"))


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_check_agrees_with_reference(name: str, tmp_path: Path) -> None:
    case = BY_NAME[name]
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(case["profile"]), encoding="utf-8")
    command = [
        _ruta(),
        "pathways",
        "check",
        str(profile),
        "--as-of",
        case["as_of"].isoformat(),
        "--format",
        "json",
    ]
    for pathway in case["expect"]:
        command += ["--pathway", pathway]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["as_of"] == case["as_of"].isoformat()
    statuses = {r["pathway"]: r["status"] for r in body["results"]}
    assert not _disagreements(case, statuses), (case["law"], _disagreements(case, statuses))
