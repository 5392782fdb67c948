"""``ruta pathways``: list, check, explain, simulate and test the rule packs."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ruta.cli._app import use_pack_folders
from ruta.cli._lang import UserLangOption, cli_language
from ruta.i18n import N_, Text, format_number, os_reason, say_in, translator
from ruta.pathways import (
    EvaluationResult,
    PathwaysError,
    ProfileError,
    compare,
    comparison_csv,
    comparison_json,
    confidence_label,
    country_name,
    evaluate,
    get_pathway,
    list_pathways,
    parse_date,
    problem_text,
    template_ids,
    vocabulary,
)

app = typer.Typer(
    help="Regular migration pathways: list, check, explain, simulate, test.", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)

_STATUS_STYLE = {"eligible": "bold green", "ineligible": "red", "undetermined": "yellow"}
_STATUS_LABEL = {
    "eligible": N_("YOU CAN APPLY"),
    "ineligible": N_("NOT ELIGIBLE"),
    "undetermined": N_("MORE ANSWERS NEEDED"),
}
_MARK = {"met": "[green]✓[/]", "not_met": "[red]✗[/]", "unknown": "[yellow]?[/]"}


PacksOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--packs",
        metavar="DIR",
        help="A folder of your own rule packs, loaded beside the shipped ones after "
        "RUTA_PACKS; a pathway with a shipped id replaces it (repeatable).",
    ),
]


def _use_packs(packs: list[Path] | None) -> list[Path]:
    """Load ``--packs`` after ``RUTA_PACKS`` (the root command loaded that alone)."""
    from ruta.settings import pack_folders

    folders = [*pack_folders(), *(packs or [])]
    if packs:
        use_pack_folders(folders)
    return folders


def _heading(text: str, rest: str | None = None) -> None:
    out.print(f"[bold]{text}[/]" + (f": {rest}" if rest is not None else ""))


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise PathwaysError(N_("%(problem)s"), field=name, problem=problem_text(exc)) from None


def _read_profile(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(
            N_("cannot read %(path)s: %(reason)s"),
            field="PROFILE",
            path=path,
            reason=os_reason(exc),
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(
            N_("%(path)s is not valid JSON: %(problem)s at line %(line)s, column %(column)s"),
            field="PROFILE",
            path=path,
            problem=exc.msg,
            line=str(exc.lineno),
            column=str(exc.colno),
        ) from None


def _print_result(result: EvaluationResult, lang: str) -> None:
    _ = translator(lang, "pathways").gettext
    uncertain = _("UNCERTAIN")
    for item in result.results:
        style = _STATUS_STYLE[item.status]
        status = _(_STATUS_LABEL[item.status])
        out.rule(f"[{style}]{status}[/] · {item.title} ({item.pathway})")
        answered = _("Answered by pack %(pack)s, version %(version)s") % {
            "pack": item.pack,
            "version": item.pack_version,
        }
        local_pack = _("local pack")
        local = f" ({local_pack})" if item.pack_origin == "local" else ""
        out.print(f"[dim]{escape(answered)}{escape(local)}[/]")
        if item.uncertain:
            warning = _("Includes rules the legal reference marks UNCERTAIN: check them.")
            out.print(f"[magenta]⚠ {warning}[/]")
        if item.eligible_on:
            eligible_on = _("You can apply from %(date)s") % {"date": item.eligible_on.isoformat()}
            out.print(f"[green]{eligible_on}[/]")
        _heading(_("Reasons"))
        for reason in item.reasons:
            flag = f" [magenta]({uncertain})[/]" if reason.confidence == "UNCERTAIN" else ""
            out.print(
                f"  {_MARK[reason.outcome]} {escape(reason.text)}{flag}\n"
                f"      [dim]{escape(reason.citation)}[/]"
            )
        if item.missing:
            _heading(_("Questions left"))
            for missing in item.missing:
                out.print(f"  ? {missing.question} [dim]({missing.fact})[/]")
        if item.documents_to_gather:
            _heading(_("Documents"))
            for doc in item.documents_to_gather:
                mark = "✓" if doc.status == "have" else "•"
                note = f" — {doc.note}" if doc.note else ""
                out.print(f"  {mark} {doc.label}{note}")
        if item.fees:
            _heading(_("Fees"))
            exempt_label = _("exempt")
            for fee in item.fees:
                exempt = f" ({exempt_label})" if fee.exempt else ""
                extra = f" — {fee.exemption}" if fee.exemption else ""
                out.print(f"  {fee.amount} {fee.currency} {fee.text}{exempt}{extra}")
        if item.rights:
            _heading(_("Rights"), ", ".join(r.label for r in item.rights))
        if item.deadlines:
            _heading(_("Deadlines"))
            for deadline in item.deadlines:
                out.print(f"  {deadline.date.isoformat()}: {deadline.text}")
        for version in item.law_in_force:
            since = version.since.isoformat() if version.since else "…"
            until = version.until.isoformat() if version.until else "…"
            in_force = _("version in force %(since)s → %(until)s") % {
                "since": since,
                "until": until,
            }
            out.print(f"[dim]{escape(version.rule)}: {in_force}[/]")
        _heading(_("Next steps"))
        for step in item.next_steps:
            out.print(f"  → {step}")
    out.print(
        f"[dim]as_of {result.as_of} · engine {result.engine_version} · packs "
        f"{result.packs_version}[/]"
    )


@app.command("check")
def check(
    profile: Annotated[str, typer.Argument(help="Profile JSON file, or - for standard input.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluation date (YYYY-MM-DD); today by default.")
    ] = None,
    lang: UserLangOption = None,
    fmt: Annotated[
        str, typer.Option("--format", help="text or json (json goes to stdout).")
    ] = "text",
    pathway: Annotated[
        list[str] | None, typer.Option("--pathway", help="Only these pathway ids (repeatable).")
    ] = None,
    packs: PacksOption = None,
) -> None:
    """Which pathways are open to this person, why, and what is missing."""
    lang = cli_language(lang)
    if fmt not in ("text", "json"):
        raise PathwaysError(
            N_("'%(format)s' is not a format; expected text or json"), field="--format", format=fmt
        )
    _use_packs(packs)
    result = evaluate(_read_profile(profile), _date(as_of, "--as-of"), lang, pathway or None)
    if fmt == "json":
        sys.stdout.write(
            json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        )
    else:
        _print_result(result, lang)


@app.command("list")
def list_command(
    country: Annotated[
        str | None, typer.Option("--country", help="Host country (ISO alpha-3).")
    ] = None,
    lang: UserLangOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date for the window column.")
    ] = None,
    packs: PacksOption = None,
) -> None:
    """The pathways Ruta knows, with their application windows."""
    lang = cli_language(lang)
    _use_packs(packs)
    _ = translator(lang, "pathways").gettext
    day = _date(as_of, "--as-of") or dt.datetime.now(dt.UTC).date()
    if country is not None and not list_pathways(country.upper()):
        raise PathwaysError(
            N_("no pathways for '%(country)s'; expected an ISO alpha-3 code such as ARG, BRA, COL"),
            field="--country",
            country=country,
        )
    table = Table(title=_("Ruta pathways (%(date)s)") % {"date": day.isoformat()})
    for name in (_("id"), _("country"), _("title"), _("window"), _("confidence"), _("pack")):
        table.add_column(name)
    uncertain_label = _("UNCERTAIN")
    uncertain = f"[magenta]{uncertain_label}[/]"
    for pathway in list_pathways(country.upper() if country else None):
        window = pathway.window
        if window.opens and day < window.opens:
            state = _("opens %(date)s") % {"date": window.opens}
        elif window.closes and day > window.closes:
            state = _("closed %(date)s") % {"date": window.closes}
        elif window.closes:
            state = _("open to %(date)s") % {"date": window.closes}
        else:
            state = _("open")
        table.add_row(
            pathway.id,
            country_name(pathway.host_country, lang),
            pathway.title(lang),
            state,
            uncertain if pathway.uncertain else "",
            f"{pathway.pack}@{pathway.pack_version}" + ("" if pathway.shipped else " *"),
        )
    out.print(table)
    if any(not p.shipped for p in list_pathways(country.upper() if country else None)):
        out.print("* " + _("local pack (--packs, RUTA_PACKS)"))


@app.command("explain")
def explain_command(
    pathway_id: Annotated[str, typer.Argument(metavar="ID", help="Pathway id, e.g. col.ppt.")],
    lang: UserLangOption = None,
    packs: PacksOption = None,
) -> None:
    """The rules of one pathway: conditions with citations, documents, fees, rights."""
    lang = cli_language(lang)
    _use_packs(packs)
    _ = translator(lang, "pathways").gettext
    vocab = vocabulary()
    p = get_pathway(pathway_id)
    out.rule(f"{p.title(lang)} ({p.id})")
    out.print(p.summary(lang))
    source = _("confidence %(level)s · pack %(pack)s") % {
        "level": confidence_label(p.instrument.confidence, lang),
        "pack": f"{p.pack}@{p.pack_version}",
    }
    if not p.shipped:
        local_pack = _("local pack")
        source += f" ({local_pack}: {p.pack_file})"
    out.print(f"[dim]{escape(str(p.instrument))} · {escape(source)}[/]")
    window = p.window
    dates = _("Window: %(opens)s → %(closes)s") % {
        "opens": window.opens or "—",
        "closes": window.closes or _("open-ended"),
    }
    if window.citation is not None:
        # The window's own citation and confidence, as each condition's below: a closing day
        # the reference does not give is UNCERTAIN and must show it.
        level = window.citation.confidence
        flag = f" [magenta]{confidence_label(level, lang)}[/]" if level != "HIGH" else ""
        dates = f"{escape(dates)}{flag}\n      [dim]{escape(str(window.citation))}[/]"
    else:
        dates = escape(dates)
    out.print(dates)
    _heading(_("Conditions"))
    uncertain, discretionary = _("UNCERTAIN"), _("discretionary")
    for cond in p.conditions:
        flag = f" [magenta]{uncertain}[/]" if cond.uncertain else ""
        extra = f" ({discretionary})" if cond.discretionary else ""
        reads = _("reads %(facts)s") % {"facts": ", ".join(cond.facts)}
        out.print(
            f"  \\[{cond.id}] {escape(cond.explain(lang))}{extra}{flag}\n"
            f"      [dim]{escape(str(cond.citation))} · "
            f"{confidence_label(cond.citation.confidence, lang)} · {reads}[/]"
        )
    _heading(_("Documents"))
    for doc in p.documents:
        out.print(f"  \\[{doc.id}] {escape(doc.label(lang))} [dim]({escape(str(doc.citation))})[/]")
    fee_label = _("Fee")
    for fee in p.fees:
        out.print(f"{fee_label}: {fee.amount} {fee.currency} — {fee.text.get(lang)}")
    grants = p.grants
    ngettext = translator(lang, "pathways").ngettext
    months = (
        ngettext("%(num)s month", "%(num)s months", grants.duration_months)
        % {"num": grants.duration_months}
        if grants.duration_months
        else _("indefinite")
    )
    rights = ", ".join(vocab.rights[r].get(lang) if r in vocab.rights else r for r in grants.rights)
    out.print(
        _("Grants: %(status)s, %(duration)s; rights: %(rights)s")
        % {"status": vocab.statuses[grants.status].get(lang), "duration": months, "rights": rights}
    )
    for transition in p.transitions:
        leads = _("Leads to %(pathway)s") % {"pathway": transition.to}
        out.print(f"{leads}: {transition.text.get(lang)}")


_KIND_LABEL = {
    "instrument": N_("Legal instrument"),
    "condition": N_("Condition"),
    "document": N_("Document"),
    "fee": N_("Fee"),
    "parameter": N_("Parameter"),
    "validity": N_("Validity"),
    "window": N_("Window"),
    "permanence": N_("Permanence"),
    "deadline": N_("Deadline"),
}


@app.command("compare")
def compare_command(
    template: Annotated[
        str,
        typer.Option(
            "--template",
            help="Treaty template: " + ", ".join(template_ids()) + ".",
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", help="text, csv or json.")] = "text",
    lang: UserLangOption = None,
) -> None:
    """The states' versions of a treaty pathway side by side, departures marked (≠)."""
    lang = cli_language(lang)
    if fmt not in ("text", "csv", "json"):
        raise PathwaysError(
            N_("'%(format)s' is not a format; use text, csv or json"), field="--format", format=fmt
        )
    table = compare(template, lang)
    if fmt == "csv":
        sys.stdout.write(comparison_csv(table))
        return
    if fmt == "json":
        sys.stdout.write(comparison_json(table) + "\n")
        return
    _ = translator(lang, "pathways").gettext
    out.rule(f"{table.title} ({table.template})")
    out.print(f"[dim]{escape(table.treaty)}[/]")
    out.print(_("≠ marks a state that departs from the treaty text."))
    as_treaty, treaty_label = _("as in the treaty"), _("Treaty")
    for row in table.rows:
        _heading(f"{_(_KIND_LABEL[row.kind])} {row.id}")
        if row.treaty is not None and row.treaty.value:
            out.print(f"  {treaty_label}: {escape(row.treaty.value)}")
        for state in table.states:
            cell = row.cells[state]
            mark = "[bold red]≠[/]" if cell.departs else " "
            shown = as_treaty if cell.origin == "treaty" and row.treaty else cell.value or "—"
            level = cell.confidence
            label = confidence_label(level, lang)
            flag = f" [magenta]{label}[/]" if level in ("MEDIUM", "UNCERTAIN") else ""
            cite = f" [dim]({escape(cell.citation)})[/]" if cell.citation else ""
            out.print(f"  {mark} {state}: {escape(shown)}{flag}{cite}")


