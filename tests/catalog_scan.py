"""A scan of the places a package raises its refusals: each must pass a catalog message.

Shared by the casework and statistics tests (tests/cases/test_errors.py,
tests/stats/test_errors.py): a refusal is ``SomeError(N_("literal %(x)s"), field=..., x=...)``
or a module's top-level ``NAME = N_("literal")`` passed by name; the literal must be in the
package's catalog and its placeholders must be the values given.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "RaiseSite",
    "assert_said_in_every_language",
    "message",
    "named_messages",
    "raise_sites",
    "wrong_sites",
]


@dataclass(frozen=True)
class RaiseSite:
    """One ``raise SomeError(...)``: where, the call, and the messages its module names."""

    where: str
    line: int
    call: ast.Call
    names: dict[str, str]


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


def named_messages(tree: ast.Module) -> dict[str, str]:
    """Top-level ``NAME = N_("literal")``: a message a page compares a refusal with."""
    named = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, text = node.targets[0], _literal(node.value)
            if isinstance(target, ast.Name) and text is not None:
                named[target.id] = text
    return named


def _name(call: ast.Call) -> str:
    """The name a call calls: ``Error`` of ``Error(...)`` and of ``errors.Error(...)``."""
    return str(getattr(call.func, "id", getattr(call.func, "attr", "")))


def raise_sites(
    paths: Iterable[Path], raised: Collection[str], label: Path | None = None
) -> list[RaiseSite]:
    """Each raise of one of the ``raised`` classes in ``paths``, named relative to ``label``
    (the file's name when None)."""
    sites = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = named_messages(tree)
        where = path.relative_to(label).as_posix() if label else path.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                call = node.exc
                if _name(call) not in raised and call.args and isinstance(call.args[0], ast.Call):
                    call = call.args[0]  # raise option_refusal(SomeError(...)): a wrapped one
                if _name(call) in raised:
                    sites.append(RaiseSite(where, node.lineno, call, names))
    return sites


def message(call: ast.Call, names: dict[str, str]) -> str | None:
    """The catalog message a call passes (a literal or a module's named one), else None."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Call) and getattr(first.func, "id", "") == "Text" and first.args:
        first = first.args[0]
    if isinstance(first, ast.Name):
        return names.get(first.id)
    return _literal(first)


def wrong_sites(
    sites: Iterable[RaiseSite],
    msgids: Collection[str],
    domain: str,
    not_values: Collection[str] = ("field",),
    exempt: Collection[tuple[str, str]] = (),
) -> list[str]:
    """Each site that does not pass a ``domain`` catalog message with its placeholders' values.

    Args:
        sites: From :func:`raise_sites`.
        msgids: The catalog's message ids.
        domain: The catalog's name, for the report.
        not_values: Keywords of the error that are not placeholders (``field``).
        exempt: ``(file name, variable)`` of sites that pass ``variable[...]``, a message
            made elsewhere (the test says why).
    """
    wrong = []
    for site in sites:
        where = f"{site.where}:{site.line}"
        first = site.call.args[0] if site.call.args else None
        if (
            isinstance(first, ast.Subscript)
            and isinstance(first.value, ast.Name)
            and (Path(site.where).name, first.value.id) in exempt
        ):
            continue
        text = message(site.call, site.names)
        if text is None:
            wrong.append(f"{where}: not N_('literal') (an f-string or a variable)")
            continue
        if text not in msgids:
            wrong.append(f"{where}: {text!r} is not in the {domain} catalog")
        named = set(re.findall(r"%\((\w+)\)s", text))
        given = {k.arg for k in site.call.keywords if k.arg and k.arg not in not_values}
        if named != given:
            wrong.append(f"{where}: placeholders {sorted(named)}, values {sorted(given)}")
    return wrong


def assert_said_in_every_language(error: Any, *kept: str) -> None:
    """``error`` is said in every supported language, each keeping the values ``kept``,
    and in words other than English's outside English."""
    from ruta.i18n import LANGUAGES

    for lang in LANGUAGES:
        said = error.say(lang)
        assert all(value in said for value in kept), (lang, said)
        if lang != "en":
            assert said != error.message, lang
