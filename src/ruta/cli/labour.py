"""``ruta labour``: workers' rights (the migrant pay gap, pension totalization across states).

The domain packages are imported inside the commands, so that ``ruta --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ruta.cli._lang import UserLangOption, cli_language

if TYPE_CHECKING:
    from ruta.labour.pensions import Reason, Totalization

__all__ = ["app"]

app = typer.Typer(
    help="Workers' rights: the migrant pay gap and pension totalization across states.",
    no_args_is_help=True,
)
out = Console()

_MARK = {"HIGH": "", "MEDIUM": " [yellow](MEDIUM)[/]", "UNCERTAIN": " [magenta](UNCERTAIN)[/]"}


def _read(path: str) -> str:
    from ruta.i18n import N_, Text, os_reason
    from ruta.labour.pensions import PeriodsError

    try:
        return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else Text(N_("not a UTF-8 text file"))
        raise PeriodsError(
            N_("cannot read %(path)s: %(reason)s"),
            field="PERIODS",
            problems=[],
            path=path,
            reason=reason,
        ) from None


@app.command("pension")
def pension(
    periods: Annotated[
        str,
        typer.Argument(
            help="Contribution periods: a JSON list of {country, from, to} objects or a CSV "
            "file with those columns (optional: scheme, voluntary, wage); - reads stdin.",
            show_default=False,
        ),
    ],
    agreement: Annotated[
        str,
        typer.Option(help="mercosur, iberoamerican, or auto (the most favourable that applies)."),
    ] = "auto",
    lang: UserLangOption = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date of the claim (YYYY-MM-DD); today by default."),
    ] = None,
    parameters: Annotated[
        str | None,
        typer.Option(
            help="National benefit parameters (YAML) for amounts; 'illustrative' uses the "
            "shipped example values, which are not the law of any state."
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json (json goes to stdout).")] = (
        "text"
    ),
) -> None:
    """Add up contribution periods across states: the agreement that applies, each state's
    pro-rata share, the under-12-months rule, and why, with a citation for every step."""
    from ruta.i18n import N_
    from ruta.labour.pensions import (
        PensionsError,
        default_catalog,
        load_parameters,
        read_periods,
        totalize,
    )

    lang = cli_language(lang)  # first: the refusals below are said in it
    if fmt not in ("text", "json"):
        raise PensionsError(
            N_("got %(value)s; expected text or json"), field="--format", value=repr(fmt)
        )
    if agreement != "auto":
        default_catalog().get(agreement)  # an unknown id fails before the file is read
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.datetime.now(dt.UTC).date()
    except ValueError:
        raise PensionsError(
            N_("got %(value)s; expected a date YYYY-MM-DD"), field="--as-of", value=repr(as_of)
        ) from None
    values = load_parameters(parameters) if parameters else None
    text = _read(periods)
    suffix = Path(periods).suffix.lower()
    rows = read_periods(
        text, as_of=day, source=periods, fmt=suffix[1:] if suffix in (".json", ".csv") else None
    )
    answer = totalize(rows, as_of=day, agreement=agreement, lang=lang, parameters=values)
    if fmt == "json":
        typer.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        _print(answer)


def _print(answer: Totalization) -> None:
    from ruta.i18n import translator

    _ = translator(answer.lang, "labour").gettext
    title = _("Pension totalization")
    out.rule(f"{title} · {answer.as_of.isoformat()}")
    heading = answer.agreement_title or _("No agreement applies")
    out.print(f"[bold]{escape(heading)}[/]")
    if answer.uncertain:
        warning = _("Includes rules the legal reference marks UNCERTAIN: check them.")
        out.print(f"[magenta]⚠ {warning}[/]")
    if answer.parameters and answer.parameters.illustrative:
        out.print(f"[magenta]⚠ {escape(answer.parameters.title)}[/]")
    for table in _states_tables(answer, _) if answer.states else []:
        out.print(table)
    for item in answer.not_totalized:
        days = _("%(days)s days not added up") % {"days": item.days}
        out.print(f"[bold]{escape(item.name)}[/] · {days}")
        for reason in item.reasons:
            _print_reason("  -", reason)
    why = _("Why")
    out.print(f"[bold]{why}[/]")
    for number, step in enumerate(answer.steps, 1):
        _print_reason(f" {number}.", step)
    if answer.overlaps:
        table = _table(
            _("Days covered twice (counted once)"),
            _("From"),
            _("To"),
            _("Days"),
            _("States"),
            _("Kept by"),
        )
        line = _("line")
        for o in answer.overlaps:
            table.add_row(
                str(o.start),
                str(o.end),
                str(o.days),
                ", ".join(o.countries),
                f"{o.kept_by} ({line} {o.kept_line})",
            )
        out.print(table)
    if answer.gaps:
        table = _table(_("Gaps: no contributions in any state"), _("From"), _("To"), _("Days"))
        for gap in answer.gaps:
            table.add_row(str(gap.start), str(gap.end), str(gap.days))
        out.print(table)
    version = _("Agreements data version %(version)s") % {"version": answer.version}
    out.print(f"[dim]{version}[/]")


def _print_reason(bullet: str, reason: Reason) -> None:
    out.print(f"{bullet} {escape(reason.text)}{_MARK[reason.confidence]}")
    if reason.rule:
        out.print(f"    [italic]{escape(reason.rule)}[/]")
    if reason.citation:
        out.print(f"    [dim]{escape(reason.citation)}[/]")


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title)
    for position, name in enumerate(columns):
        # The first column names the row: never cut it; others fold rather than hide text.
        table.add_column(name, no_wrap=position == 0, overflow="fold")
    return table


def _states_tables(answer: Totalization, _: Callable[[str], str]) -> list[Table]:
    from babel.numbers import format_percent

    total = _("Total: %(days)s days") % {"days": answer.total_days}
    shares = _table(
        total, _("State"), _("Days"), _("Months + days"), _("Share"), _("12-month rule")
    )
    amounts = _table(
        answer.parameters.title if answer.parameters else "",
        _("State"),
        _("Pro-rata"),
        _("Own periods only"),
        _("Paid"),
    )
    for state in answer.states:
        shares.add_row(
            state.name,
            str(state.days),
            f"{state.months} + {state.extra_days}",
            format_percent(state.pro_rata, "#,##0.00%", locale=answer.lang),
            _("met") if state.minimum_met else _("not bound to pay"),
        )
        money = state.amounts
        if money is not None and not money.missing_wage_lines:
            amounts.add_row(
                state.name,
                _money(money.pro_rata_amount, money.currency, answer.lang),
                _money(money.independent, money.currency, answer.lang),
                _money(money.paid, money.currency, answer.lang),
            )
        else:
            amounts.add_row(state.name, "—", "—", "—")
    return [shares, amounts] if answer.parameters else [shares]


def _money(amount: Decimal | None, currency: str, lang: str) -> str:
    from babel.numbers import format_currency

    return "—" if amount is None else format_currency(amount, currency, locale=lang)


# The pay-gap command lives in its own module; registered last so that the group's
# commands are listed in one place.
from ruta.cli._labour_paygap import register as _register_paygap  # noqa: E402

_register_paygap(app)
