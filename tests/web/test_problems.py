"""The web layer's own refusals (ruta.web.problems.WebError) are web catalog texts: the
API's problem+json ``detail`` follows ``Accept-Language`` (English without, byte for byte as
before), and no web module builds a problem's detail from a bare English literal."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import DataError
from tests.catalog_scan import RaiseSite, named_messages, wrong_sites

import ruta.web
from ruta.i18n import LANGUAGES, N_, read_catalog
from ruta.web.bodylimit import BodyTooLarge
from ruta.web.i18n import LanguageQuery
from ruta.web.problems import FORM_ALLOWANCE, WebError, install_problem_handlers

WEB = Path(ruta.web.__file__).parent
#: ``raise RutaError(...)`` in web code that is no reader's refusal, and why.
_NOT_REFUSALS = {
    # Configuration read at startup (RUTA_*_RATE_LIMIT, RUTA_RATE_LIMIT_STORAGE): the
    # operator reads it in the server's log, in English like the other settings errors.
    ("ratelimit.py", "parse_limit"),
    ("ratelimit.py", "__init__"),
    # Pydantic's own text, the last resort after the application page's checks of each
    # field (which are said in the page language); not an English literal of ours.
    ("applicant.py", "send"),
}


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(WEB).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(WEB.rglob("*.py"))
    ]


def _name(func: ast.expr) -> str:
    return getattr(func, "id", getattr(func, "attr", ""))


def _web_error_sites(modules: list[tuple[str, ast.Module]]) -> list[RaiseSite]:
    sites = []
    for where, tree in modules:
        names = named_messages(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) == "WebError":
                sites.append(RaiseSite(where, node.lineno, node, names))
    return sites


def _english(node: ast.expr | None) -> bool:
    """A text built here in English: a literal, an f-string, a sum or ``%`` of texts,
    ``str(...)`` or ``"...".format(...)``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _english(node.left) or _english(node.right)
    if isinstance(node, ast.Call):
        return _name(node.func) in ("str", "format")
    return False


def _english_details(modules: list[tuple[str, ast.Module]]) -> list[str]:
    """Each ``problem(...)`` whose detail, and each ``raise RutaError(...)`` whose message,
    is English built in place (outside :data:`_NOT_REFUSALS`)."""
    found = []
    for where, tree in modules:
        functions = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if _name(node.func) == "problem":
                given = {k.arg: k.value for k in node.keywords}
                detail = node.args[2] if len(node.args) > 2 else given.get("detail")
                if _english(detail):
                    found.append(f"{where}:{node.lineno}: problem() with an English detail")
            elif _name(node.func) == "RutaError" and node.args and _english(node.args[0]):
                inside = [
                    f.name for f in functions if f.lineno <= node.lineno <= (f.end_lineno or 0)
                ]
                if (Path(where).name, inside[-1] if inside else "") not in _NOT_REFUSALS:
                    found.append(f"{where}:{node.lineno}: RutaError with an English message")
    return found


def test_every_web_refusal_is_a_web_catalog_message() -> None:
    sites = _web_error_sites(_modules())
    assert len(sites) >= 15  # the scan sees the sites (not an empty walk)
    msgids = {m.id for m in read_catalog("es", "web") if m.id}
    wrong = wrong_sites(sites, msgids, "web")
    assert not wrong, "\n".join(wrong)


def test_no_web_module_builds_a_problem_detail_from_english() -> None:
    found = _english_details(_modules())
    assert not found, "\n".join(found)


def test_the_scans_catch_english_details_and_unknown_messages() -> None:
    tree = ast.parse(
        "def route():\n"
        '    problem(422, "Invalid input", f"got {x}", field="x")\n'
        '    problem(404, "Not found", detail="no " + name)\n'
        '    raise RutaError(f"{x} is wrong")\n'
        '    refusal(request, 422, "Invalid input", WebError(N_("not in any catalog %(x)s")))\n'
        '    problem(422, "Invalid input", error.say(lang))\n'
    )
    assert [f.split(": ", 1)[1] for f in _english_details([("x.py", tree)])] == [
        "problem() with an English detail",
        "problem() with an English detail",
        "RutaError with an English message",
    ]
    wrong = wrong_sites(_web_error_sites([("x.py", tree)]), set(), "web")
    assert [w.split(": ", 1)[1] for w in wrong] == [
        "'not in any catalog %(x)s' is not in the web catalog",
        "placeholders ['x'], values []",
    ]


