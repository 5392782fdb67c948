"""TOTP second factor (RFC 6238) with real codes from pyotp and a fixed clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select
from tests.cases.conftest import PASSWORD

from ruta.cases import actions
from ruta.cases.actions.authentication import (
    do_begin_enrolment,
    do_confirm_enrolment,
    do_second_factor,
    do_sign_in,
    enrolling_user,
    user_for_token,
)
from ruta.cases.errors import AuthenticationError, ConflictError, RateLimitedError
from ruta.cases.totp import SealError, seal, unseal
from ruta.store.models import AuditEvent, RecoveryCode, User

KEY = "k" * 40
# The start of the current 30-second TOTP step: a fixed clock for the codes, yet close enough
# to the real one that a token minted at T0 is still live when a check reads the real clock
# (a date written into the test made every token expired a few hours after it was written).
T0 = datetime.fromtimestamp(int(time.time()) // 30 * 30, tz=UTC)


def _sign_in(session, username, *, kind="session", otp=None, now=T0, client="192.0.2.1"):
    return do_sign_in(
        session,
        username=username,
        password=PASSWORD,
        client=client,
        kind=kind,
        hours=1,
        attempts_per_minute=5,
        otp=otp,
        totp_key=KEY,
        now=now,
    )


def _enrol(session, username, now=T0):
    pending = _sign_in(session, username, now=now)
    assert pending.kind == "enrol"
    user = enrolling_user(session, pending.token, now)
    secret, uri = do_begin_enrolment(session, user, totp_key=KEY)
    assert uri.startswith("otpauth://totp/Ruta:") and secret in uri
    code = pyotp.TOTP(secret).at(now)
    codes, token = do_confirm_enrolment(
        session, user, code=code, totp_key=KEY, pending_token=pending.token, now=now
    )
    return secret, codes, token


def test_supervisor_must_enrol_at_first_sign_in(session, cast):
    pending = _sign_in(session, "sup-col")
    assert pending.kind == "enrol"
    # The half-done sign-in opens no page.
    with pytest.raises(AuthenticationError):
        user_for_token(session, pending.token, "session")
    secret, codes, token = _enrol(session, "sup2-col")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert user_for_token(session, token, "session").username == "sup2-col"
    user = session.scalar(select(User).where(User.username == "sup2-col"))
    assert user.totp_enabled and secret not in (user.totp_secret or "")
    hashes = session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id))
    assert all(h.startswith("$argon2id$") for h in hashes)
    actions_seen = set(session.scalars(select(AuditEvent.action)))
    assert "user.totp_enrol" in actions_seen


def test_caseworker_signs_in_without_and_may_enrol(session, cast):
    assert _sign_in(session, "cw-col").kind == "session"
    user = cast.caseworker
    secret, _ = do_begin_enrolment(session, user, totp_key=KEY)
    with pytest.raises(AuthenticationError):
        do_confirm_enrolment(session, user, code="000000", totp_key=KEY, now=T0)
    codes, token = do_confirm_enrolment(
        session, user, code=pyotp.TOTP(secret).at(T0), totp_key=KEY, now=T0
    )
    assert token is None and len(codes) == 10
    with pytest.raises(ConflictError):
        do_begin_enrolment(session, user, totp_key=KEY)
    later = T0 + timedelta(minutes=5)
    assert _sign_in(session, "cw-col", now=later).kind == "mfa"


def test_code_accepted_once_replay_refused(session, cast):
    secret, _, _ = _enrol(session, "sup-col")
    later = T0 + timedelta(minutes=2)
    pending = _sign_in(session, "sup-col", now=later)
    assert pending.kind == "mfa"
    code = pyotp.TOTP(secret).at(later)
    with pytest.raises(AuthenticationError) as wrong:
        do_second_factor(
            session,
            token=pending.token,
            code="123456" if code != "123456" else "654321",
            totp_key=KEY,
            hours=1,
            attempts_per_minute=5,
            now=later,
        )
    assert wrong.value.field == "otp"
    token = do_second_factor(
        session,
        token=pending.token,
        code=code,
        totp_key=KEY,
        hours=1,
        attempts_per_minute=5,
        now=later,
    )
    assert user_for_token(session, token, "session").username == "sup-col"
    # The same code again, inside its 30-second step: refused (API sign-in too).
    with pytest.raises(AuthenticationError) as replay:
        _sign_in(session, "sup-col", kind="api", otp=code, now=later + timedelta(seconds=5))
    assert replay.value.field == "otp"
    nxt = later + timedelta(seconds=30)
    api = _sign_in(session, "sup-col", kind="api", otp=pyotp.TOTP(secret).at(nxt), now=nxt)
    assert api.kind == "api" and user_for_token(session, api.token, "api").role == "supervisor"


def test_api_needs_the_code_for_supervisors(session, cast):
    with pytest.raises(AuthenticationError) as not_enrolled:
        _sign_in(session, "sup-col", kind="api")
    assert not_enrolled.value.field == "otp" and "pages" in str(not_enrolled.value)
    _enrol(session, "sup-col")
    with pytest.raises(AuthenticationError) as missing:
        _sign_in(session, "sup-col", kind="api", now=T0 + timedelta(minutes=1))
    assert missing.value.field == "otp" and "otp" in str(missing.value)


def test_recovery_codes_are_single_use(session, cast):
    _, codes, _ = _enrol(session, "root")
    later = T0 + timedelta(minutes=3)
    api = _sign_in(session, "root", kind="api", otp=codes[0].upper().replace("-", " "), now=later)
    assert api.kind == "api"
    with pytest.raises(AuthenticationError):
        _sign_in(session, "root", kind="api", otp=codes[0], now=later)
    assert _sign_in(session, "root", kind="api", otp=codes[1], now=later).kind == "api"
    used = session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all()
    assert len(used) == 2


def test_wrong_codes_are_throttled_per_account(session, cast):
    secret, _, _ = _enrol(session, "sup-col")
    later = T0 + timedelta(minutes=4)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            _sign_in(session, "sup-col", kind="api", otp="000000", now=later)
    with pytest.raises(RateLimitedError) as limited:
        _sign_in(session, "sup-col", kind="api", otp=pyotp.TOTP(secret).at(later), now=later)
    assert "try again in" in str(limited.value) and limited.value.retry_after <= 60


def test_admin_reset_of_the_second_factor_forces_enrolment_again(session, cast):
    _enrol(session, "sup-col")
    actions.do_reset_second_factor(session, cast.admin, "sup-col")
    assert _sign_in(session, "sup-col", now=T0 + timedelta(minutes=1)).kind == "enrol"


def test_a_changed_secret_key_cannot_open_the_seal():
    sealed = seal("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", KEY)
    assert unseal(sealed, KEY).startswith("JBSW")
    with pytest.raises(SealError):
        unseal(sealed, "another-key-" + "y" * 30)
