"""Auth: bearer tokens, rate-limited login, session cookies, CSRF and the login page."""

from __future__ import annotations

import re

from tests.web.conftest import PASSWORD


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert match, html
    return match.group(1)


def _signed_in(client, make_user) -> str | None:
    """Sign a caseworker in through the login form; the session cookie's token."""
    make_user("ana", "caseworker", "COL")
    page = client.get("/login")
    client.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    return client.cookies.get("ruta_session")


def test_token_errors_are_problems(client, make_user):
    make_user("ana", "caseworker", "COL")
    r = client.post("/api/v1/auth/token", json={"username": "ana", "password": "wrong"})
    assert r.status_code == 401 and r.json()["field"] == "password"
    assert client.post("/api/v1/auth/token", json={"username": "ana"}).json()["field"] == "password"


def test_login_is_rate_limited(client, make_user):
    make_user("ana", "caseworker", "COL")
    codes = [
        client.post("/api/v1/auth/token", json={"username": "ana", "password": "nope"}).status_code
        for _ in range(7)
    ]
    assert codes[:6] == [401] * 6 and codes[6] == 429
    r = client.post("/api/v1/auth/token", json={"username": "ana", "password": PASSWORD})
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60


def test_login_page_sets_a_hardened_session_cookie(client, make_user):
    make_user("ana", "caseworker", "COL")
    page = client.get("/login?next=/casework/queue")
    assert page.status_code == 200 and "ruta_csrf" in page.headers["set-cookie"]
    r = client.post(
        "/login",
        data={
            "username": "ana",
            "password": PASSWORD,
            "csrf_token": _csrf(page.text),
            "next": "/casework/queue",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/casework/queue"
    cookie = r.headers["set-cookie"]
    assert "ruta_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("ana", "caseworker", "COL")
    client.get("/login")
    r = client.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": "0" * 64},
        follow_redirects=False,
    )
    assert r.status_code == 422 and "ruta_session" not in r.headers.get("set-cookie", "")


def test_wrong_password_reshows_the_form_with_the_error(client, make_user):
    make_user("ana", "caseworker", "COL")
    page = client.get("/login")
    r = client.post(
        "/login", data={"username": "ana", "password": "bad", "csrf_token": _csrf(page.text)}
    )
    assert (
        r.status_code == 422
        and 'aria-invalid="true"' in r.text
        and "<title>Error:" in r.text.replace("\n", "")
    )


def test_next_never_leaves_the_site(client, make_user):
    make_user("ana", "caseworker", "COL")
    page = client.get("/login")
    r = client.post(
        "/login",
        data={
            "username": "ana",
            "password": PASSWORD,
            "csrf_token": _csrf(page.text),
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_logout_revokes_the_session(client, make_user, app):
    token = _signed_in(client, make_user)
    assert token
    csrf = _csrf(client.get("/login").text)
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    from ruta.cases.actions.authentication import user_for_token
    from ruta.cases.errors import AuthenticationError

    with app.state.sessionmaker() as s:
        try:
            user_for_token(s, token, "session")
        except AuthenticationError:
            return
    raise AssertionError("the session token still works after logout")


def test_a_stale_sign_out_is_asked_again_in_the_users_language(client, make_user, app):
    """A sign-out form whose token went stale (a page kept open, a second tab) signs nobody
    out and is asked again on a page in the person's language, not with the API's English
    problem; the fresh form it shows signs out."""
    token = _signed_in(client, make_user)
    for lang, said in (
        ("es", "El formulario caducó. Inténtelo de nuevo"),
        ("ht", "Fòmilè a ekspire. Eseye ankò"),
    ):
        stale = client.post(
            f"/logout?lang={lang}", data={"csrf_token": "0" * 64}, follow_redirects=False
        )
        assert stale.status_code == 422 and stale.headers["content-type"].startswith("text/html")
        assert said in stale.text and "the form expired" not in stale.text
        assert "clear-site-data" not in stale.headers
    from ruta.cases.actions.authentication import user_for_token

    with app.state.sessionmaker() as s:
        assert user_for_token(s, token, "session").username == "ana"  # still signed in
    assert "<span>ana</span>" in stale.text  # the page says who is still signed in
    out = client.post("/logout", data={"csrf_token": _csrf(stale.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    # Signed out already (the other tab's form): the same page, no longer naming anyone.
    again = client.post("/logout?lang=fr", data={"csrf_token": "0" * 64}, follow_redirects=False)
    assert again.status_code == 422 and "Le formulaire a expiré. Réessayez" in again.text
    assert "<span>ana</span>" not in again.text
