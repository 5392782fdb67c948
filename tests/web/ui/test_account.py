"""Creating an applicant account: no username enumeration, a rate limit, the password policy.

Issue 16, findings 6 and 7: the form used to answer "choose another username if this one is
taken" (so anyone could test which people have accounts), had no rate limit, and took any
password of ten characters.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.ui.conftest import PASSWORD, Site, create_account, csrf, main_text

from ruta.store.models import User


def _post(client: TestClient, username: str, password: str = PASSWORD):
    form = client.get("/account/new", params={"lang": "en"})
    return client.post(
        "/account/new",
        data={"csrf_token": csrf(form.text), "username": username, "password": password},
        follow_redirects=False,
    )


def _shape(response) -> tuple[int, str, list[str]]:
    """What an onlooker sees of an answer, with the random parts (token, suffix) masked."""
    location = re.sub(r"\d{6}", "N", response.headers.get("location", ""))
    cookies = sorted(c.split("=", 1)[0] for c in response.headers.get_list("set-cookie"))
    return response.status_code, location, cookies


def test_registration_answers_alike_whether_or_not_the_name_is_taken(site: Site) -> None:
    site.user("cw")  # an officer called "cw" exists
    taken = _post(site.client(), "cw")
    free = _post(site.client(), "nobody-by-this-name")
    assert _shape(taken) == _shape(free) == (303, "/account/created?next=%2F", ["ruta_session"])
    # Both got accounts of their own, and the officer's account is untouched.
    with site.app.state.sessionmaker() as session:
        names = set(session.scalars(select(User.username)))
    assert {n for n in names if re.fullmatch(r"cw-\d{6}", n)} and "cw" in names


def test_the_new_username_is_shown_and_signs_in(site: Site) -> None:
    client = site.client()
    page, username = create_account(client, "rosa.quispe", "/track")
    assert re.fullmatch(r"rosa\.quispe-\d{6}", username)
    assert page.status_code == 200
    again = site.client()
    login = again.get("/login", params={"next": "/track"})
    signed = again.post(
        "/login",
        data={
            "csrf_token": csrf(login.text),
            "username": username,
            "password": PASSWORD,
            "next": "/track",
        },
    )
    assert signed.status_code == 200 and str(signed.url).endswith("/track")
    assert username in signed.text  # the header names who is signed in


def test_account_creation_is_rate_limited_per_client(site: Site) -> None:
    client = site.client()
    answers = [_post(client, "x").status_code for _ in range(11)]  # default 10/minute
    assert answers[:10] == [422] * 10  # a too-short name: refused, and counted all the same
    assert answers[10] == 429
    limited = _post(client, "valid-name")
    assert limited.status_code == 429 and limited.headers.get("location") is None
    assert "Too many new accounts from this address" in main_text(limited.text)
    with site.app.state.sessionmaker() as session:
        assert session.scalar(select(User.id).where(User.username.like("valid-name-%"))) is None


def test_common_and_username_based_passwords_are_refused_with_how_to_fix(site: Site) -> None:
    common = _post(site.client(), "lucia", "password1234")
    assert common.status_code == 422
    assert "one of the most common passwords" in main_text(common.text)
    own = _post(site.client(), "lucia.mamani", "lucia.mamani-2025")
    assert own.status_code == 422
    assert "Do not build the password from your username" in main_text(own.text)
    pattern = _post(site.client(), "lucia", "aaaaaaaaaaaa")
    assert pattern.status_code == 422 and "easy to guess" in main_text(pattern.text)
    with site.app.state.sessionmaker() as session:
        assert session.scalar(select(User.id).where(User.username.like("lucia%"))) is None


def test_policy_messages_are_translated(site: Site) -> None:
    client = site.client()
    form = client.get("/account/new", params={"lang": "es"})
    answer = client.post(
        "/account/new",
        data={"csrf_token": csrf(form.text), "username": "lucia", "password": "password1234"},
    )
    assert "una de las contraseñas más comunes" in main_text(answer.text)
