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

from ruta.i18n import LANGUAGES, require_language

if TYPE_CHECKING:
    from ruta.stats import Release

__all__ = ["app"]

app = typer.Typer(
    help="Migration statistics: SDMX export with disclosure control, backlog forecasts.",
    no_args_is_help=True,
)
err = Console(stderr=True)

LangOpt = Annotated[
    str, typer.Option("--lang", help=f"Language of the messages: {', '.join(LANGUAGES)}.")
]


def _text(lang: str, message: str) -> str:
    from ruta.stats._codes import stats_text

    return stats_text(lang, message)


def _lang(value: str) -> str:
    from ruta.errors import RutaError
    from ruta.i18n import UnsupportedLanguage

    try:
        return require_language(value, field="--lang")
    except UnsupportedLanguage as exc:
        raise RutaError(str(exc).split(": ", 1)[1], field="--lang") from None


def _report(release: Release, lang: str) -> None:
    withheld = sum(1 for o in release.observations if o.status == "C")
    err.print(
        _text(
            lang,
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
            _text(lang, "Unverified parameter (UNCERTAIN) %(name)s: %(citation)s")
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
    lang: LangOpt = "en",
) -> None:
    """Export every indicator of a period from the case store (RUTA_DATABASE_URL)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ruta.settings import get_settings
    from ruta.stats import FORMATS, ExportError, build_release, parse_period, write_export
    from ruta.store import make_engine

    lang = _lang(lang)
    parsed = parse_period(period, field="--period")
    if fmt not in FORMATS:
        raise ExportError(f"{fmt!r} is not a format; use {', '.join(FORMATS)}", field="--format")
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(f"directory {directory} does not exist; create it first", field="--out")
    engine = make_engine(get_settings().resolved_database_url)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(_text(lang, "Reading the case store and protecting the release"))
        try:
            with engine.connect() as connection:
                release = build_release(
                    connection,
                    parsed,
                    threshold=threshold,
                    rounding=rounding,
                    seed=seed,
                    population=population,
                )
        finally:
            engine.dispose()
        _report(release, lang)
        if audit:
            progress.update(task, description=_text(lang, "Auditing the release"))
            report = release.audit()
            if not report.passed:
                err.print(
                    _text(
                        lang,
                        "Audit failed: %(cells)s confidential cells can be narrowed "
                        "below their protection; nothing was written",
                    )
                    % {"cells": len(report.failures)}
                )
                sys.exit(1)
            widths = [c.upper - c.lower for c in report.cells if c.primary]
            err.print(
                _text(
                    lang,
                    "Audit passed: %(cells)s withheld cells attacked by linear "
                    "programming; the narrowest interval of a confidential cell is "
                    "%(width)s wide",
                )
                % {"cells": len(report.cells), "width": f"{min(widths):g}" if widths else "-"},
                highlight=False,
            )
        progress.update(task, description=_text(lang, "Writing"))
        written = write_export(release, out, fmt, release.offices)
    for path in written:
        typer.echo(_text(lang, "Wrote %(path)s") % {"path": path})
