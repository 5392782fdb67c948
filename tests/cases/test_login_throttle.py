"""Sign-in throttling by account and by address: no lock-out of a whole office."""

from __future__ import annotations

import pytest
from tests.cases.conftest import PASSWORD

from ruta.cases.actions.authentication import do_login
from ruta.cases.errors import AuthenticationError, RateLimitedError

OFFICE = "203.0.113.7"  # one proxy address for a whole office


def _login(session, username, password, client, **options):
    return do_login(
        session,
        username=username,
        password=password,
        client=client,
        kind="session",
        hours=1,
        attempts_per_minute=6,
        **options,
    )


def test_one_attacker_does_not_lock_out_the_office(session, cast):
    for _ in range(50):
        with pytest.raises((AuthenticationError, RateLimitedError)):
            _login(session, "cw-col", "guess-guess-guess", OFFICE)
    # Another account behind the same address signs in at once.
    user, _ = _login(session, "cw2-col", PASSWORD, OFFICE)
    assert user.username == "cw2-col"
    # The attacked account is protected by its own key, from any address, with a message.
    with pytest.raises(RateLimitedError) as limited:
        _login(session, "cw-col", PASSWORD, "198.51.100.99")
    assert limited.value.field == "username"
    assert "try again in" in str(limited.value) and 1 <= limited.value.retry_after <= 60


def test_spraying_many_accounts_from_one_address_is_limited(session, cast):
    names = ["cw-col", "cw2-col", "sup-col", "sup2-col", "cw-per", "aud-col"]
    for name in names[:3]:
        with pytest.raises(AuthenticationError):
            _login(session, name, "guess-guess-guess", OFFICE, accounts_per_client=3)
    with pytest.raises(RateLimitedError) as limited:
        _login(session, "maria", PASSWORD, OFFICE, accounts_per_client=3)
    assert limited.value.field == "client" and "try again in" in str(limited.value)
    # Elsewhere, the same account is fine.
    assert _login(session, "maria", PASSWORD, "192.0.2.50")[0].username == "maria"
