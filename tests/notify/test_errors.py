"""Notification refusals are notify catalog texts: English as before in ``message`` and
``str()`` (what the outbox records), said in the reader's language; every raise site under
ruta.notify and in ``ruta notify run`` passes a notify catalog message, and ``ruta notify
run`` says its refusals in ``--lang``, else ``RUTA_LANG``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tests.catalog_scan import RaiseSite, message, raise_sites, wrong_sites
from tests.conftest import CliRun

import ruta.cli.notify
import ruta.notify
from ruta.i18n import LANGUAGES, Text, read_catalog
from ruta.notify import DeliveryError, NotifyError, parse_smtp_url, render_message

NOTIFY = Path(ruta.notify.__file__).parent
CLI = Path(ruta.cli.notify.__file__)
_RAISED = {"NotifyError", "DeliveryError", "RutaError"}
_NOT_VALUES = {"field", "permanent"}


def _sites() -> list[RaiseSite]:
    return raise_sites([*sorted(NOTIFY.rglob("*.py")), CLI], _RAISED)


def test_every_refusal_raised_in_the_notify_package_is_a_catalog_message() -> None:
    sites = _sites()
    assert len(sites) >= 12  # the scan sees the raise sites (not an empty walk)
    for lang in LANGUAGES:
        msgids = {m.id for m in read_catalog(lang, "notify") if m.id}
        wrong = wrong_sites(sites, msgids, "notify", _NOT_VALUES)
        assert not wrong, "\n".join(wrong)


def test_every_refusal_is_translated() -> None:
    texts = {message(s.call, s.names) for s in _sites()}
    for lang in ("es", "pt", "fr", "ht"):
        translated = {m.id: m.string for m in read_catalog(lang, "notify") if m.id}
        assert all(translated.get(t) for t in texts), lang


def test_the_scan_catches_an_f_string() -> None:
    call = ast.parse('raise DeliveryError(f"SMTP {code}")').body[0].exc  # type: ignore[attr-defined]
    wrong = wrong_sites([RaiseSite("x.py", 1, call, {})], set(), "notify")
    assert wrong == ["x.py:1: not N_('literal') (an f-string or a variable)"]


def test_the_english_is_as_before_and_said_in_each_language() -> None:
    with pytest.raises(NotifyError) as caught:
        parse_smtp_url("mail.example:25")
    error = caught.value
    assert isinstance(error.message, Text)
    assert str(error) == (
        "smtp_url: write the mail server as smtp://host:port or smtps://host:port "
        "(got 'mail.example:25')"
    )
    assert error.say("es") == (
        "escriba el servidor de correo como smtp://host:puerto o smtps://host:puerto "
        "(se recibió 'mail.example:25')"
    )
    with pytest.raises(NotifyError) as caught:
        render_message("fax", "es", "email", None)  # type: ignore[arg-type]
    assert caught.value.message.startswith("'fax' is not a message kind; use one of ")
    assert caught.value.say("pt").startswith("'fax' não é um tipo de mensagem; use um de ")


def test_an_unexpected_error_keeps_its_words_even_with_a_percent_sign() -> None:
    error = DeliveryError.unexpected(UnicodeError("50% of the header is not ASCII"))
    assert error.message == "unexpected UnicodeError: 50% of the header is not ASCII"
    assert error.say("fr") == "UnicodeError inattendu : 50% of the header is not ASCII"
    assert not error.permanent


def test_a_delivery_error_keeps_permanent_and_its_codes() -> None:
    error = DeliveryError(
        "SMTP %(code)s: %(text)s", permanent=True, code="550", text="no such user"
    )
    assert (error.message, error.permanent) == ("SMTP 550: no such user", True)


@pytest.fixture
def notify_cli(cli, monkeypatch, tmp_path: Path):
    """``ruta notify run`` with no channel configured (refused before any database)."""
    from ruta.settings import get_settings

    for name in ("RUTA_SMTP_URL", "RUTA_MAIL_FROM", "RUTA_SMS_GATEWAY_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RUTA_DATABASE_URL", f"sqlite:///{tmp_path / 'ruta.db'}")
    monkeypatch.setenv("RUTA_DATA_DIR", str(tmp_path / "var"))

    def run(*args: str) -> CliRun:
        get_settings.cache_clear()
        return cli("notify", "run", "--once", *args)

    yield run
    get_settings.cache_clear()


def test_ruta_notify_run_refuses_in_the_users_language(notify_cli, monkeypatch) -> None:
    english = notify_cli()
    assert english.returncode == 2
    assert english.stderr == (
        "Error: smtp_url: nothing to deliver with: set RUTA_SMTP_URL (and RUTA_MAIL_FROM) for "
        "e-mail and/or RUTA_SMS_GATEWAY_URL for SMS and WhatsApp\n"
    )
    spanish = (
        "Error: smtp_url: no hay con qué entregar: configure RUTA_SMTP_URL (y RUTA_MAIL_FROM) "
        "para el correo electrónico y/o RUTA_SMS_GATEWAY_URL para SMS y WhatsApp\n"
    )
    assert notify_cli("--lang", "es").stderr == spanish
    monkeypatch.setenv("RUTA_LANG", "es")
    done = notify_cli()
    assert done.returncode == 2 and done.stderr == spanish and "Traceback" not in done.stderr


def test_ruta_notify_run_names_a_bad_sender_in_portuguese(notify_cli, monkeypatch) -> None:
    monkeypatch.setenv("RUTA_SMTP_URL", "smtp://127.0.0.1:2525")
    monkeypatch.setenv("RUTA_MAIL_FROM", "citas")
    done = notify_cli("--lang", "pt-BR")
    assert done.returncode == 2
    assert done.stderr.startswith("Error: mail_from: defina RUTA_MAIL_FROM como o endereço")


def test_ruta_notify_run_reports_in_the_commands_language(ruta, monkeypatch) -> None:
    monkeypatch.delenv("RUTA_SMS_GATEWAY_URL", raising=False)
    monkeypatch.setenv("RUTA_SMTP_URL", "smtp://127.0.0.1:2525")  # nothing is queued
    monkeypatch.setenv("RUTA_MAIL_FROM", "citas@migracion.example")
    english = ruta("notify", "run", "--once")
    assert english.returncode == 0, english.stderr
    assert english.stdout == (
        "Delivered 0, retrying 0, dead letters 0, e-mails of unknown fate 0\n"
    )
    assert "Not configured, left in the outbox: sms, whatsapp" in english.stderr
    spanish = ruta("notify", "run", "--once", "--lang", "es")
    assert spanish.returncode == 0, spanish.stderr
    assert spanish.stdout == (
        "Entregados 0, en reintento 0, mensajes fallidos 0, correos de destino incierto 0\n"
    )
    assert "Sin configurar, se quedan en la bandeja de salida: sms, whatsapp" in spanish.stderr
