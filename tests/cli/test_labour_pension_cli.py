"""``ruta labour pension``: the JSON contract read back, readable text, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HISTORY = [
    {"country": "ARG", "from": "1995-03-01", "to": "2009-12-31", "scheme": "SIPA"},
    {"country": "CHL", "from": "2010-01-01", "to": "2019-12-31", "scheme": "AFP"},
    {"country": "BRA", "from": "2019-06-01", "to": "2020-03-31", "voluntary": True},
]


@pytest.fixture()
def history(tmp_path: Path) -> Path:
    path = tmp_path / "periods.json"
    path.write_text(json.dumps(HISTORY, indent=2), encoding="utf-8")
    return path


def test_json_is_the_contract(cli, history: Path) -> None:
    done = cli("labour", "pension", str(history), "--as-of", "2026-01-01", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # the standard library's reader, not our models
    assert {"agreement", "total_days", "states"} <= set(data)
    assert data["agreement"] == "iberoamerican"
    assert [s["country"] for s in data["states"]] == ["ARG", "CHL", "BRA"]
    for state in data["states"]:
        assert {"country", "days", "pro_rata"} <= set(state)
        assert state["pro_rata"] == state["days"] / data["total_days"]
    assert sum(s["days"] for s in data["states"]) == data["total_days"]
    assert sum(s["pro_rata"] for s in data["states"]) == pytest.approx(1)
    # The voluntary Brazilian months that overlap Chile's compulsory ones count once, for Chile.
    assert data["overlaps"] == [
        {
            "from": "2019-06-01",
            "to": "2019-12-31",
            "days": 214,
            "countries": ["BRA", "CHL"],
            "lines": [8, 14],
            "kept_by": "CHL",
            "kept_line": 8,
            "rule": "compulsory",
        }
    ]
    brazil = data["states"][2]
    assert (brazil["bound_to_pay"], brazil["months"]) == (False, 3)
    assert all(step["citation"] and step["confidence"] for step in data["steps"])
    assert data["uncertain"] is True and data["confidence"] == "UNCERTAIN"


def test_csv_on_stdin_with_illustrative_amounts(cli) -> None:
    csv = "country,from,to,wage\nARG,1990-01-01,2009-12-31,900000\nBRA,2010-01-01,2024-12-31,4000\n"
    done = cli(
        "labour",
        "pension",
        "-",
        "--as-of",
        "2026-01-01",
        "--format",
        "json",
        "--parameters",
        "illustrative",
        "--lang",
        "es",
        stdin=csv,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["agreement"] == "mercosur"
    assert data["parameters"] == {
        "illustrative": True,
        "title": "Parámetros ILUSTRATIVOS: no son la ley de ningún Estado",
    }
    argentina = data["states"][0]["amounts"]
    assert argentina["illustrative"] is True and argentina["currency"] == "ARS"
    assert argentina["basis"] in {"independent", "pro_rata"} and argentina["paid"]


def test_text_output_reads_as_a_table_with_reasons(cli, history: Path) -> None:
    done = cli(
        "labour",
        "pension",
        str(history),
        "--as-of",
        "2026-01-01",
        "--lang",
        "es",
        "--parameters",
        "illustrative",
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for expected in (
        "Convenio Multilateral Iberoamericano de Seguridad Social",
        "Argentina",
        "Por qué",
        "art. 13.1 b)",
        "(UNCERTAIN)",
        "Parámetros ILUSTRATIVOS",
        "no obligado a pagar",
        "Días cubiertos dos veces (contados una vez)",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["-"],
            '[{"country": "ARG", "from": "2000-01-01", "to": "1999-01-01"}]',
            "line 1, to: 1999-01-01 is before from (2000-01-01)",
        ),
        (["-"], "country,from\nARG,2000-01-01\n", "missing: to"),
        (["/nonexistent/periods.json"], "", "cannot read /nonexistent/periods.json"),
        (["-", "--agreement", "andean"], "[]", "agreement: no agreement 'andean'"),
        (["-", "--format", "xml"], "[]", "--format: got 'xml'; expected text or json"),
        (["-", "--as-of", "2026-02-30"], "[]", "--as-of: got '2026-02-30'"),
        (["-", "--lang", "de"], "[]", "--lang: got 'de'; expected one of"),
        (["-", "--parameters", "/nonexistent.yaml"], "[]", "cannot read it"),
    ],
)
def test_bad_input_is_a_message_with_exit_code_2(cli, args, stdin, message) -> None:
    done = (
        cli("labour", "pension", *args, "--as-of", "2026-01-01", stdin=stdin)
        if ("--as-of" not in args)
        else cli("labour", "pension", *args, stdin=stdin)
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
