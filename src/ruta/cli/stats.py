"""``ruta stats``: export a period's statistics (SDMX-CSV, CSV, Parquet), forecast backlogs.

Commands parse their options, call ``ruta.stats`` and print the outcome. The statistics
stack (DuckDB, SciPy, sdmx1) is imported inside the commands so that ``ruta --help``
stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from ruta.cli._lang import UserLangOption, cli_language
from ruta.cli._store import store_connection
from ruta.i18n import N_, Text, format_number, say_in, translator

if TYPE_CHECKING:
    from ruta.stats import Release

__all__ = ["app"]

app = typer.Typer(
    help="Migration statistics: SDMX export with disclosure control, backlog forecasts.",
    no_args_is_help=True,
)
err = Console(stderr=True)


def _report(release: Release, lang: str) -> None:
    _ = translator(lang, "stats").gettext
    withheld = sum(1 for o in release.observations if o.status == "C")
    err.print(
        _(
            "Release %(period)s: %(observations)s observations, %(withheld)s withheld "
            "as confidential (threshold %(threshold)s)",
        )
        % {
            "period": release.period.code,
            "observations": len(release.observations),
            "withheld": withheld,
            "threshold": release.threshold,
        },
        highlight=False,
    )
    for source in release.uncertain:
        err.print(
            _("Unverified parameter (UNCERTAIN) %(name)s: %(citation)s")
            % {"name": source.name, "citation": source.citation},
            style="yellow",
            highlight=False,
        )


@app.command("export")
def export(
    period: Annotated[str, typer.Option("--period", help="YYYY-Qn or YYYY-MM, e.g. 2026-Q3.")],
    out: Annotated[Path, typer.Option("--out", help="Data file to write.")],
    fmt: Annotated[
        str,
        typer.Option("--format", help="sdmx-csv (with <stem>.dsd.xml beside it), csv or parquet."),
    ] = "sdmx-csv",
    threshold: Annotated[
        int | None, typer.Option("--threshold", help="Threshold rule: 3, 5 or 10 (default 5).")
    ] = None,
    rounding: Annotated[
        int | None, typer.Option("--rounding", help="Random rounding of counts to base 3 or 5.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random rounding.")] = 0,
    population: Annotated[
        Path | None,
        typer.Option("--population", help="Results of `ruta pathways simulate` (take-up)."),
    ] = None,
    audit: Annotated[
        bool, typer.Option("--audit/--no-audit", help="Prove the protection before writing.")
    ] = True,
    lang: UserLangOption = None,
) -> None:
    """Export every indicator of a period from the case store (RUTA_DATABASE_URL)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ruta.settings import get_settings
    from ruta.stats import (
        FORMATS,
        ExportError,
        build_release,
        check_calendar,
        check_target,
        parse_period,
        write_export,
    )

    lang = cli_language(lang)
    _ = translator(lang, "stats").gettext
    parsed = parse_period(period, field="--period")
    calendar = get_settings().stats_calendar
    check_calendar(parsed, calendar, field="--period")
    if fmt not in FORMATS:
        raise ExportError(
            N_("%(value)s is not a format; use %(formats)s"),
            field="--format",
            value=repr(fmt),
            formats=", ".join(FORMATS),
        )
    check_target(out, field="--out")
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(_("Reading the case store and protecting the release"))
        with store_connection() as connection:
            release = build_release(
                connection,
                parsed,
                threshold=threshold,
                rounding=rounding,
                seed=seed,
                population=population,
                calendar=calendar,
            )
        _report(release, lang)
        if audit:
            progress.update(task, description=_("Auditing the release"))
            report = release.audit()
            if not report.passed:
                err.print(
                    _(
                        "Audit failed: %(cells)s confidential cells can be narrowed "
                        "below their protection; nothing was written",
                    )
                    % {"cells": len(report.failures)}
                )
                sys.exit(1)
            widths = [c.upper - c.lower for c in report.cells if c.primary]
            err.print(
                _(
                    "Audit passed: %(cells)s withheld cells attacked by linear "
                    "programming; the narrowest interval of a confidential cell is "
                    "%(width)s wide",
                )
                % {"cells": len(report.cells), "width": f"{min(widths):g}" if widths else "-"},
                highlight=False,
            )
        progress.update(task, description=_("Writing"))
        written = write_export(release, out, fmt, release.offices)
    for path in written:
        typer.echo(_("Wrote %(path)s") % {"path": path})


