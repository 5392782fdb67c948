"""A request that does not fit the API's schema (FastAPI's 422), and a path or method the API
does not have (Starlette's 404 and 405), are said in the language ``Accept-Language`` names:
each error from pydantic's ``type`` and ``ctx`` through the i18n catalog
(ruta.web.validation over ruta.i18n.pydantic_message), English byte for byte as before,
``title`` and ``field`` unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from gettext import NullTranslations
from typing import Any

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from pydantic_core._pydantic_core import list_all_errors
from tests.web.api.test_applications_api import body as application_body

import ruta.i18n._pydantic
from ruta.i18n import LANGUAGES, read_catalog
from ruta.settings import Settings
from ruta.web import create_app
from ruta.web.problems import install_problem_handlers
from ruta.web.validation import SAID_TYPES, validation_message

SECRET = "test-secret-" + "x" * 40
SAID = [lang for lang in LANGUAGES if lang != "en"]


def _said(lang: str) -> dict[str, str]:
    return {"Accept-Language": lang}


# --- The open eligibility API --------------------------------------------------------------


@pytest.fixture(scope="module")
def open_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    home = tmp_path_factory.mktemp("validation")
    settings = Settings(
        env="test",
        secret_key=SECRET,
        database_url=f"sqlite:///{home / 'unused.db'}",
        data_dir=home / "var",
        eligibility_rate_limit="1000/minute",
    )
    with TestClient(create_app(settings)) as client:
        yield client


#: Per case of the eligibility API: the body, the field, and the message in each language.
ELIGIBILITY: dict[str, tuple[dict[str, Any], str, dict[str, str]]] = {
    "missing": (
        {},
        "profile",
        {
            "en": "Field required",
            "es": "este campo es obligatorio; envíelo",
            "pt": "este campo é obrigatório; envie-o",
            "fr": "ce champ est obligatoire ; envoyez-le",
            "ht": "chan sa a obligatwa; voye l",
        },
    ),
    "wrong type": (
        {"profile": {}, "pathways": "col.ppt"},
        "pathways",
        {
            "en": "Input should be a valid list",
            "es": "se espera una lista: [ ... ]",
            "pt": "espera-se uma lista: [ ... ]",
            "fr": "liste attendue : [ ... ]",
            "ht": "nou tann yon lis: [ ... ]",
        },
    ),
    "too long": (
        {"profile": {}, "lang": "es-" + "x" * 40},
        "lang",
        {
            "en": "String should have at most 35 characters",
            "es": "debe tener como máximo 35 caracteres; tiene 43",
            "pt": "deve ter no máximo 35 caracteres; tem 43",
            "fr": "doit comporter au plus 35 caractères ; il en a 43",
            "ht": "li dwe gen 35 karaktè pou pi plis; li genyen 43",
        },
    ),
    "bad date": (
        {"profile": {}, "as_of": "2026-02-30"},
        "as_of",
        {
            "en": "Value error, '2026-02-30' is not a date; expected the form YYYY-MM-DD, "
            "e.g. 2025-02-01",
            "es": "'2026-02-30' no es una fecha; se espera la forma AAAA-MM-DD, p. ej. 2025-02-01",
            "pt": "'2026-02-30' não é uma data; espera-se o formato AAAA-MM-DD, p. ex. 2025-02-01",
            "fr": "'2026-02-30' n'est pas une date ; la forme AAAA-MM-JJ est attendue, "
            "p. ex. 2025-02-01",
            "ht": "'2026-02-30' pa yon dat; nou tann fòm AAAA-MM-JJ, pa egzanp 2025-02-01",
        },
    ),
    "unknown field": (
        {"profile": {}, "answer": {"fact": "host_country", "value": "COL"}},
        "answer",
        {
            "en": "Extra inputs are not permitted",
            "es": "este campo no se acepta aquí; quítelo",
            "pt": "este campo não é aceito aqui; remova-o",
            "fr": "ce champ n'est pas accepté ici ; retirez-le",
            "ht": "yo pa aksepte chan sa a isit la; retire l",
        },
    ),
}


def _assert_said(response: Any, field: str, message: str) -> None:
    """One 422 problem naming ``field``, its detail and its only error saying ``message``."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Invalid input" and problem["field"] == field
    assert problem["detail"] == f"{field}: {message}"
    assert problem["errors"] == [{"field": field, "message": message}]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", ELIGIBILITY)