def test_a_web_error_is_english_as_before_and_said_in_each_language() -> None:
    error = WebError(
        N_("too many verifications from your address; try again in %(seconds)s seconds"),
        field="rate_limit",
        seconds="1200",
    )
    english = "too many verifications from your address; try again in 1200 seconds"
    assert error.message == error.say("en") == english
    assert str(error) == f"rate_limit: {english}"
    assert (
        error.say("fr")
        == "trop de vérifications depuis votre adresse ; réessayez dans 1200 secondes"
    )
    for lang in LANGUAGES:
        if lang != "en":
            assert "1200" in error.say(lang) and error.say(lang) != english, lang


# --- The problem handlers' own refusals --------------------------------------------------


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/upload")
    def upload() -> None:
        raise BodyTooLarge(10 * 1024 * 1024 + FORM_ALLOWANCE)

    @app.get("/checklist")
    def checklist(lang: LanguageQuery = "en") -> str:
        return lang

    @app.get("/search")
    def search() -> None:
        raise DataError("SELECT", {}, Exception("invalid byte sequence 0x00"))

    return TestClient(app)


def test_a_body_over_the_limit_is_a_413_said_in_accept_language(client: TestClient) -> None:
    en = client.post("/upload")
    es = client.post("/upload", headers={"Accept-Language": "es-419"})
    fr = client.post("/upload", headers={"Accept-Language": "fr"})
    assert en.status_code == es.status_code == fr.status_code == 413
    assert en.json()["detail"] == (
        "the request is larger than 10551296 bytes; send a file of at most 10485760 bytes"
    )
    assert es.json()["detail"] == (
        "la solicitud supera los 10551296 bytes; envíe un archivo de como máximo 10485760 bytes"
    )
    assert fr.json()["detail"] == (
        "la requête dépasse 10551296 octets ; envoyez un fichier d'au plus 10485760 octets"
    )
    assert es.json()["errors"] == [{"field": "file", "message": es.json()["detail"]}]
    for said in (es, fr):
        assert said.headers["content-type"] == "application/problem+json"
        assert said.headers["connection"] == "close"
        assert (said.json()["title"], said.json()["field"]) == ("Content too large", "file")


def test_a_value_the_database_refuses_is_a_422_said_in_accept_language(
    client: TestClient,
) -> None:
    en = client.get("/search", headers={"Accept-Language": "de"})
    es = client.get("/search", headers={"Accept-Language": "es"})
    assert en.status_code == es.status_code == 422
    assert en.json() == {
        "type": "about:blank",
        "title": "Invalid input",
        "status": 422,
        "detail": "a value cannot be stored or searched as given (e.g. it holds a NUL character)",
        "errors": [],
    }
    assert es.json() == {
        **en.json(),
        "detail": "un valor no se puede guardar ni buscar tal como se dio (p. ej. contiene un "
        "carácter NUL)",
    }


def test_an_unsupported_lang_query_is_said_in_accept_language(client: TestClient) -> None:
    # LanguageQuery's refusal reaches the client through pydantic's validation errors: the
    # English stays pydantic's message as before, another language reads the refusal.
    assert client.get("/checklist?lang=pt-BR").json() == "pt"
    en = client.get("/checklist?lang=de")
    es = client.get("/checklist?lang=de", headers={"Accept-Language": "es"})
    fr = client.get("/checklist?lang=de", headers={"Accept-Language": "fr"})
    english = (
        "Value error, lang: got 'de'; expected one of es, pt, en, fr, ht "
        "(a region such as pt-BR is accepted)"
    )
    spanish = (
        "se recibió 'de'; se esperaba uno de es, pt, en, fr, ht (se acepta una región, como pt-BR)"
    )
    assert en.json()["detail"] == f"lang: {english}"
    assert en.json()["errors"] == [{"field": "lang", "message": english}]
    assert es.json()["detail"] == f"lang: {spanish}"
    assert es.json()["errors"] == [{"field": "lang", "message": spanish}]
    assert fr.json()["detail"].startswith("lang: reçu : 'de' ; attendu : l'un de es, pt")
    for said in (es, fr):
        assert said.status_code == en.status_code == 422
        assert (said.json()["title"], said.json()["field"]) == ("Invalid input", "lang")