@app.command("forecast")
def forecast(
    office: Annotated[
        list[str] | None, typer.Option("--office", help="Office code(s); default: every office.")
    ] = None,
    before: Annotated[
        str | None,
        typer.Option("--before", help="YYYY-MM-DD: how many caseworkers clear it by then?"),
    ] = None,
    horizon: Annotated[
        int, typer.Option("--horizon", min=1, max=260, help="Weeks to project.")
    ] = 52,
    history_weeks: Annotated[
        int, typer.Option("--history", min=4, max=260, help="Weeks of history to read.")
    ] = 26,
    confidence: Annotated[
        float, typer.Option("--confidence", help="Probability the staffing answer must reach.")
    ] = 0.9,
    target: Annotated[
        int, typer.Option("--target", min=0, help="Cleared means at most this many open cases.")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the simulation.")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    lang: UserLangOption = None,
) -> None:
    """Project each office's backlog and answer: when does it clear, how many caseworkers?"""
    import json
    from datetime import UTC, date, datetime

    import duckdb

    from ruta.stats import (
        ForecastError,
        StatsError,
        forecast_backlog,
        load_case_store,
        office_histories,
    )

    lang = cli_language(lang)
    if fmt not in ("text", "json"):
        raise StatsError(
            N_("%(value)s is not a format; use %(formats)s"),
            field="--format",
            value=repr(fmt),
            formats="text, json",
        )
    try:
        deadline = date.fromisoformat(before) if before else None
    except ValueError:
        raise StatsError(
            N_("%(value)s is not a date; expected YYYY-MM-DD"),
            field="--before",
            value=repr(before),
        ) from None
    now = datetime.now(UTC).replace(tzinfo=None)
    duck = duckdb.connect()
    try:
        with store_connection() as connection:
            load_case_store(connection, duck)
        histories = office_histories(duck, now, history_weeks)
    finally:
        duck.close()
    if office:
        known = {h.office for h in histories}
        missing = [o for o in office if o not in known]
        if missing:
            raise StatsError(
                N_("no cases at office %(office)s; offices with cases: %(offices)s"),
                field="--office",
                office=repr(missing[0]),
                offices=", ".join(sorted(known)),
            )
        histories = [h for h in histories if h.office in office]
    results: list[dict[str, object]] = []
    for history in histories:
        try:
            result = forecast_backlog(
                history,
                horizon=horizon,
                deadline=deadline,
                confidence=confidence,
                target=target,
                seed=seed,
            )
        except ForecastError as exc:
            if exc.field != "office":
                raise type(exc)(exc.message, field=f"--{exc.field}") from None
            results.append(
                {
                    "ref_area": history.ref_area,
                    "office": history.office,
                    "backlog": history.backlog,
                    "error": exc.message,
                }
            )
            continue
        results.append(result.to_json())
    if not any("error" not in r for r in results):
        raise StatsError(
            N_("no office can be forecast: %(reasons)s"),
            field="history",
            reasons=_reasons([r["error"] for r in results]),
        )
    if fmt == "json":
        typer.echo(
            json.dumps(
                {"as_of": now.isoformat(timespec="seconds") + "Z", "offices": results},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for entry in results:
        _print_forecast(entry, lang)


def _reasons(errors: list[object]) -> str:
    """The offices' refusals joined by "; " (each still said in the reader's language).

    Examples:
        >>> _reasons([Text("a %(x)s", x="1"), "b"]), _reasons([])
        ('a 1; b', 'the case store has no cases')
    """
    if not errors:
        return Text(N_("the case store has no cases"))
    parts = {f"r{i}": e if isinstance(e, Text) else str(e) for i, e in enumerate(errors)}
    # Not a catalog message: the separator is the same in every language, and each part
    # is said from its own catalog message. One flat text, not one nested per office: a
    # region with hundreds of offices would otherwise be said by as deep a recursion.
    return Text("; ".join(f"%({key})s" for key in parts), **parts)


def _print_forecast(entry: dict[str, object], lang: str) -> None:
    _ = translator(lang, "stats").gettext
    out = Console()
    heading = f"{entry['ref_area']} {entry['office']}"
    if "error" in entry:
        # An office's refusal (a stats catalog text) in the reader's language; the JSON
        # output keeps the English sentence.
        error = entry["error"]
        if isinstance(error, str):
            error = say_in(error, _, lambda value: format_number(value, lang), lang)
        out.print(f"[bold]{heading}[/bold]: {error}", highlight=False)
        return
    model = entry["model"]
    clears = entry["clears_at_current_capacity"]
    assert isinstance(model, dict) and isinstance(clears, dict)
    out.print(f"[bold]{heading}[/bold]", highlight=False)
    out.print(
        _(
            "Backlog %(backlog)s; %(arrivals)s arrivals a week; %(staff)s caseworkers "
            "deciding %(rate)s cases each a week",
        )
        % {
            "backlog": entry["backlog"],
            "arrivals": model["arrivals_per_week"],
            "staff": model["caseworkers"],
            "rate": model["decisions_per_caseworker_week"],
        },
        highlight=False,
    )
    if clears["p50"] is None:
        out.print(
            _(
                "At current capacity the backlog does not clear within the horizon "
                "(probability %(probability)s)",
            )
            % {"probability": clears["probability_within_horizon"]},
            highlight=False,
        )
    else:
        out.print(
            _("At current capacity it clears around %(p50)s (80%% band %(p10)s to %(p90)s)")
            % {"p50": clears["p50"], "p10": clears["p10"], "p90": clears["p90"] or "-"},
            highlight=False,
        )
    staffing = entry["caseworkers_to_clear_before"]
    if isinstance(staffing, dict):
        if staffing["caseworkers"] is None:
            message = _("No staffing up to the limit clears it before %(date)s")
        else:
            message = _(
                "Caseworkers needed to clear it before %(date)s: %(caseworkers)s "
                "(probability %(probability)s)",
            )
        out.print(message % staffing, highlight=False)
