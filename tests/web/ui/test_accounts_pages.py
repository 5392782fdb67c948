"""Second factor at sign-in, "Your sessions", and the administrators' account pages."""

from __future__ import annotations

import re

import pyotp
import pytest
from tests.conftest import enrol_second_factor, second_factor_code
from tests.web.ui.conftest import PASSWORD, SECRET, csrf, main_text

from ruta.cases.actions.authentication import do_create_user


def _password_step(client, username, lang="en"):
    page = client.get("/login", params={"lang": lang})
    return client.post(
        "/login",
        data={"csrf_token": csrf(page.text), "username": username, "password": PASSWORD},
    )


def _admin(site, username="root", country=None):
    with site.app.state.sessionmaker() as session:
        do_create_user(
            session, None, username=username, password=PASSWORD, role="admin", country=country
        )
    enrol_second_factor(site.app.state.sessionmaker, username, SECRET)
    client = site.client()
    step = _password_step(client, username)
    assert "/login/code" in str(step.url)
    done = client.post(
        "/login/code",
        data={
            "csrf_token": csrf(step.text),
            "code": second_factor_code(site.app.state.sessionmaker, username),
            "next": "/",
        },
    )
    assert done.status_code == 200, main_text(done.text)
    return client


def test_supervisor_sets_up_the_authenticator_at_first_sign_in(site):
    with site.app.state.sessionmaker() as session:
        do_create_user(
            session, None, username="sup-new", password=PASSWORD, role="supervisor", country="ARG"
        )
    client = site.client()
    enrol = _password_step(client, "sup-new")
    assert "/login/enrol" in str(enrol.url) and enrol.status_code == 200
    assert '<svg role="img"' in enrol.text and "<title>" in enrol.text
    # Nothing else opens with the half-done sign-in.
    assert "/login" in str(client.get("/casework/queue").url)
    enrol = client.get("/login/enrol")  # the same key again, until a code confirms it
    secret = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', enrol.text).group(1)
    secret = secret.replace(" ", "")
    wrong = client.post(
        "/login/enrol", data={"csrf_token": csrf(enrol.text), "code": "000000", "next": "/"}
    )
    assert wrong.status_code == 422 and "The code is not right" in main_text(wrong.text)
    codes = client.post(
        "/login/enrol",
        data={
            "csrf_token": csrf(wrong.text),
            "code": pyotp.TOTP(secret).now(),
            "next": "/",
        },
    )
    assert codes.status_code == 200 and codes.headers["cache-control"] == "no-store"
    shown = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", codes.text)
    assert len(shown) == 10
    assert client.get("/casework/queue").status_code == 200
    # The next sign-in asks for the code; a recovery code works once.
    again = site.client()
    step = _password_step(again, "sup-new")
    assert "/login/code" in str(step.url)
    bad = again.post("/login/code", data={"csrf_token": csrf(step.text), "code": "12", "next": "/"})
    assert bad.status_code == 422 and "already used" in main_text(bad.text)
    ok = again.post(
        "/login/code",
        data={"csrf_token": csrf(bad.text), "code": shown[0], "next": "/"},
    )
    assert ok.status_code == 200 and again.get("/casework/queue").status_code == 200


