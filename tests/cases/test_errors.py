"""Casework refusals are catalog texts: English as before in ``message``, said in the
reader's language by ``say``; every raise site under ruta.cases passes a catalog message."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

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


def _raise_sites() -> list[tuple[str, int, ast.Call, dict[str, str]]]:
    """Each raise of a casework refusal, with the messages its module names at top level."""
    sites = []
    for path in sorted(CASES.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named = _named_messages(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                call = node.exc
                name = getattr(call.func, "id", getattr(call.func, "attr", ""))
                if name in _RAISED:
                    sites.append((path.relative_to(CASES).as_posix(), node.lineno, call, named))
    return sites


def _literal(node: ast.expr | None) -> str | None:
    """The text of ``N_("literal")``, or None for anything else."""
    if (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "N_"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def _named_messages(tree: ast.Module) -> dict[str, str]:
    """Top-level ``NAME = N_("literal")``: a message a page compares a refusal with."""
    named = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, text = node.targets[0], _literal(node.value)
            if isinstance(target, ast.Name) and text is not None:
                named[target.id] = text
    return named


def _message(call: ast.Call, named: dict[str, str]) -> str | None:
    """The catalog message a call passes (a literal or a module's named one), else None."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Call) and getattr(first.func, "id", "") == "Text" and first.args:
        first = first.args[0]
    if isinstance(first, ast.Name):
        return named.get(first.id)
    return _literal(first)


def test_every_refusal_raised_in_the_cases_package_is_a_catalog_message() -> None:
    sites = _raise_sites()
    assert len(sites) > 90  # the scan sees the raise sites (not an empty walk)
    msgids = {m.id for m in read_catalog("es", "cases") if m.id}
    wrong = []
    for where, line, call, names in sites:
        first = call.args[0] if call.args else None
        if (
            isinstance(first, ast.Subscript)
            and isinstance(first.value, ast.Name)
            and (Path(where).name, first.value.id) in _EXEMPT
        ):
            continue
        message = _message(call, names)
        if message is None:
            wrong.append(f"{where}:{line}: not N_('literal') (an f-string or a variable)")
            continue
        if message not in msgids:
            wrong.append(f"{where}:{line}: {message!r} is not in the cases catalog")
        named = set(re.findall(r"%\((\w+)\)s", message))
        given = {k.arg for k in call.keywords if k.arg and k.arg not in _NOT_VALUES}
        if named != given:
            wrong.append(f"{where}:{line}: placeholders {sorted(named)}, values {sorted(given)}")
    assert not wrong, "\n".join(wrong)


def test_the_scan_catches_an_f_string_and_a_variable() -> None:
    tree = ast.parse(
        'KNOWN = N_("no such case")\n'
        'raise CasesError(f"no {x}")\nraise CasesError(text)\nraise CasesError(KNOWN)\n'
    )
    named = _named_messages(tree)
    calls = [n.exc for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    said = [_message(c, named) for c in calls if isinstance(c, ast.Call)]
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
