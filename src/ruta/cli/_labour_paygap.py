"""``ruta labour paygap``: the migrant pay gap from labour-force-survey microdata.

The command parses options, calls :func:`ruta.labour.paygap.analyse` and prints. Heavy
libraries (numpy, pyarrow, matplotlib) load inside the command, so ``ruta --help`` stays
fast. :mod:`ruta.cli.labour` registers it in the ``ruta labour`` group.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ruta.cli._lang import UserLangOption, cli_language
from ruta.cli._usage import option_refusal
from ruta.i18n import N_, translator
from ruta.labour import LabourError

if TYPE_CHECKING:
    from collections.abc import Callable

    from ruta.labour.paygap import PayGap

__all__ = ["register"]

out = Console()
err = Console(stderr=True)

_REPORT_SUFFIXES = (".html", ".htm", ".pdf")


def _report_path(value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() not in _REPORT_SUFFIXES:
        # Refused while the options are parsed, before hours of bootstrap; --lang may not
        # be parsed yet, so the refusal is said in the language of the command line.
        raise option_refusal(
            LabourError(
                N_("got %(name)s; expected a file name ending in .html or .pdf"),
                field="--report",
                name=repr(value.name),
            )
        )
    return value


def register(app: typer.Typer) -> None:
    """Add ``paygap`` to the ``ruta labour`` group."""
    app.command("paygap")(paygap)


def paygap(
    data: Annotated[
        Path,
        typer.Argument(
            help="Survey microdata: .csv, .csv.gz or .parquet, one row per wage earner."
        ),
    ],
    wage: Annotated[
        str | None,
        typer.Option(help="Column of hourly wages, or of monthly earnings when --hours is given."),
    ] = None,
    hours: Annotated[
        str | None,
        typer.Option(
            help="Column of usual hours worked: the hourly wage is wage / hours (monthly "
            "hours) or wage / (hours x 52/12) (weekly hours)."
        ),
    ] = None,
    hours_per: Annotated[
        str | None,
        typer.Option(
            "--hours-per", help="Whether --hours are per 'week' (default) or per 'month'."
        ),
    ] = None,
    migrant: Annotated[
        str | None,
        typer.Option(help="Column of migrant status: 1/true = migrant, 0/false = national."),
    ] = None,
    weight: Annotated[
        str | None,
        typer.Option(help="Column of survey (expansion) weights; every row weighs 1 without it."),
    ] = None,
    covariates: Annotated[
        str | None,
        typer.Option(help="Comma-separated columns of the wage equation (age, education, ...)."),
    ] = None,
    categorical: Annotated[
        str | None,
        typer.Option(help="Comma-separated covariates to expand into one dummy per level."),
    ] = None,
    factors: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated columns whose cells make the factor-weighted gap "
            "(default: the education, age, occupation and sex columns mapped)."
        ),
    ] = None,
    age: Annotated[
        str | None, typer.Option(help="The age column: banded when it is a factor-weighted cell.")
    ] = None,
    occupation: Annotated[
        str | None,
        typer.Option(
            help="The ISCO-08 occupation column: reduced to the major group (first digit)."
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help="YAML file mapping these option names to survey columns; options win."),
    ] = None,
    bootstrap: Annotated[
        int,
        typer.Option(
            min=0,
            help="Bootstrap replications for standard errors beside the delta method "
            "(0: none; 199 or more recommended).",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap's random draws.")] = 0,
    normalize: Annotated[
        bool,
        typer.Option(
            "--normalize/--no-normalize",
            help="Normalize categorical effects so the detailed result does not depend on "
            "the omitted level (Yun 2005).",
        ),
    ] = True,
    output_format: Annotated[
        str, typer.Option("--format", help="'text' for people, 'json' for analysts (one object).")
    ] = "text",
    report: Annotated[
        Path | None,
        typer.Option(
            help="Also write a report with charts: FILE.html or FILE.pdf.", callback=_report_path
        ),
    ] = None,
    lang: UserLangOption = None,
) -> None:
    """The migrant pay gap: raw, ILO factor-weighted, and decomposed (Oaxaca-Blinder).

    Reads the survey, counts every unusable row by reason, and prints the raw gap, the
    factor-weighted gap, the twofold (pooled, Neumark, nationals, migrants as reference)
    and threefold decompositions, and each covariate's contribution, all with survey
    weights and standard errors.
    """
    lang = cli_language(lang)
    if output_format not in ("text", "json"):
        raise option_refusal(
            LabourError(
                N_("got %(value)s; expected text or json"),
                field="--format",
                value=repr(output_format),
            )
        )
    from ruta.labour.paygap import analyse, load_mapping, read_survey, to_json

    columns = load_mapping(
        mapping,
        {
            "wage": wage,
            "hours": hours,
            "hours_per": hours_per,
            "migrant": migrant,
            "weight": weight,
            "covariates": covariates,
            "categorical": categorical,
            "factors": factors,
            "age": age,
            "occupation": occupation,
        },
    )
    survey = read_survey(data, columns)
    result = _with_progress(
        bootstrap,
        lambda advance: analyse(
            survey, normalize=normalize, replications=bootstrap, seed=seed, on_replication=advance
        ),
        lang,
    )
    if report is not None:
        from ruta.labour.paygap import write_report

        write_report(result, report, lang, source=data.name)
        err.print(translator(lang, "labour").gettext("Wrote %(path)s") % {"path": report})
    if output_format == "json":
        typer.echo(json.dumps(to_json(result, lang), ensure_ascii=False, allow_nan=False))
    else:
        _print_text(result, lang)


def _with_progress(total: int, run: Callable[[Callable[[], None]], PayGap], lang: str) -> PayGap:
    if total == 0:
        return run(lambda: None)
    _ = translator(lang, "labour").gettext
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(_("Bootstrap"), total=total)
        return run(lambda: progress.advance(task))


def _number(value: float | None, lang: str, pattern: str = "0.0000") -> str:
    from babel.numbers import format_decimal

    if value is None or math.isnan(value):
        return ""
    return format_decimal(value, pattern, locale=lang)  # 0,2596 in es/pt/fr, 0.2596 in en


def _print_text(result: PayGap, lang: str) -> None:
    _ = translator(lang, "labour").gettext
    survey = result.survey
    out.print(
        _("Rows used: %(n)s of %(read)s")
        % {"n": _number(survey.n, lang, "#,##0"), "read": _number(survey.rows_read, lang, "#,##0")}
    )
    for reason, count in survey.dropped.items():
        out.print(
            "  "
            + _("Not used: %(reason)s (%(count)s rows)")
            % {"reason": reason, "count": _number(count, lang, "#,##0")}
        )
    boot = result.bootstrap is not None
    head = [_("Figure"), _("Value"), _("SE")] + ([_("Bootstrap SE")] if boot else [])
    rows: list[tuple[str, Any]] = [
        (_("Raw gap, mean (log points)"), result["raw_gap", "mean_log"]),
        (_("Raw gap, mean (share of nationals' wage)"), result["raw_gap", "mean_pct"]),
        (_("Raw gap, median (share of nationals' wage)"), result["raw_gap", "median_pct"]),
        (_("Factor-weighted gap, mean (share)"), result["factor_weighted", "mean_pct"]),
        (_("Factor-weighted gap, median (share)"), result["factor_weighted", "median_pct"]),
    ]
    references = {
        "pooled": _("pooled"),
        "neumark": _("Neumark"),
        "nationals": _("nationals"),
        "migrants": _("migrants"),
    }
    for key, label in references.items():
        rows.append(
            (
                _("Explained (%(reference)s)") % {"reference": label},
                result["twofold", key, "explained"],
            )
        )
        rows.append(
            (
                _("Unexplained (%(reference)s)") % {"reference": label},
                result["twofold", key, "unexplained"],
            )
        )
    rows += [
        (_("Endowments"), result["threefold", "endowments"]),
        (_("Coefficients"), result["threefold", "coefficients"]),
        (_("Interaction"), result["threefold", "interaction"]),
    ]
    table = Table(*head, title=_("Migrant pay gap"))
    for label, est in rows:
        table.add_row(
            label,
            _number(est.value, lang),
            _number(est.se, lang),
            *([_number(est.se_bootstrap, lang)] if boot else []),
        )
    out.print(table)
    detail = Table(
        _("Covariate"),
        _("Explained"),
        _("SE"),
        _("Unexplained"),
        _("SE"),
        "",
        title=_("Contributions, pooled reference (log points)"),
    )
    scale = (
        max(
            (
                abs(result["detailed", "pooled", t.name, "explained"].value)
                for t in result.design.terms
            ),
            default=0.0,
        )
        or 1.0
    )
    for term in result.design.terms:
        e = result["detailed", "pooled", term.name, "explained"]
        u = result["detailed", "pooled", term.name, "unexplained"]
        bar = "█" * round(12 * abs(e.value) / scale)
        detail.add_row(
            term.name,
            _number(e.value, lang),
            _number(e.se, lang),
            _number(u.value, lang),
            _number(u.se, lang),
            ("-" if e.value < 0 else "+") + bar,
        )
    out.print(detail)
    note = result.parameters.factor_weighted.note(lang)
    if note:
        out.print("[yellow]" + _("UNCERTAIN: %(note)s") % {"note": note} + "[/]")
