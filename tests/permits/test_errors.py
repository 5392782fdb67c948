"""Permits refusals are catalog texts: English as before in ``message`` and ``str()``, said
in the reader's language by ``say``, by ``ruta permits ... --lang`` and by the API; every
raise site under ruta.permits (and in the ``ruta permits`` commands) passes a permits
catalog message."""

from __future__ import annotations

import ast
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.catalog_scan import RaiseSite, assert_said_in_every_language, raise_sites, wrong_sites

import ruta.cli.permits
import ruta.permits
from ruta.i18n import Text, read_catalog
from ruta.permits import (
    Holder,
    KeyStore,
    KeyStoreError,
    Permit,
    PermitsError,
    StatusList,
    StatusListError,
    TrustListError,
    permit_card_pdf,
)

PERMITS = Path(ruta.permits.__file__).parent
CLI = Path(ruta.cli.permits.__file__)
#: The exception classes whose first argument is a catalog message (``RutaError``: none
#: may be left in the commands, whose refusals are permits refusals).
_RAISED = {"PermitsError", "KeyStoreError", "TrustListError", "StatusListError", "RutaError"}


def _msgids() -> set[str]:
    return {m.id for m in read_catalog("es", "permits") if m.id and isinstance(m.id, str)}


def test_every_refusal_raised_in_the_permits_package_is_a_catalog_message() -> None:
    sites = raise_sites([*sorted(PERMITS.rglob("*.py")), CLI], _RAISED)
    assert len(sites) >= 40  # the scan sees the raise sites (not an empty walk)
    wrong = wrong_sites(sites, _msgids(), "permits")
    assert not wrong, "\n".join(wrong)


def test_every_expected_form_a_permit_check_names_is_a_catalog_message() -> None:
    # Permit.__post_init__ refuses through _fail(field, value, N_("expected form"), **values):
    # the expected form is said inside "got %(value)s; expected %(expected)s".
    path = PERMITS / "_payload.py"
    calls = [
        node
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_fail"
    ]
    assert len(calls) >= 12
    msgids, wrong = _msgids(), []
    for call in calls:
        # The expected form and its values, checked as a raise site's message and values.
        form = ast.Call(func=call.func, args=call.args[2:], keywords=call.keywords)
        wrong += wrong_sites([RaiseSite(path.name, call.lineno, form, {})], msgids, "permits")
    assert not wrong, "\n".join(wrong)