@app.command("simulate")
def simulate_command(
    population: Annotated[Path, typer.Argument(metavar="POP", help="Population .parquet or .csv.")],
    out_path: Annotated[Path, typer.Option("--out", help="Results file (.parquet).")],
    engine: Annotated[str, typer.Option("--engine", help="duckdb or spark.")] = "duckdb",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date for rows without as_of.")
    ] = None,
    pathway: Annotated[
        list[str] | None, typer.Option("--pathway", help="Only these pathway ids.")
    ] = None,
    packs: PacksOption = None,
    summary_out: Annotated[
        Path | None,
        typer.Option(
            "--summary-out",
            metavar="DIR",
            help="Also write counts by pathway, status, country, citizenship and blocking "
            "condition (CSV, Parquet) and charts (SVG) into DIR.",
        ),
    ] = None,
    lang: UserLangOption = None,
) -> None:
    """Evaluate every pathway for a whole population (policy simulation)."""
    language = cli_language(lang)
    _use_packs(packs)
    if engine not in ("duckdb", "spark"):
        raise PathwaysError(
            N_("'%(engine)s' is not an engine; expected duckdb or spark"),
            field="--engine",
            engine=engine,
        )
    if summary_out is not None and engine != "duckdb":
        raise PathwaysError(
            N_(
                "--summary-out is computed by the duckdb engine; drop --engine spark or the summary"
            ),
            field="--summary-out",
        )
    if summary_out is not None and summary_out.exists() and not summary_out.is_dir():
        raise PathwaysError(
            N_("%(path)s is a file; expected a folder"),
            field="--summary-out",
            path=str(summary_out),
        )
    if not population.exists():
        raise ProfileError(N_("%(path)s does not exist"), field="POP", path=str(population))
    try:
        # Readable (not a folder, not locked), said before the engine's own error would be.
        population.open("rb").close()
    except OSError as exc:
        raise ProfileError(
            N_("cannot read %(path)s: %(reason)s"),
            field="POP",
            path=str(population),
            reason=os_reason(exc),
        ) from None
    if out_path.suffix.lower() != ".parquet":
        raise PathwaysError(N_("the results file must end in .parquet"), field="--out")
    day = _date(as_of, "--as-of")
    gettext = translator(language, "pathways").gettext

    def number(value: int) -> str:
        return format_number(value, language)

    def said(text: str) -> str:
        return say_in(text, gettext, number, language)

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        evaluating = Text(
            N_("Evaluating %(file)s (%(engine)s)"), file=population.name, engine=engine
        )
        task = bar.add_task(escape(said(evaluating)), total=1.0)

        def advance(fraction: float) -> None:
            bar.update(task, completed=fraction)

        if engine == "spark":
            from ruta.pathways import simulate_spark

            summary = simulate_spark(
                population, out_path, pathways=pathway or None, as_of=day, progress=advance
            )
        else:
            from ruta.pathways import simulate

            summary = simulate(
                population,
                out_path,
                pathways=pathway or None,
                as_of=day,
                progress=advance,
                summary_out=summary_out,
                lang=language,
            )
    rate = summary.evaluations / summary.seconds if summary.seconds else 0.0
    done = Text(
        N_(
            "%(people)s people × pathways = %(evaluations)s evaluations in %(seconds)s s "
            "(%(rate)s/s) → %(path)s"
        ),
        people=summary.people,
        evaluations=summary.evaluations,
        seconds=f"{summary.seconds:.2f}",
        rate=round(rate),
        path=str(out_path),
    )
    out.print(escape(said(done)))
    statuses = ("eligible", "undetermined", "ineligible")
    table = Table(title=gettext("Status by pathway"))
    headers = (N_("pathway"), N_("eligible"), N_("undetermined"), N_("ineligible"))
    for name in headers:
        table.add_column(gettext(name), justify="right" if name != "pathway" else "left")
    by: dict[str, dict[str, int]] = {}
    for pid, status, n in summary.counts:
        by.setdefault(pid, {})[status] = n
    for pid, row in sorted(by.items()):
        table.add_row(pid, *(number(row.get(s, 0)) for s in statuses))
    out.print(table)
    blockers = Table(title=gettext("Conditions that block most people (besides living elsewhere)"))
    for name in (N_("pathway"), N_("condition"), N_("people")):
        blockers.add_column(gettext(name))
    for pid, cond, n in summary.blockers:
        blockers.add_row(pid, cond, number(n))
    out.print(blockers)
    if summary_out is not None:
        written = Text(N_("summary (CSV, Parquet, SVG) → %(path)s"), path=str(summary_out))
        out.print(escape(said(written)))


