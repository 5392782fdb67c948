"""The password policy: long enough, not a common password, not built from the username.

The judgement of "common" and "easy to guess" is zxcvbn's (Dropbox's estimator, ported to
Python): it ships its lists (the 30,000 most common passwords from leaked sets, names,
words) and recognises them spelled backwards, in l33t, with dates, repeats, sequences and
keyboard patterns, and it searches the username as one more list. Nothing leaves the
machine. Refused:

- shorter than :data:`MIN_LENGTH` characters (``short``);
- built from the username: a part of it of four characters or more, or any part when the
  rest is easy to guess (``username``);
- fewer than about 10^8 guesses to find (zxcvbn score below :data:`MIN_SCORE`), because it
  is one of the common passwords (``common``) or a pattern (``guessable``).

Examples:
    >>> check_password("correct-horse-battery", "maria")
    >>> check_password("password123", "maria")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ruta.cases.passwords.PasswordPolicyError: password: this is one of the most common ...
    >>> check_password("maria.perez-1990", "maria.perez")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ruta.cases.passwords.PasswordPolicyError: password: do not build the password from ...
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal

from ruta.cases.errors import CasesError
from ruta.i18n import N_, Text

__all__ = ["MIN_LENGTH", "MIN_SCORE", "PasswordPolicyError", "check_password"]

#: Shortest password accepted (NIST SP 800-63B asks for at least 8; Ruta guards case files).
MIN_LENGTH: Final = 10
#: zxcvbn's score 3: at least 10^8 guesses ("safely unguessable" against online attacks).
MIN_SCORE: Final = 3
#: zxcvbn refuses longer input; the first 72 characters decide (a strong start is strong).
_ZXCVBN_MAX: Final = 72
#: Username parts this long are a giveaway inside a password, however strong the rest.
_TELLING_PART: Final = 4

Reason = Literal["short", "username", "common", "guessable"]

_MESSAGES: Final[dict[str, str]] = {
    "short": N_("use at least %(length)s characters"),
    "username": N_(
        "do not build the password from the username; choose words that have nothing to do with it"
    ),
    "common": N_(
        "this is one of the most common passwords, which attackers try first; "
        "choose another, e.g. three or four unrelated words"
    ),
    "guessable": N_(
        "this password is easy to guess (a common word, name, date, repetition or "
        "keyboard pattern); make it longer, e.g. three or four unrelated words"
    ),
}


class PasswordPolicyError(CasesError):
    """A password the policy refuses; ``reason`` says which rule (for translated pages)."""

    def __init__(self, reason: Reason) -> None:
        values = {"length": str(MIN_LENGTH)} if reason == "short" else {}
        super().__init__(Text(_MESSAGES[reason], **values), field="password")
        self.reason: Reason = reason


def _username_parts(username: str) -> list[str]:
    parts = [p for p in re.split(r"[._\-]+", username.lower()) if len(p) >= 2]
    return [username.lower(), *parts] if username else []


def _estimate(password: str, user_inputs: list[str]) -> dict[str, Any]:
    # Why imported here: zxcvbn loads its lists at import (~0.1 s); only account creation
    # needs them, not every process that imports the accounts module.
    from zxcvbn import zxcvbn

    result: dict[str, Any] = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=user_inputs)
    return result


def check_password(password: str, username: str) -> None:
    """Refuse a password the policy does not accept (see the module's rules).

    Args:
        password: The new password.
        username: The account's username (or the name its owner asked for).

    Raises:
        PasswordPolicyError: naming the field ``password``, with the rule in ``reason``.
    """
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError("short")
    result = _estimate(password, _username_parts(username))
    weak = int(result["score"]) < MIN_SCORE
    dictionaries = {m.get("dictionary_name"): m for m in result["sequence"]}
    own = [m for m in result["sequence"] if m.get("dictionary_name") == "user_inputs"]
    if any(len(m["matched_word"]) >= _TELLING_PART for m in own) or (own and weak):
        raise PasswordPolicyError("username")
    lowered = password.lower()
    if any(len(p) >= _TELLING_PART and p in lowered for p in _username_parts(username)):
        raise PasswordPolicyError("username")  # inside another word zxcvbn splits differently
    if weak:
        raise PasswordPolicyError("common" if "passwords" in dictionaries else "guessable")
