"""The TOTP second factor (RFC 6238) and recovery codes, without the database.

The codes are pyotp's (SHA-1, six digits, 30-second steps: what every authenticator app
reads from the ``otpauth://`` URI). What Ruta adds:

- the secret is stored sealed (Fernet: AES-128-CBC with HMAC-SHA256) under a key derived
  from the service's secret key, so a copy of the database does not hand out second
  factors, and no page shows it again after enrolment;
- a code is accepted in the step before or after the current one (clock drift), and only
  in a step later than the last code accepted: a code seen over a shoulder or replayed
  from a log is refused within its step (:func:`accepted_step`);
- ten recovery codes of 50 bits each, for a lost phone; the caller hashes them like
  passwords and each opens one sign-in.

Examples:
    >>> secret = new_secret()
    >>> sealed = seal(secret, "k" * 32)
    >>> unseal(sealed, "k" * 32) == secret and secret not in sealed
    True
    >>> import pyotp
    >>> step = accepted_step(secret, pyotp.TOTP(secret).at(1_000_000), at=1_000_000, last=None)
    >>> step == 1_000_000 // 30
    True
    >>> accepted_step(secret, pyotp.TOTP(secret).at(1_000_000), at=1_000_000, last=step) is None
    True
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from datetime import datetime
from typing import Final

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ruta.cases.errors import CasesError
from ruta.i18n import N_

__all__ = [
    "RECOVERY_CODES",
    "SealError",
    "accepted_step",
    "new_recovery_codes",
    "new_secret",
    "normalise_code",
    "provisioning_uri",
    "seal",
    "unseal",
]

#: Recovery codes given at enrolment (each opens one sign-in).
RECOVERY_CODES: Final = 10
#: Steps of drift accepted on either side of the current one (a phone a little off).
_DRIFT: Final = 1
_STEP_SECONDS: Final = 30
_CODE = re.compile(r"^[0-9]{6}$")


class SealError(CasesError):
    """The stored secret cannot be opened: the service's secret key changed since
    enrolment. An administrator resets the user's second factor (they enrol again)."""


def _fernet(key: str) -> Fernet:
    # A key of its own for this purpose, so that the CSRF HMAC and the seal never share one.
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"ruta totp secret v1"
    ).derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def new_secret() -> str:
    """A fresh 160-bit secret in base32 (the length RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def seal(secret: str, key: str) -> str:
    """The stored form of ``secret``, encrypted and authenticated under ``key``."""
    return _fernet(key).encrypt(secret.encode()).decode()


def unseal(sealed: str, key: str) -> str:
    """The secret of a :func:`seal` output.

    Raises:
        SealError: the key is not the one it was sealed with.
    """
    try:
        return _fernet(key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise SealError(
            N_(
                "the second factor cannot be read with the current RUTA_SECRET_KEY; an "
                "administrator must reset it (ruta users reset-password NAME "
                "--reset-second-factor)"
            ),
            field="totp",
        ) from None


def provisioning_uri(secret: str, username: str, issuer: str = "Ruta") -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code.

    Examples:
        >>> provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "ana").startswith("otpauth://totp/Ruta:ana")
        True
    """
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def _timestamp(at: datetime | float) -> float:
    return at.timestamp() if isinstance(at, datetime) else float(at)


def accepted_step(secret: str, code: str, *, at: datetime | float, last: int | None) -> int | None:
    """The time step ``code`` belongs to, if it is valid now and not replayed.

    Args:
        secret: The base32 secret.
        code: What the user typed (spaces ignored).
        at: Now (a fixed clock in tests).
        last: The step of the last code accepted for this user, or ``None``.

    Returns:
        The step to remember as ``last``, or ``None`` when the code is wrong, too old or
        already used (a code of a step at or before ``last``).
    """
    code = re.sub(r"\s", "", code)
    if not _CODE.match(code):
        return None
    now = _timestamp(at)
    totp = pyotp.TOTP(secret)
    current = int(now // _STEP_SECONDS)
    for step in range(current - _DRIFT, current + _DRIFT + 1):
        # Constant-time comparison for each candidate, and every candidate is computed.
        if hmac.compare_digest(totp.generate_otp(step), code) and (last is None or step > last):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """``count`` random codes such as ``k3f9a-2mqx7`` (lowercase base32, 50 bits each).

    Examples:
        >>> codes = new_recovery_codes()
        >>> len(codes), len(set(codes)), len(codes[0])
        (10, 10, 11)
    """
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_code(text: str) -> str:
    """A recovery code as typed (any case, spaces, with or without the dash), as issued.

    Examples:
        >>> normalise_code(" K3F9A 2MQX7 ")
        'k3f9a-2mqx7'
    """
    raw = re.sub(r"[\s-]", "", text).lower()
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == 10 else raw
