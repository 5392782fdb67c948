"""Casework refusals are catalog texts: English as before in ``message``, said in the
reader's language by ``say``; every raise site under ruta.cases passes a catalog message."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tests.catalog_scan import message, named_messages, raise_sites, wrong_sites

import ruta.cases
from ruta.cases.errors import (
    AuthenticationError,
    CasesError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    word,
)
from ruta.i18n import LANGUAGES, N_, Text, read_catalog

CASES = Path(ruta.cases.__file__).parent
#: The exception classes whose first argument is a message (PasswordPolicyError takes a
#: reason code and builds its catalog text itself).
_RAISED = {
    "CasesError",
    "InvalidValueError",
    "NotFoundError",
    "PermissionDeniedError",
    "ConflictError",
    "AuthenticationError",
    "RateLimitedError",
    "SealError",
}
#: Raise sites that pass a message made elsewhere, and why.
_EXEMPT = {
    # pydantic's own sentence for a field it refuses ("Field required"): English, as the
    # API's request validation errors are.
    ("schemas.py", "err"),
}
_NOT_VALUES = {"field", "retry_after"}


def test_every_refusal_raised_in_the_cases_package_is_a_catalog_message() -> None:
    sites = raise_sites(sorted(CASES.rglob("*.py")), _RAISED, label=CASES)
    assert len(sites) > 90  # the scan sees the raise sites (not an empty walk)
    msgids = {m.id for m in read_catalog("es", "cases") if m.id}
    wrong = wrong_sites(sites, msgids, "cases", _NOT_VALUES, exempt=_EXEMPT)
    assert not wrong, "\n".join(wrong)


def test_the_scan_catches_an_f_string_and_a_variable() -> None:
    tree = ast.parse(
        'KNOWN = N_("no such case")\n'
        'raise CasesError(f"no {x}")\nraise CasesError(text)\nraise CasesError(KNOWN)\n'
    )
    named = named_messages(tree)
    calls = [n.exc for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    said = [message(c, named) for c in calls if isinstance(c, ast.Call)]
    assert said == [None, None, "no such case"]


def test_the_english_message_and_str_are_as_before() -> None:
    error = ConflictError(
        N_("an application that is %(status)s cannot move to %(to)s; allowed: %(options)s"),
        field="to",
        status=word("in_review"),
        to=word("draft"),
        options="decision_proposed, withdrawn",
    )
    expected = (
        "an application that is in_review cannot move to draft; "
        "allowed: decision_proposed, withdrawn"
    )
    assert error.message == expected and isinstance(error.message, Text)
    assert str(error) == f"to: {expected}"
    assert error.say("en") == expected


def test_a_refusal_says_itself_and_its_words_in_each_language() -> None:
    error = ConflictError(
        N_("a case that is %(status)s takes no more documents"),
        field="status",
        status=word("approved"),
    )
    assert error.say("es") == "un caso con estado «aprobada» ya no admite documentos"
    assert error.say("fr") == "un dossier au statut « approuvée » n'accepte plus de documents"
    assert error.say("pt-BR") == "um caso com estado «aprovado» não aceita mais documentos"
    # Every language has it; an id or a code stays as it is.
    found = NotFoundError(N_("no future slot %(slot)s"), field="slot", slot="1234")
    for lang in LANGUAGES:
        assert "1234" in found.say(lang)


def test_subclasses_keep_their_arguments() -> None:
    limited = RateLimitedError(
        N_("too many requests from your address; try again in %(wait)s seconds"),
        field="rate_limit",
        retry_after=30,
        wait="30",
    )
    assert limited.retry_after == 30
    assert limited.message == "too many requests from your address; try again in 30 seconds"
    assert (
        AuthenticationError(N_("this account is disabled")).say("ht") != "this account is disabled"
    )


def test_an_english_only_error_is_said_as_it_is() -> None:
    assert CasesError.domain == "cases"
    plain = CasesError(Text("pydantic's sentence"), field="x")
    assert plain.say("es") == "pydantic's sentence"


@pytest.mark.parametrize("code", ["in_review", "withdrawn", "caseworker", "no_show"])
def test_a_word_is_the_code_in_english(code: str) -> None:
    assert word(code) == code and isinstance(word(code), Text)
    assert word("COL") == "COL" and not isinstance(word("COL"), Text)
