"""The open eligibility API: same answer as the CLI, no login, nothing logged, rate limited."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ruta.pathways import use_packs
from ruta.settings import Settings
from ruta.web import create_app

ROOT = Path(__file__).parents[3]
EXAMPLE = ROOT / "examples" / "packs"
SECRET = "test-secret-" + "x" * 40
# Distinctive values that must never reach a log line.
PROFILE = {
    "host_country": "ARG",
    "in_host_country": True,
    "nationalities": [{"country": "BOL", "acquired": "birth"}],
    "date_of_birth": "1987-03-14",
    "entry": {"date": "2025-02-17", "authorized_crossing": True},
    "criminal_records": [],
}


def _client(tmp_path: Path, **values: object) -> TestClient:
    settings = Settings(
        env="test",
        secret_key=SECRET,
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        data_dir=tmp_path / "var",
        **values,
    )
    return TestClient(create_app(settings))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api")


@pytest.fixture(scope="module")
def client(home: Path) -> Iterator[TestClient]:
    with _client(home, eligibility_rate_limit="1000/minute") as c:
        yield c


def _cli_json(profile: dict, *args: str, tmp_path: Path) -> dict:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ruta.cli import main; main()",
            "pathways",
            "check",
            str(path),
            "--format",
            "json",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("body", "args"),
    [
        ({"as_of": "2026-11-28", "lang": "es"}, ["--as-of", "2026-11-28", "--lang", "es"]),
        (
            {"as_of": "2026-11-28", "lang": "pt-BR", "pathways": ["arg.mercosur-temporary"]},
            ["--as-of", "2026-11-28", "--lang", "pt-BR", "--pathway", "arg.mercosur-temporary"],
        ),
        ({"as_of": "2026-11-28", "lang": "ht-HT"}, ["--as-of", "2026-11-28", "--lang", "ht"]),
    ],
)
def test_eligibility_answers_exactly_what_the_cli_prints(
    client: TestClient, tmp_path: Path, body: dict, args: list[str]
) -> None:
    response = client.post("/api/v1/eligibility", json={"profile": PROFILE, **body})
    assert response.status_code == 200, response.text
    assert response.json() == _cli_json(PROFILE, *args, tmp_path=tmp_path)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"profile": {"nationalities": [{"country": "XX"}]}}, "profile.nationalities.0.country"),
        ({"profile": {"date_of_birth": "14/03/1987"}}, "profile.date_of_birth"),
        ({"profile": {"wings": True}}, "profile.wings"),
        ({"profile": {}, "as_of": "28/11/2026"}, "as_of"),
        ({"profile": {}, "lang": "tlh"}, "lang"),
        ({"profile": {}, "pathways": ["xyz.nothing"]}, "pathway"),
        ({}, "profile"),
        ({"profile": {}, "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_422_problem_json_naming_the_field(
    client: TestClient, body: dict, field: str
) -> None:
    response = client.post("/api/v1/eligibility", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field and response.json()["detail"]


@pytest.mark.parametrize(
    ("profile", "field", "english", "spanish"),
    [
        (
            {"nationalities": [{"country": "XX"}]},
            "profile.nationalities.0.country",
            "'XX' is not a country code; expected an ISO 3166-1 alpha-3 code in capitals, "
            "e.g. VEN, COL, BRA",
            "'XX' no es un código de país; se espera un código ISO 3166-1 alfa-3 en "
            "mayúsculas, p. ej. VEN, COL, BRA",
        ),
        (
            {"entry": {"date": "17/02/2025"}},
            "profile.entry.date",
            "'17/02/2025' is not a date; expected the form YYYY-MM-DD, e.g. 2025-02-01",
            "'17/02/2025' no es una fecha; se espera la forma AAAA-MM-DD, p. ej. 2025-02-01",
        ),
        (
            {"date_of_birth": "1990-13-45"},
            "profile.date_of_birth",
            "'1990-13-45' names no real day or month; expected YYYY-MM-DD, or YYYY-MM or YYYY "
            "when only the month or the year is known, e.g. 1990-05-17, 1990-05 or 1990",
            "'1990-13-45' no corresponde a ningún día o mes real; se espera AAAA-MM-DD, o "
            "AAAA-MM o AAAA cuando solo se conoce el mes o el año, p. ej. 1990-05-17, 1990-05 "
            "o 1990",
        ),
    ],
)
def test_a_malformed_profile_is_refused_in_the_language_of_accept_language(
    client: TestClient, profile: dict, field: str, english: str, spanish: str
) -> None:
    body = {"profile": profile}
    en = client.post("/api/v1/eligibility", json=body)
    es = client.post("/api/v1/eligibility", json=body, headers={"Accept-Language": "es-CO"})
    assert en.status_code == es.status_code == 422
    assert es.headers["content-type"] == "application/problem+json"
    assert en.json()["detail"] == english
    assert es.json()["detail"] == spanish
    assert es.json()["errors"] == [{"field": field, "message": spanish}]
    assert (es.json()["title"], es.json()["type"], es.json()["field"]) == (
        en.json()["title"],
        en.json()["type"],
        field,
    )


def test_an_unknown_pathway_is_404_said_in_the_language_of_accept_language(
    client: TestClient,
) -> None:
    en = client.get("/api/v1/pathways/zzz.nothing")
    fr = client.get("/api/v1/pathways/zzz.nothing", headers={"Accept-Language": "fr"})
    assert en.status_code == fr.status_code == 404
    assert en.json()["detail"] == "unknown pathway 'zzz.nothing' (see `ruta pathways list`)"
    assert fr.json()["detail"] == "voie inconnue 'zzz.nothing' (voir `ruta pathways list`)"
    assert (fr.json()["title"], fr.json()["field"]) == (en.json()["title"], "pathway_id")


@pytest.mark.parametrize(
    ("url", "field", "english", "spanish"),
    [
        (
            "/api/v1/pathways?lang=de",
            "lang",
            "got 'de'; expected one of es, pt, en, fr, ht (a region such as pt-BR is accepted)",
            "se recibió 'de'; se esperaba uno de es, pt, en, fr, ht (se acepta una región, "
            "como pt-BR)",
        ),
        (
            "/api/v1/pathways/col.ppt?lang=xx-YY",
            "lang",
            "got 'xx-YY'; expected one of es, pt, en, fr, ht (a region such as pt-BR is accepted)",
            "se recibió 'xx-YY'; se esperaba uno de es, pt, en, fr, ht (se acepta una región, "
            "como pt-BR)",
        ),
        (
            "/api/v1/pathways?country=XX",
            "country",
            "'XX' is not a country code; expected ISO 3166-1 alpha-3, e.g. COL",
            "'XX' no es un código de país; se espera ISO 3166-1 alfa-3, p. ej. COL",
        ),
    ],
)
def test_a_bad_lang_or_country_is_refused_in_the_language_of_accept_language(
    client: TestClient, url: str, field: str, english: str, spanish: str
) -> None:
    en = client.get(url)
    es = client.get(url, headers={"Accept-Language": "es"})
    assert en.status_code == es.status_code == 422
    assert en.json()["detail"] == english and es.json()["detail"] == spanish
    assert es.json()["errors"] == [{"field": field, "message": spanish}]
    assert (es.json()["title"], es.json()["type"], es.json()["field"]) == (
        en.json()["title"],
        en.json()["type"],
        field,
    )
    fr = client.get(url, headers={"Accept-Language": "fr"}).json()["detail"]
    assert fr.startswith(("reçu : 'de' ; attendu", "reçu : 'xx-YY' ; attendu", "'XX' n'est pas"))


def test_a_malformed_as_of_is_refused_in_the_language_of_accept_language(
    client: TestClient,
) -> None:
    body = {"profile": {}, "as_of": "28/11/2026"}
    en = client.post("/api/v1/eligibility", json=body)
    es = client.post("/api/v1/eligibility", json=body, headers={"Accept-Language": "es"})
    assert en.status_code == es.status_code == 422
    english = (
        "Value error, '28/11/2026' is not a date; expected the form YYYY-MM-DD, e.g. 2025-02-01"
    )
    spanish = "'28/11/2026' no es una fecha; se espera la forma AAAA-MM-DD, p. ej. 2025-02-01"
    assert en.json()["detail"] == f"as_of: {english}"
    assert es.json()["detail"] == f"as_of: {spanish}"
    assert es.json()["errors"] == [{"field": "as_of", "message": spanish}]
    assert (es.json()["title"], es.json()["field"]) == (en.json()["title"], "as_of")


def test_list_and_detail(client: TestClient) -> None:
    listed = client.get("/api/v1/pathways", params={"country": "COL", "lang": "es"})
    assert listed.status_code == 200
    ids = [p["id"] for p in listed.json()]
    assert "col.ppt" in ids and all(i.startswith("col.") for i in ids)
    assert listed.json()[0]["country_name"] == "Colombia" and "es" in listed.json()[0]["languages"]
    everything = client.get("/api/v1/pathways").json()
    assert len(everything) > len(ids)
    detail = client.get("/api/v1/pathways/col.ppt", params={"lang": "fr"}).json()
    assert detail["title"] and detail["instrument"]["instrument"].startswith("Decreto 216")
    assert all(c["citation"]["text"] and c["citation"]["confidence"] for c in detail["conditions"])
    missing = client.get("/api/v1/pathways/col.nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    bad = client.get("/api/v1/pathways", params={"country": "Colombia"})
    assert bad.status_code == 422 and bad.json()["field"] == "country"


def test_next_question_applies_the_answer_and_asks_the_next(client: TestClient) -> None:
    first = client.post("/api/v1/eligibility/next-question", json={"profile": {}, "lang": "es"})
    assert first.status_code == 200
    assert first.json()["question"]["fact"] == "host_country" and not first.json()["done"]
    options = {o["value"] for o in first.json()["question"]["options"]}
    assert "ARG" in options
    second = client.post(
        "/api/v1/eligibility/next-question",
        json={"profile": {}, "answer": {"fact": "host_country", "value": "ARG"}},
    ).json()
    assert second["profile"] == {"host_country": "ARG"}
    assert second["question"]["fact"] != "host_country"
    wrong = client.post(
        "/api/v1/eligibility/next-question",
        json={"profile": {}, "answer": {"fact": "host_country", "value": "Argentina"}},
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "answer.value"


def test_no_login_nothing_logged_nothing_stored(
    client: TestClient, home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = {"profile": PROFILE, "as_of": "2026-11-28"}
    assert client.post("/api/v1/eligibility", json=body).status_code == 200
    assert client.post("/api/v1/eligibility/next-question", json=body).status_code == 200
    bad = {"profile": {**PROFILE, "nationalities": [{"country": "QQX"}]}}
    assert client.post("/api/v1/eligibility", json=bad).status_code == 422
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in ("1987-03-14", "2025-02-17", "QQX", "BOL"):
        assert secret not in logged
    assert "set-cookie" not in client.post("/api/v1/eligibility", json=body).headers
    # No route of the open API opened the database: its file was never even created.
    assert not (home / "unused.db").exists()


def test_rate_limited_per_client(tmp_path: Path) -> None:
    with _client(tmp_path, eligibility_rate_limit="3/minute") as limited:
        codes = [limited.get("/api/v1/pathways").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = limited.post("/api/v1/eligibility", json={"profile": {}})
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) >= 1


def test_cors_is_off_by_default_and_open_paths_only_when_configured(
    client: TestClient, tmp_path: Path
) -> None:
    preflight = {"Origin": "https://ngo.example", "Access-Control-Request-Method": "POST"}
    closed = client.options("/api/v1/eligibility", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    with _client(tmp_path, cors_origins="https://ngo.example, https://bot.example") as open_:
        allowed = open_.options("/api/v1/eligibility", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "https://ngo.example"
        got = open_.get("/api/v1/pathways", headers={"Origin": "https://bot.example"})
        assert got.headers["access-control-allow-origin"] == "https://bot.example"
        other = open_.get("/api/v1/pathways", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        casework = open_.options("/api/v1/applications", headers=preflight)
        assert "access-control-allow-origin" not in casework.headers


def test_openapi_documents_examples_and_problem_json(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    operations = {
        ("/api/v1/pathways", "get"),
        ("/api/v1/pathways/{pathway_id}", "get"),
        ("/api/v1/eligibility", "post"),
        ("/api/v1/eligibility/next-question", "post"),
    }
    for path, method in operations:
        operation = doc["paths"][path][method]
        assert "security" not in operation, path  # no login
        for status in ("422", "429"):
            content = operation["responses"][status]["content"]
            assert list(content) == ["application/problem+json"], (path, status)
            assert "detail" in content["application/problem+json"]["schema"]["properties"]
    for path in ("/api/v1/eligibility", "/api/v1/eligibility/next-question"):
        body = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["examples"], path
    example = doc["paths"]["/api/v1/eligibility"]["post"]["responses"]["200"]["content"]
    assert example["application/json"]["example"]["results"]


def test_a_local_pack_answers_through_the_api(tmp_path: Path) -> None:
    try:
        with _client(tmp_path, packs=str(EXAMPLE)) as local:
            listed = local.get("/api/v1/pathways", params={"country": "PAN"}).json()
            assert [(p["id"], p["pack_origin"]) for p in listed] == [
                ("pan.tutorial-regularization", "local")
            ]
    finally:
        use_packs(())


def test_a_broken_pack_stops_the_service(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "bad.yaml").write_text("pack: bad\nversion: '1'\ntitle: {es: x}\n")
    with pytest.raises(Exception, match=r"bad\.yaml:3"):
        _client(tmp_path, packs=str(folder))
    use_packs(())