def test_the_recovery_codes_page_signs_out_in_one_step(site):
    """The page that shows an officer's recovery codes carries the sign-out form's token
    (without it, "Sign out" there could only fail)."""
    site.user("cw")
    client = site.signed_in("cw")
    enrol = client.get("/account/two-factor")
    secret = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', enrol.text).group(1)
    codes = client.post(
        "/account/two-factor",
        data={"csrf_token": csrf(enrol.text), "code": pyotp.TOTP(secret.replace(" ", "")).now()},
    )
    assert codes.status_code == 200 and "<code>" in codes.text
    out = client.post("/logout", data={"csrf_token": csrf(codes.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("es", "Configure su aplicación de autenticación"),
        ("pt", "Configure seu aplicativo autenticador"),
        ("fr", "Configurez votre application d'authentification"),
        ("en", "Set up your authenticator app"),
    ],
)
def test_enrolment_page_speaks_the_language(site, lang, title):
    site.user("sup")
    with site.app.state.sessionmaker() as session:
        do_create_user(
            session, None, username="sup-x", password=PASSWORD, role="supervisor", country="ARG"
        )
    page = _password_step(site.client(), "sup-x", lang)
    assert title in page.text


def test_sessions_page_lists_and_revokes_the_others(site):
    site.user("cw")
    phone, laptop = site.signed_in("cw"), site.signed_in("cw")
    page = phone.get("/account/sessions")
    text = main_text(page.text)
    assert page.status_code == 200 and text.count("Page session") == 2
    assert "This session" in text and "testclient" in text
    done = phone.post(
        "/account/sessions/revoke", data={"csrf_token": csrf(page.text), "others": "1"}
    )
    assert "Your other sessions were signed out." in main_text(done.text)
    assert "/login" in str(laptop.get("/account/sessions").url)
    assert phone.get("/account/sessions").status_code == 200


def test_admin_manages_accounts_with_messages(site):
    site.user("cw")
    site.user("cw-per")
    admin = _admin(site)
    listing = admin.get("/admin/users", params={"role": "caseworker", "country": "PER"})
    rows = main_text(listing.text)
    assert "cw-per" in rows and ">cw<" not in rows
    victim = site.signed_in("cw")
    page = admin.get("/admin/users/cw")
    disabled = admin.post("/admin/users/cw/disable", data={"csrf_token": csrf(page.text)})
    assert "The account was disabled and its sessions were signed out." in main_text(disabled.text)
    assert "/login" in str(victim.get("/casework/queue").url)
    enabled = admin.post("/admin/users/cw/enable", data={"csrf_token": csrf(disabled.text)})
    assert "The account was enabled." in main_text(enabled.text)
    reset = admin.post("/admin/users/cw/password", data={"csrf_token": csrf(enabled.text)})
    new = re.search(r'<code id="new-password">([^<]+)</code>', reset.text).group(1)
    assert reset.headers["cache-control"] == "no-store" and len(new) >= 20
    role = admin.post(
        "/admin/users/cw/role",
        data={"csrf_token": csrf(reset.text), "role": "auditor", "country": "PER", "office": ""},
    )
    assert "The role was changed" in main_text(role.text) and "Auditor" in main_text(role.text)
    own = admin.get("/admin/users/root")
    last = admin.post("/admin/users/root/disable", data={"csrf_token": csrf(own.text)})
    assert last.status_code == 422 and "Ask another administrator" in main_text(last.text)
    forged = admin.post("/admin/users/cw/enable", data={"csrf_token": "0" * 64}, forged=True)
    assert forged.status_code == 422 and "The form expired" in main_text(forged.text)


def test_admin_refusals_are_told_by_their_catalog_message_in_any_language(site):
    admin = _admin(site)
    own = admin.get("/admin/users/root", params={"lang": "es"})
    role = admin.post(
        "/admin/users/root/role",
        data={"csrf_token": csrf(own.text), "role": "auditor", "country": "PER", "office": ""},
    )
    assert role.status_code == 422
    assert "No puede cambiar su propia cuenta aquí" in main_text(role.text)
    bad = admin.get("/admin/users", params={"country": "P1", "lang": "en"})
    assert bad.status_code == 422 and "3-letter code" in main_text(bad.text)


def test_admin_pages_are_for_admins_only(site):
    caseworker = site.signed_in("cw")
    assert caseworker.get("/admin/users").status_code == 403
    assert caseworker.get("/admin/users/cw").status_code == 403


def test_page_sign_in_limit_says_when_to_retry(site):
    site.user("cw")
    client = site.client()
    for _ in range(6):
        page = client.get("/login")
        client.post(
            "/login", data={"csrf_token": csrf(page.text), "username": "cw", "password": "nope"}
        )
    limited = _password_step(client, "cw")
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
    assert re.search(r"Too many attempts\. Try again in \d+ seconds", main_text(limited.text))