def test_the_english_message_and_str_are_as_before(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    at = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(KeyStoreError) as caught:
        store.issuer_signer("ARG", at)
    english = (
        f"no signing key for ARG valid at 2026-03-01 in {store.root}; run "
        "`ruta permits keys init --country ARG`"
    )
    error = caught.value
    assert error.message == english and isinstance(error.message, Text)
    assert str(error) == f"country: {english}" and error.say("en") == english
    assert error.say("es") == (
        f"no hay ninguna clave de firma para ARG válida el 2026-03-01 en {store.root}; "
        "ejecute `ruta permits keys init --country ARG`"
    )
    # Numbers keep their English form (no thousands separator), as the f-strings wrote them.
    with pytest.raises(StatusListError) as caught:
        StatusList("COL").set(10**8, "revoked")
    assert str(caught.value) == "status_index: got 100000000; expected 0 <= index < 8388608"


def _permit(**changes: object) -> Permit:
    fields: dict[str, object] = {
        "permit_id": "COL-1",
        "permit_type": "col.ppt",
        "issuer_country": "COL",
        "holder": Holder("Ana", "Pérez"),
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2027, 1, 1),
        "rights": ("work",),
        "status_index": 1,
        "issued_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    fields.update(changes)
    return Permit(**fields)  # type: ignore[arg-type]


def test_a_field_refusal_says_the_expected_form_in_each_language() -> None:
    with pytest.raises(PermitsError) as caught:
        _permit(valid_until=date(2025, 1, 1))
    error = caught.value
    assert str(error) == (
        "valid_until: got datetime.date(2025, 1, 1); expected a date on or after "
        "valid_from 2026-01-01"
    )
    assert error.say("es") == (
        "se recibió datetime.date(2025, 1, 1); se esperaba una fecha igual o posterior a "
        "valid_from 2026-01-01"
    )
    assert error.say("fr") == (
        "reçu : datetime.date(2025, 1, 1) ; attendu : une date égale ou postérieure à "
        "valid_from 2026-01-01"
    )
    assert_said_in_every_language(error, "2026-01-01", "datetime.date(2025, 1, 1)")
    # A subclass carries the catalog of the base class.
    assert KeyStoreError.domain == TrustListError.domain == PermitsError.domain == "permits"


def test_a_refusal_inside_a_refusal_is_said_in_the_same_language(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    store.init("COL")
    path = store.root / "issuers.json"
    issuers = json.loads(path.read_text())
    issuers[0]["kid"] = "00" * 8
    path.write_text(json.dumps(issuers))
    with pytest.raises(KeyStoreError) as caught:
        store.local_issuers()
    error = caught.value
    assert str(error) == (
        f"dir: {path} is not a list of issuers (issuers.kid: kid 0000000000000000 does not "
        "match its public key)"
    )
    assert error.say("es") == (
        f"{path} no es una lista de emisores (issuers.kid: el kid 0000000000000000 no "
        "corresponde a su clave pública)"
    )


def test_a_card_of_an_unknown_language_is_a_permits_refusal() -> None:
    with pytest.raises(PermitsError) as caught:
        permit_card_pdf("RUTA1:XYZ", host_lang="de")
    error = caught.value
    assert (error.field, error.message) == (
        "host_lang",
        "got 'de'; expected one of es, pt, en, fr, ht (a region such as pt-BR is accepted)",
    )
    assert error.say("pt") == (
        "recebido 'de'; esperava-se um de es, pt, en, fr, ht (uma região como pt-BR é aceita)"
    )


def test_the_scan_catches_an_f_string_an_unknown_message_and_a_missing_value() -> None:
    tree = ast.parse(
        'raise KeyStoreError(f"key file {path} does not exist")\n'
        'raise PermitsError(N_("not in any catalog %(x)s"), x="1")\n'
        'raise TrustListError(N_("kid %(kid)s does not match its public key"), field="k")\n'
    )
    calls = [n.exc for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    sites = [RaiseSite("x.py", 1, c, {}) for c in calls if isinstance(c, ast.Call)]
    assert [w.split(": ", 1)[1] for w in wrong_sites(sites, _msgids(), "permits")] == [
        "not N_('literal') (an f-string or a variable)",
        "'not in any catalog %(x)s' is not in the permits catalog",
        "placeholders ['kid'], values []",
    ]


# --- ruta permits verify --lang: a refusal (exit 2) in the command's language -------------


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    KeyStore(tmp_path / "keys").init("COL")
    return tmp_path / "keys"


def _error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_missing_trust_list_file_is_said_in_the_language_of_lang(cli, tmp_path, keys) -> None:
    missing = tmp_path / "missing.json"
    said = {}
    for lang in ("es", "fr", "en"):
        done = cli("permits", "verify", "RUTA1:XYZ", "--trust-list", str(missing), "--lang", lang)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        said[lang] = _error_line(done.stderr)
    assert said["es"] == (
        f"Error: --trust-list: no se puede leer {missing} (No existe el archivo o el "
        "directorio); se espera un archivo legible"
    )
    assert said["fr"] == (
        f"Error: --trust-list: impossible de lire {missing} (Aucun fichier ou dossier de ce "
        "nom) ; attendu : un fichier lisible"
    )
    assert said["en"] == (
        f"Error: --trust-list: cannot read {missing} (No such file or directory); expected a "
        "readable file"
    )


def test_an_operator_key_that_is_not_pem_is_said_in_the_language_of_lang(
    cli, tmp_path, keys
) -> None:
    bad = tmp_path / "operator.pem"
    bad.write_text("not a key")
    args = ("permits", "verify", "RUTA1:XYZ", "--dir", str(keys), "--operator-key", str(bad))
    spanish, french = cli(*args, "--lang", "es"), cli(*args, "--lang", "fr")
    assert spanish.returncode == french.returncode == 2
    assert _error_line(spanish.stderr) == "Error: operator_key: no es una clave pública PEM"
    assert _error_line(french.stderr) == "Error: operator_key: ce n'est pas une clé publique PEM"


def test_options_refused_before_verifying_are_said_in_the_language_of_lang(cli) -> None:
    fmt = cli("permits", "verify", "RUTA1:XYZ", "--format", "xml", "--lang", "es")
    assert fmt.returncode == 2 and "Traceback" not in fmt.stderr
    assert _error_line(fmt.stderr) == "Error: --format: se recibió 'xml'; se esperaba text o json"
    at = cli("permits", "verify", "RUTA1:XYZ", "--at", "mañana", "--lang", "fr")
    assert at.returncode == 2
    assert _error_line(at.stderr).startswith(
        "Error: --at: reçu : 'mañana' ; attendu : YYYY-MM-DD ou un horodatage ISO"
    )
    none = cli("permits", "verify", "--lang", "es")
    assert none.returncode == 2
    assert _error_line(none.stderr) == "Error: PAYLOAD: falta; se espera el texto RUTA1:... o @FILE"


def test_a_payload_that_is_not_base45_is_an_answer_in_the_language_of_lang(cli, keys) -> None:
    # Not a refusal: "not valid" is the verifier's normal answer (exit 1), its reason said
    # from the permits catalog (ruta.permits._messages) as before.
    for lang, reason in (
        ("es", "El código está dañado o incompleto (caracteres no válidos)."),
        ("fr", "Le code est endommagé ou incomplet (caractères invalides)."),
    ):
        done = cli("permits", "verify", "RUTA1:{{{", "--dir", str(keys), "--lang", lang)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert reason in done.stdout, done.stdout
        assert re.search(r"bad_base45|Base45", done.stdout) is None


# --- every ruta permits command takes --lang: its refusals and its messages ---------------


def test_every_permits_command_says_its_refusals_in_the_language_of_lang(
    cli, tmp_path, keys
) -> None:
    init = cli("permits", "keys", "init", "--country", "C0L", "--dir", str(keys), "--lang", "es")
    assert init.returncode == 2 and "Traceback" not in init.stderr
    assert _error_line(init.stderr) == (
        "Error: country: se recibió 'C0L'; se esperaba un código ISO 3166-1 alfa-3 como COL"
    )
    missing = tmp_path / "other.json"
    imported = cli("permits", "trust-list", "import", str(missing), "--lang", "fr")
    assert imported.returncode == 2
    assert _error_line(imported.stderr) == (
        f"Error: file: impossible de lire {missing} (Aucun fichier ou dossier de ce nom) ; "
        "attendu : un fichier lisible"
    )
    status = cli("permits", "status-list", "export", "--country", "ARG", "--dir", str(keys))
    english = _error_line(status.stderr)
    spanish = _error_line(
        cli(
            "permits",
            "status-list",
            "export",
            "--country",
            "ARG",
            "--dir",
            str(keys),
            "--lang",
            "es",
        ).stderr
    )
    path = keys / "status" / "ARG.json"
    assert english == (
        f"Error: dir: {path} does not exist; run `ruta permits keys init --dir {keys}` first"
    )
    assert spanish == (
        f"Error: dir: {path} no existe; ejecute primero `ruta permits keys init --dir {keys}`"
    )


def test_a_permits_command_speaks_the_language_of_lang(cli, tmp_path) -> None:
    keys = tmp_path / "new"
    done = cli("permits", "keys", "init", "--country", "COL", "--dir", str(keys), "--lang", "es")
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert (
        first == f"Almacén de claves listo en {keys} (lista de confianza: {keys}/trust-list.json)"
    )
    assert second.startswith("Clave de emisión de COL: kid ") and " firma del " in second
    out = tmp_path / "trust.json"
    exported = cli("permits", "trust-list", "export", "--dir", str(keys), "--out", str(out))
    assert exported.returncode == 0 and exported.stderr == f"Wrote {out}\n"
    french = cli(
        "permits", "trust-list", "export", "--dir", str(keys), "--out", str(out), "--lang", "fr"
    )
    assert french.stderr == f"{out} écrit\n"


def test_a_casework_permits_command_says_its_refusal_in_the_language_of_lang(ruta) -> None:
    args = ("permits", "revoke", "COL-X", "--reason", "fraud", "--as", "nobody")
    english, spanish = ruta(*args), ruta(*args, "--lang", "es")
    assert english.returncode == spanish.returncode == 2
    assert _error_line(english.stderr) == (
        "Error: --as: no active user 'nobody'; expected an existing officer "
        "(see `ruta users create`)"
    )
    assert _error_line(spanish.stderr) == (
        "Error: --as: no hay ningún usuario activo 'nobody'; se espera un funcionario "
        "existente (vea `ruta users create`)"
    )