def test_an_eligibility_body_that_does_not_fit_is_said_in_accept_language(
    open_client: TestClient, case: str, lang: str
) -> None:
    body, field, messages = ELIGIBILITY[case]
    response = open_client.post("/api/v1/eligibility", json=body, headers=_said(lang))
    _assert_said(response, field, messages[lang])


def test_every_error_of_a_body_is_said_and_an_unspoken_language_reads_english(
    open_client: TestClient,
) -> None:
    body = {"profile": "x", "pathways": [1], "lang": 5, "as_of": "soon", "extra": True}
    spanish = open_client.post("/api/v1/eligibility", json=body, headers=_said("es-CO")).json()
    assert spanish["errors"] == [
        {"field": "profile", "message": "se espera un objeto JSON: { ... }"},
        {
            "field": "as_of",
            "message": "'soon' no es una fecha; se espera la forma AAAA-MM-DD, p. ej. 2025-02-01",
        },
        {"field": "pathways.0", "message": "se espera un texto (una cadena JSON entre comillas)"},
        {"field": "lang", "message": "se espera un texto (una cadena JSON entre comillas)"},
        {"field": "extra", "message": "este campo no se acepta aquí; quítelo"},
    ]
    german = open_client.post("/api/v1/eligibility", json=body, headers=_said("de")).json()
    english = open_client.post("/api/v1/eligibility", json=body).json()
    assert german == english
    assert english["detail"] == "profile: Input should be a valid dictionary"


