"""``ruta users list|disable|enable|reset-password|set-role`` through the entry point."""

from __future__ import annotations

import json

from sqlalchemy import select
from tests.cases.conftest import PASSWORD

from ruta.cases.actions.authentication import do_login
from ruta.store.models import AuditEvent, User


def test_list_json_has_the_contract_keys_and_no_hashes(ruta, cast):
    out = ruta("users", "list", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {r["username"] for r in rows} >= {"cw-col", "root", "maria"}
    assert set(rows[0]) == {
        "username",
        "role",
        "country",
        "office",
        "active",
        "totp",
        "created_at",
        "last_login",
    }
    assert "argon2" not in out.stdout
    col = json.loads(ruta("users", "list", "--format", "json", "--role", "supervisor").stdout)
    assert [r["username"] for r in col] == ["sup-col", "sup2-col"]
    text = ruta("users", "list", "--country", "per")
    assert "cw-per" in text.stdout and "cw-col" not in text.stdout


def test_disable_enable_set_role(ruta, session, cast):
    assert ruta("users", "disable", "cw-col").returncode == 0
    session.expire_all()
    assert session.scalar(select(User.active).where(User.username == "cw-col")) is False
    session.close()  # SQLite: every transaction holds the write lock
    assert ruta("users", "enable", "cw-col").returncode == 0
    moved = ruta("users", "set-role", "cw-col", "supervisor", "--country", "PER")
    assert moved.returncode == 0 and "supervisor (PER)" in moved.stdout
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"user.disable", "user.enable", "user.set_role"} <= actions


def test_reset_password_from_stdin_or_generated(ruta, session, cast):
    chosen = ruta("users", "reset-password", "cw-col", stdin="a-fresh-long-sentence\n")
    assert chosen.returncode == 0 and "a-fresh" not in chosen.stdout
    generated = ruta("users", "reset-password", "cw-col")
    new = generated.stdout.rsplit(": ", 1)[1].strip()
    assert generated.returncode == 0 and len(new) >= 20
    session.expire_all()
    user, _ = do_login(
        session,
        username="cw-col",
        password=new,
        client="x",
        kind="session",
        hours=1,
        attempts_per_minute=5,
    )
    assert user.username == "cw-col" and new != PASSWORD


def test_unknown_user_exits_2_naming_it(ruta, cast):
    for args in (
        ("disable", "nobody"),
        ("enable", "nobody"),
        ("reset-password", "nobody"),
        ("set-role", "nobody", "auditor"),
    ):
        out = ruta("users", *args)
        assert out.returncode == 2, args
        assert "'nobody'" in out.stderr and "Traceback" not in out.stderr
    bad = ruta("users", "list", "--format", "xml")
    assert bad.returncode == 2 and "format" in bad.stderr
    last = ruta("users", "disable", "root")
    assert last.returncode == 2 and "last active administrator" in last.stderr


def test_output_speaks_the_chosen_language(ruta, cast):
    listed = ruta("users", "list", "--lang", "es", "--country", "col")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split()[:3] == ["usuario", "rol", "país"]
    assert "cuentas" in listed.stderr
    moved = ruta("users", "set-role", "cw-col", "auditor", "--lang", "pt-BR")
    assert moved.returncode == 0 and "cw-col agora tem o papel auditor" in moved.stdout
    gone = ruta("users", "revoke-sessions", "cw-col", "--lang", "ht")
    assert gone.returncode == 0 and "sesyon cw-col anile" in gone.stdout
    bad = ruta("users", "enable", "cw-col", "--lang", "klingon")
    assert bad.returncode == 2 and "--lang" in bad.stderr
