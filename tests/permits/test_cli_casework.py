"""``ruta permits issue`` and ``revoke/suspend/reinstate`` against a real case store
(SQLite and PostgreSQL, through the shared ``database`` fixture)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ruta.cases import actions
from ruta.cases.actions.authentication import do_create_user
from ruta.cases.schemas import ApplicationCreate
from ruta.cli import main
from ruta.permits import KeyStore, read_qr, verify
from ruta.settings import get_settings

PASSWORD = "correct-horse-battery"


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["ruta", "permits", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def approved(database: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An approved COL application with its permit; yields the application id."""
    keys = tmp_path / "keys"
    monkeypatch.setenv("RUTA_DATABASE_URL", database.url)
    monkeypatch.setenv("RUTA_KEYS_DIR", str(keys))
    monkeypatch.delenv("RUTA_ENV", raising=False)
    get_settings.cache_clear()
    with database.sessionmaker() as session:

        def user(name: str, role: str) -> object:
            return do_create_user(
                session, None, username=name, password=PASSWORD, role=role, country="COL"
            )

        cw, sup = user("cw-col", "caseworker"), user("sup-col", "supervisor")
        body = ApplicationCreate.model_validate(
            {
                # A Peruvian with a valid passport on the Andean visa: the engine finds the
                # case eligible, so the approval needs no override reason.
                "pathway": "col.andean-temporary",
                "profile": {
                    "in_host_country": True,
                    "nationalities": [{"country": "PER", "acquired": "birth"}],
                    "date_of_birth": "1990-05-01",
                    "entry": {"date": "2024-02-01", "authorized_crossing": True},
                    "criminal_records": [],
                    "documents": [{"type": "passport", "expires": "2035-01-01"}],
                },
                "applicant": {
                    "given_names": "María José",
                    "surname_1": "Pérez",
                    "surname_2": "Gómez",
                    "date_of_birth": "1990-05-01",
                    "sex": "F",
                    "nationality": "PER",
                    "document": {"type": "passport", "number": "123456789"},
                    "languages": ["es"],
                },
                "household": [],
            }
        )
        app, _ = actions.do_submit_application(session, cw, body)
        actions.do_transition(session, cw, app.id, "in_review", "picked")
        actions.do_propose_decision(session, cw, app.id, "approved", ["all met"])
        actions.do_decide(session, sup, app.id, "approved", ["all met"], keys_dir=keys)
        app_id = app.id
    yield app_id
    get_settings.cache_clear()


def _permit_id(payload: str, store: KeyStore) -> str:
    permit = verify(payload, store.trust_list()).permit
    assert permit is not None
    return permit.permit_id


def test_issue_outputs_the_payload_and_a_qr_that_verifies(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    approved: str,
    tmp_path: Path,
) -> None:
    qr, card = tmp_path / "permit.png", tmp_path / "card.pdf"
    code, out, err = run(
        capsys,
        monkeypatch,
        "issue",
        "--application",
        approved,
        "--as",
        "cw-col",
        "--qr",
        str(qr),
        "--card",
        str(card),
        "--card-size",
        "a6",
        "--holder-lang",
        "fr",
    )
    assert code == 0, err
    assert card.read_bytes().startswith(b"%PDF-") and f"card in {card}" in err
    payload = out.strip()
    assert payload.startswith("RUTA1:") and "Permit COL-" in err
    assert read_qr(qr.read_bytes()) == payload
    store = KeyStore(tmp_path / "keys")
    assert verify(payload, store.trust_list(), [store.status_list("COL")]).is_valid


def test_revoke_changes_the_status_list_and_is_final(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    approved: str,
    tmp_path: Path,
) -> None:
    payload = run(capsys, monkeypatch, "issue", "--application", approved, "--as", "sup-col")[
        1
    ].strip()
    store = KeyStore(tmp_path / "keys")
    permit_id = _permit_id(payload, store)
    code, out, err = run(
        capsys, monkeypatch, "suspend", permit_id, "--reason", "document check", "--as", "sup-col"
    )
    assert code == 0 and "suspended" in out, err
    assert verify(payload, store.trust_list(), [store.status_list("COL")]).status == "suspended"
    run(capsys, monkeypatch, "reinstate", permit_id, "--reason", "checked", "--as", "sup-col")
    code, out, _ = run(
        capsys, monkeypatch, "revoke", permit_id, "--reason", "fraud found", "--as", "sup-col"
    )
    assert code == 0 and "revoked" in out
    assert verify(payload, store.trust_list(), [store.status_list("COL")]).status == "revoked"
    code, _, err = run(
        capsys, monkeypatch, "reinstate", permit_id, "--reason", "x", "--as", "sup-col"
    )
    assert code == 2 and "revoked" in err


@pytest.mark.parametrize(
    "args,needle",
    [
        (["revoke", "COL-NOPE", "--reason", "x", "--as", "sup-col"], "no permit"),
        (["revoke", "COL-NOPE", "--reason", "x", "--as", "nobody"], "--as"),
        (["issue", "--application", "missing", "--as", "cw-col"], "id"),
        (["issue", "--application", "x", "--as", "cw-col", "--qr", "a.gif"], "--qr"),
        (["issue", "--application", "x", "--as", "cw-col", "--card-size", "a4"], "--card-size"),
        (["issue", "--application", "x", "--as", "cw-col", "--holder-lang", "de"], "--holder-lang"),
    ],
)
def test_errors_exit_2_without_traceback(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    approved: str,
    args: list[str],
    needle: str,
) -> None:
    code, _, err = run(capsys, monkeypatch, *args)
    assert code == 2 and needle in err and "Traceback" not in err


def test_caseworker_cannot_revoke(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    approved: str,
    tmp_path: Path,
) -> None:
    payload = run(capsys, monkeypatch, "issue", "--application", approved, "--as", "cw-col")[
        1
    ].strip()
    permit_id = _permit_id(payload, KeyStore(tmp_path / "keys"))
    code, _, err = run(capsys, monkeypatch, "revoke", permit_id, "--reason", "x", "--as", "cw-col")
    assert code == 2 and "Traceback" not in err