def test_a_body_that_is_not_json_is_said_in_accept_language(open_client: TestClient) -> None:
    def post(lang: str | None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", **(_said(lang) if lang else {})}
        response = open_client.post(
            "/api/v1/eligibility", content=b'{"profile": }', headers=headers
        )
        assert response.status_code == 422
        return response.json()

    assert post(None)["errors"] == [{"field": "12", "message": "JSON decode error"}]
    assert post("pt")["errors"] == [
        {
            "field": "12",
            "message": "o corpo não é um JSON válido; verifique as aspas, vírgulas e colchetes",
        }
    ]


# --- 404 and 405 -------------------------------------------------------------------------

NOT_FOUND = {
    "en": "Not Found",
    "es": "no hay nada en esta dirección; revise la URL",
    "pt": "não há nada neste endereço; verifique a URL",
    "fr": "rien ne se trouve à cette adresse ; vérifiez l'URL",
    "ht": "pa gen anyen nan adrès sa a; verifye URL la",
}
NOT_ALLOWED = {
    "en": "Method Not Allowed",
    "es": "esta dirección no acepta solicitudes DELETE; acepta POST",
    "pt": "este endereço não aceita solicitações DELETE; aceita POST",
    "fr": "cette adresse n'accepte pas les requêtes DELETE ; elle accepte POST",
    "ht": "adrès sa a pa aksepte demann DELETE; li aksepte POST",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_404_and_a_405_are_said_in_accept_language(open_client: TestClient, lang: str) -> None:
    missing = open_client.get("/api/v1/no-such-thing", headers=_said(lang))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": NOT_FOUND[lang],
        "errors": [],
    }
    wrong = open_client.delete("/api/v1/eligibility", headers=_said(lang))
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
    assert (wrong.json()["title"], wrong.json()["detail"]) == (
        "Method Not Allowed",
        NOT_ALLOWED[lang],
    )


def test_a_404_with_a_detail_of_its_own_keeps_it() -> None:
    # Only Starlette's bare status phrase is replaced: a detail somebody wrote is theirs.
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/thing")
    def thing() -> None:
        raise HTTPException(404, detail="no thing here")

    with TestClient(app) as client:
        refused = client.get("/thing", headers=_said("es"))
        routed = client.get("/other", headers=_said("es"))
    assert (refused.status_code, refused.json()["detail"]) == (404, "no thing here")
    assert (routed.status_code, routed.json()["detail"]) == (404, NOT_FOUND["es"])


# --- The casework API ------------------------------------------------------------------------

#: Per case of the casework API: method, path, body, field, and the message in each language.
CASEWORK: dict[str, tuple[str, str, dict[str, Any] | None, str, dict[str, str]]] = {
    "missing": (
        "post",
        "/api/v1/applications/APP-0/transitions",
        {"to": "in_review"},
        "reason",
        ELIGIBILITY["missing"][2],
    ),
    "wrong type": (
        "post",
        "/api/v1/applications/APP-0/transitions",
        {"to": "in_review", "reason": 7},
        "reason",
        {
            "en": "Input should be a valid string",
            "es": "se espera un texto (una cadena JSON entre comillas)",
            "pt": "espera-se um texto (uma string JSON entre aspas)",
            "fr": "texte attendu (une chaîne JSON entre guillemets)",
            "ht": "nou tann yon tèks (yon chèn JSON ant gimè)",
        },
    ),
    "too long": (
        "post",
        "/api/v1/applications/APP-0/notes",
        {"text": "n" * 2001},
        "text",
        {
            "en": "String should have at most 2000 characters",
            "es": "debe tener como máximo 2.000 caracteres; tiene 2.001",
            "pt": "deve ter no máximo 2.000 caracteres; tem 2.001",
            "fr": "doit comporter au plus 2\u202f000 caractères ; il en a 2\u202f001",
            "ht": "li dwe gen 2\xa0000 karaktè pou pi plis; li genyen 2\xa0001",
        },
    ),
    "bad literal": (
        "post",
        "/api/v1/applications/APP-0/decision",
        {"outcome": "maybe", "reasons": ["met"]},
        "outcome",
        {
            "en": "Input should be 'approved', 'denied' or 'withdrawn'",
            "es": "se espera uno de: 'approved', 'denied', 'withdrawn'",
            "pt": "espera-se um de: 'approved', 'denied', 'withdrawn'",
            "fr": "attendu : l'un de 'approved', 'denied', 'withdrawn'",
            "ht": "nou tann youn nan: 'approved', 'denied', 'withdrawn'",
        },
    ),
    "bad date": (
        "get",
        "/api/v1/offices/BOG-01/slots?from=2026-02-30",
        None,
        "from",
        {
            "en": "Input should be a valid date or datetime, day value is outside expected range",
            "es": "se espera una fecha con la forma AAAA-MM-DD, p. ej. 2026-03-31",
            "pt": "espera-se uma data no formato AAAA-MM-DD, p. ex. 2026-03-31",
            "fr": "date attendue sous la forme AAAA-MM-JJ, p. ex. 2026-03-31",
            "ht": "nou tann yon dat nan fòm AAAA-MM-JJ, pa egzanp 2026-03-31",
        },
    ),
}


@pytest.fixture
def officer(api_headers: Any) -> dict[str, str]:
    return api_headers("ana", "caseworker", "COL")


# Why SQLite only: the errors are the web layer's, said before any query runs; PostgreSQL
# would repeat the same answers at twice the cost.
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_casework_request_that_does_not_fit_is_said_in_accept_language(
    client: TestClient, officer: dict[str, str]
) -> None:
    for case, (method, url, body, field, messages) in CASEWORK.items():
        for lang in LANGUAGES:
            headers = {**officer, **_said(lang)}
            kwargs: dict[str, Any] = {"headers": headers}
            if body is not None:
                kwargs["json"] = body
            response = getattr(client, method)(url, **kwargs)
            try:
                _assert_said(response, field, messages[lang])
            except AssertionError as exc:
                raise AssertionError(f"{case}, {lang}: {response.text}") from exc


#: A value_error whose ValueError is a catalog refusal, raised inside the application's
#: request models: where the value is put in the body, the value, the field the problem
#: names, and the refusal in English (pydantic's "Value error, ...", as before) and in
#: Spanish and Portuguese, each said from its own catalog.
MODEL_REFUSALS: dict[str, tuple[tuple[str, ...], Any, str, dict[str, str]]] = {
    # ruta.partial_dates, said from the pathways catalog.
    "a birth date that names no day": (
        ("applicant", "date_of_birth"),
        "1990-13-45",
        "applicant.date_of_birth",
        {
            "en": "Value error, '1990-13-45' names no real day or month; expected YYYY-MM-DD, "
            "or YYYY-MM or YYYY when only the month or the year is known, e.g. 1990-05-17, "
            "1990-05 or 1990",
            "es": "'1990-13-45' no corresponde a ningún día o mes real; se espera AAAA-MM-DD, o "
            "AAAA-MM o AAAA cuando solo se conoce el mes o el año, p. ej. 1990-05-17, 1990-05 "
            "o 1990",
            "pt": "'1990-13-45' não corresponde a nenhum dia ou mês real; espera-se AAAA-MM-DD, "
            "ou AAAA-MM ou AAAA quando só se sabe o mês ou o ano, p. ex. 1990-05-17, 1990-05 "
            "ou 1990",
        },
    ),
    # ruta.i18n.UnsupportedLanguage, said from the i18n catalog.
    "an unspoken language": (
        ("applicant", "languages"),
        ["es", "klingon"],
        "applicant.languages.1",
        {
            "en": "Value error, got 'klingon'; expected one of es, pt, en, fr, ht "
            "(a region such as pt-BR is accepted)",
            "es": "se recibió 'klingon'; se esperaba uno de es, pt, en, fr, ht (se acepta una "
            "región, como pt-BR)",
        },
    ),
    # ruta.cases.errors.InvalidValueError, said from the cases catalog.
    "a future birth date": (
        ("applicant", "date_of_birth"),
        "2999-01",
        "applicant.date_of_birth",
        {
            "en": "Value error, a date of birth cannot be in the future; use YYYY-MM-DD, or "
            "YYYY-MM or YYYY when only the month or the year is known",
            "es": "una fecha de nacimiento no puede estar en el futuro; use AAAA-MM-DD, o "
            "AAAA-MM o AAAA cuando solo se conoce el mes o el año",
            "pt": "uma data de nascimento não pode estar no futuro; use AAAA-MM-DD, ou AAAA-MM "
            "ou AAAA quando só se sabe o mês ou o ano",
        },
    ),
    "a NUL character": (
        ("applicant", "document", "number"),
        "V-123\x00",
        # The body's own validator finds it first, and names the string's dotted path.
        "body",
        {
            "en": "Value error, applicant.document.number contains a NUL character; remove it",
            "es": "applicant.document.number contiene un carácter NUL; quítelo",
            "pt": "applicant.document.number contém um caractere NUL; remova-o",
        },
    ),
}


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name", MODEL_REFUSALS)
def test_a_refusal_inside_a_request_model_is_said_from_its_catalog(
    client: TestClient, officer: dict[str, str], name: str
) -> None:
    path, value, field, messages = MODEL_REFUSALS[name]
    data = application_body()
    *parents, last = path
    holder = data
    for key in parents:
        holder = holder[key]
    holder[last] = value
    for lang, message in messages.items():
        headers = {**officer, **_said(lang), "Idempotency-Key": f"{name}-{lang}"}
        response = client.post("/api/v1/applications", json=data, headers=headers)
        _assert_said(response, field, message)


# --- Every type the mapping knows is said in every language --------------------------------

#: The types the API's request models can produce (the brief of this module): each said.
MODELS_PRODUCE = {
    "missing",
    "string_type",
    "string_too_short",
    "string_too_long",
    "int_type",
    "int_parsing",
    "float_parsing",
    "bool_parsing",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "literal_error",
    "enum",
    "date_parsing",
    "date_from_datetime_parsing",
    "datetime_parsing",
    "uuid_parsing",
    "json_invalid",
    "extra_forbidden",
    "model_type",
    "dict_type",
    "list_type",
    "too_short",
    "too_long",
    "url_parsing",
    "value_error",
    "string_pattern_mismatch",
}
PYDANTIC_TYPES = {e["type"]: e for e in list_all_errors()}


class _Recorder(NullTranslations):
    """A catalog that answers English and notes each message asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str | tuple[str, str]] = []

    def gettext(self, message: str) -> str:
        self.asked.append(message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.asked.append((msgid1, msgid2))
        return msgid1 if n == 1 else msgid2


def _example(kind: str) -> dict[str, Any]:
    """An error of ``kind`` as pydantic documents it (its example context)."""
    info = PYDANTIC_TYPES[kind]
    ctx = dict(info.get("example_context") or {})
    return {"type": kind, "msg": info["example_message_python"], "ctx": ctx, "input": "x"}


def test_the_types_our_models_produce_are_all_known_to_pydantic_and_said() -> None:
    assert MODELS_PRODUCE <= SAID_TYPES
    assert set(SAID_TYPES) <= set(PYDANTIC_TYPES), set(SAID_TYPES) - set(PYDANTIC_TYPES)


def test_every_type_the_mapping_knows_has_its_messages_translated_in_every_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = _Recorder()
    # The messages are the shared i18n catalog's (ruta.i18n.pydantic_message).
    monkeypatch.setattr(ruta.i18n._pydantic, "translator", lambda lang, domain: recorder)
    asked: dict[str, list[str | tuple[str, str]]] = {}
    for kind in sorted(SAID_TYPES - {"value_error"}):
        recorder.asked.clear()
        validation_message(_example(kind), "es")
        assert recorder.asked, f"{kind} asks the catalog for no message"
        asked[kind] = list(recorder.asked)
    for lang in SAID:
        catalog = {m.id: m for m in read_catalog(lang, "i18n") if m.id}
        for kind, messages in asked.items():
            for message in messages:
                entry = catalog.get(message)
                assert entry is not None, f"{kind}: {message!r} is not in the {lang} catalog"
                strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
                assert all(strings) and not entry.fuzzy, f"{kind}: {message!r} in {lang}"


@pytest.mark.parametrize("kind", sorted(SAID_TYPES - {"value_error"}))
def test_each_known_type_is_english_as_pydantic_wrote_it_and_said_otherwise(kind: str) -> None:
    err = _example(kind)
    assert validation_message(err, "en") == err["msg"]
    for lang in SAID:
        said = validation_message(err, lang)
        assert said and said != err["msg"], (kind, lang)
        assert "%(" not in said, (kind, lang, said)


def test_an_unknown_type_or_an_english_value_error_stays_pydantic_s_english() -> None:
    unknown = {"type": "frozen_field", "msg": "Field is frozen"}
    plain = {"type": "value_error", "msg": "Value error, bad", "ctx": {"error": ValueError("bad")}}
    for lang in LANGUAGES:
        assert validation_message(unknown, lang) == "Field is frozen"
        assert validation_message(plain, lang) == "Value error, bad"


def test_the_values_of_a_message_are_written_as_the_reader_writes_numbers() -> None:
    err = {
        "type": "less_than_equal",
        "msg": "Input should be less than or equal to 2147483647",
        "ctx": {"le": 2147483647},
    }
    assert validation_message(err, "es") == "debe ser 2.147.483.647 o menos"
    one = {"type": "string_too_short", "msg": "", "ctx": {"min_length": 1}, "input": ""}
    assert validation_message(one, "fr") == "doit comporter au moins 1 caractère"
    assert validation_message(one, "es") == "debe tener al menos 1 carácter"
    enum = {"type": "enum", "msg": "", "ctx": {"expected": "'email', 'sms' or 'whatsapp'"}}
    assert validation_message(enum, "pt") == "espera-se um de: 'email', 'sms', 'whatsapp'"