@app.command("test")
def test_command(
    pack: Annotated[
        str | None, typer.Argument(help="Pack file stem (e.g. mercosur); all by default.")
    ] = None,
    packs: PacksOption = None,
    lang: UserLangOption = None,
) -> None:
    """Run the packs' scenario tests and check their coverage; exit 1 on any failure.

    With --packs, the tests and coverage of those folders (against the shipped packs and
    theirs); otherwise the shipped packs' own, then those of the RUTA_PACKS folders.
    """
    from ruta.pathways import (
        PACKS_DIR,
        CaseOutcome,
        coverage,
        default_catalog,
        run_pack_tests,
        shipped_catalog,
    )

    lang = cli_language(lang)  # the language of the report and of its refusals
    gettext = translator(lang, "pathways").gettext

    def said(text: str) -> str:
        return say_in(text, gettext, lambda value: format_number(value, lang), lang)

    folders = _use_packs(packs)
    suites: list[tuple[Path, Any, bool]] = [] if packs else [(PACKS_DIR, shipped_catalog(), True)]
    for folder in packs or folders:
        suites.append((folder, default_catalog(), False))
    passed = failed = 0
    gaps: dict[str, list[Text]] = {}
    for directory, catalog, shipped in suites:
        outcomes: list[CaseOutcome] = list(
            run_pack_tests(pack, catalog, directory, missing_ok=not shipped and pack is not None)
        )
        for outcome in outcomes:
            if outcome.passed:
                passed += 1
            else:
                failed += 1
                fail = gettext("FAIL")
                out.print(f"[red]{fail}[/] {escape(str(outcome.file))} · {escape(outcome.name)}")
                for problem in outcome.problems:
                    out.print(f"     {escape(said(problem))}")
        if pack is None:
            only = None if shipped else [p.id for p in catalog.from_folder(directory)]
            gaps.update(coverage(catalog, directory, only=only))
    if pack is not None and passed + failed == 0:
        raise PathwaysError(
            N_("no test file %(pack)s.tests.yaml in %(folders)s"),
            field="PACK",
            pack=pack,
            folders=", ".join(map(str, packs or [])),
        )
    gap = gettext("GAP")
    for pathway_id, problems in sorted(gaps.items()):
        out.print(f"[red]{gap}[/] {pathway_id}: {escape('; '.join(map(said, problems)))}")
    out.print(
        said(Text(N_("packs: %(passed)s passed, %(failed)s failed"), passed=passed, failed=failed))
    )
    if failed or gaps:
        raise typer.Exit(1)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of rule-pack files (for editors that validate while you type)."""
    from ruta.pathways import pack_json_schema

    sys.stdout.write(json.dumps(pack_json_schema(), ensure_ascii=False, indent=2) + "\n")


__all__ = ["app"]
