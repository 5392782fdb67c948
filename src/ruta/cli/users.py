"""``ruta users list|disable|enable|reset-password|reset-second-factor|set-role|revoke-sessions``.

The operator's side of :mod:`ruta.cases.actions.accounts`: the same actions the
administrators' pages call, run with no acting user (the operator holds the database),
audited the same way. An unknown username exits with code 2 and names it. What the
commands print comes from the ``cli`` catalog in the language of ``--lang``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from ruta.cli._lang import UserLangOption, cli_language
from ruta.cli._store import store_session
from ruta.errors import RutaError
from ruta.i18n import translator

if TYPE_CHECKING:
    from gettext import NullTranslations


__all__ = ["register_users"]


def _texts(lang: str | None) -> NullTranslations:
    # One translator per command: its gettext and ngettext come from the same catalog.
    return translator(cli_language(lang), "cli")


def users_list(
    fmt: str = typer.Option("text", "--format", help="text (a table) or json"),
    role: str = typer.Option(None, help="Only this role"),
    country: str = typer.Option(None, help="Only this country (ISO 3166-1 alpha-3)"),
    lang: UserLangOption = None,
) -> None:
    """List accounts: username, role, country, office, active, second factor, created, last
    sign-in (never a password hash)."""
    from ruta.cases.actions import list_users

    texts = _texts(lang)
    _ = texts.gettext
    if fmt not in ("text", "json"):
        raise RutaError(f"{fmt!r} is not a format; use text or json", field="format")
    with store_session() as session:
        accounts = list_users(
            session, None, role=role or None, country=country.upper() if country else None
        )
    rows = [a.to_dict() for a in accounts]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    header = (
        _("username"),
        _("role"),
        _("country"),
        _("office"),
        _("active"),
        _("second factor"),
        _("last sign-in"),
    )
    yes, no = _("yes"), _("no")
    table = [header] + [
        (
            r["username"],
            r["role"],
            r["country"] or "-",
            r["office"] or "-",
            yes if r["active"] else no,
            yes if r["totp"] else no,
            (r["last_login"] or _("never"))[:16],
        )
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        typer.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    accounts_line = texts.ngettext("%(n)d account", "%(n)d accounts", len(rows))
    typer.echo(accounts_line % {"n": len(rows)}, err=True)


def _run(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with store_session() as session:
        return action(session, None, *args, **kwargs)


def users_disable(
    name: str = typer.Argument(..., help="Username"), lang: UserLangOption = None
) -> None:
    """Disable an account; its sessions and API tokens end at once."""
    from ruta.cases.actions import do_disable_user

    _ = _texts(lang).gettext  # first: the action's refusal is said in this language too
    user = _run(do_disable_user, name)
    typer.echo(
        _("Disabled %(user)s; its sessions and tokens are revoked") % {"user": user.username}
    )


def users_enable(
    name: str = typer.Argument(..., help="Username"), lang: UserLangOption = None
) -> None:
    """Enable a disabled account."""
    from ruta.cases.actions import do_enable_user

    _ = _texts(lang).gettext
    user = _run(do_enable_user, name)
    typer.echo(_("Enabled %(user)s") % {"user": user.username})


def users_reset_password(
    name: str = typer.Argument(..., help="Username"),
    generate: bool = typer.Option(
        False, "--generate", help="Generate a password and print it once (stdin is not read)"
    ),
    lang: UserLangOption = None,
) -> None:
    """Set a new password, read from stdin (first line) like `users create`, or generated
    with --generate (or when stdin is empty) and printed once. Sessions end."""
    from ruta.cases.actions import do_reset_password

    password: str | None = None
    if not generate and not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n") or None
    _ = _texts(lang).gettext
    user, new = _run(do_reset_password, name, password)
    if password is None:
        # The password last, after ": ", so that a script can take it from the line.
        shown = _("New password for %(user)s (shown once)") % {"user": user.username}
        typer.echo(f"{shown}: {new}")
    else:
        changed = _("Password of %(user)s changed; its sessions and tokens are revoked")
        typer.echo(changed % {"user": user.username})


def users_reset_second_factor(
    name: str = typer.Argument(..., help="Username"), lang: UserLangOption = None
) -> None:
    """Remove an account's authenticator and recovery codes (a lost phone); supervisors and
    administrators set up a new one at their next sign-in."""
    from ruta.cases.actions import do_reset_second_factor

    _ = _texts(lang).gettext
    user = _run(do_reset_second_factor, name)
    removed = _("Second factor of %(user)s removed; its sessions and tokens are revoked")
    typer.echo(removed % {"user": user.username})


def users_set_role(
    name: str = typer.Argument(..., help="Username"),
    role: str = typer.Argument(..., help="applicant, caseworker, supervisor, auditor or admin"),
    country: str = typer.Option(None, help="New country scope (ISO 3166-1 alpha-3)"),
    office: str = typer.Option(None, help="New office code ('' removes it)"),
    lang: UserLangOption = None,
) -> None:
    """Change an account's role and its country and office scope; its sessions end."""
    from ruta.cases.actions import do_set_role

    _ = _texts(lang).gettext
    user = _run(do_set_role, name, role, country=country, office=office)
    where = " ".join(x for x in (user.country, user.office) if x)
    now = _("%(user)s is now %(role)s") % {"user": user.username, "role": user.role}
    typer.echo(now + (f" ({where})" if where else ""))


def users_revoke_sessions(
    name: str = typer.Argument(..., help="Username"), lang: UserLangOption = None
) -> None:
    """End every page session and API token of an account."""
    from ruta.cases.actions import do_revoke_user_sessions

    texts = _texts(lang)
    count = _run(do_revoke_user_sessions, name)
    revoked = texts.ngettext(
        "%(n)d session of %(user)s revoked", "%(n)d sessions of %(user)s revoked", count
    )
    typer.echo(revoked % {"n": count, "user": name})


def register_users(users_app: typer.Typer) -> None:
    """Add the account commands to ``ruta users``."""
    users_app.command("list")(users_list)
    users_app.command("disable")(users_disable)
    users_app.command("enable")(users_enable)
    users_app.command("reset-password")(users_reset_password)
    users_app.command("reset-second-factor")(users_reset_second_factor)
    users_app.command("set-role")(users_set_role)
    users_app.command("revoke-sessions")(users_revoke_sessions)
