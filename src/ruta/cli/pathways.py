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

from ruta.pathways import evaluate, get_pathway, list_pathways
from ruta.pathways._errors import PathwaysError, ProfileError
from ruta.pathways._facts import country_name
from ruta.pathways._profile import parse_date
from ruta.pathways._result import EvaluationResult
from ruta.pathways._schema import LANGS

app = typer.Typer(
    help="Regular migration pathways: list, check, explain, simulate, test.", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)

_STATUS_STYLE = {"eligible": "bold green", "ineligible": "red", "undetermined": "yellow"}
_LABELS = {
    "es": {
        "eligible": "PUEDE SOLICITARLA",
        "ineligible": "NO CUMPLE",
        "undetermined": "FALTAN DATOS",
        "reasons": "Motivos",
        "missing": "Preguntas pendientes",
        "documents": "Documentos",
        "fees": "Tasas",
        "rights": "Derechos",
        "deadlines": "Plazos",
        "next": "Próximos pasos",
        "uncertain": "Incluye reglas marcadas INCIERTAS en la referencia jurídica: verifíquelas.",
        "eligible_on": "Podrá solicitarla desde el",
        "exempt": "exento",
    },
    "pt": {
        "eligible": "PODE PEDIR",
        "ineligible": "NÃO CUMPRE",
        "undetermined": "FALTAM DADOS",
        "reasons": "Motivos",
        "missing": "Perguntas pendentes",
        "documents": "Documentos",
        "fees": "Taxas",
        "rights": "Direitos",
        "deadlines": "Prazos",
        "next": "Próximos passos",
        "uncertain": "Inclui regras marcadas INCERTAS na referência jurídica: confira-as.",
        "eligible_on": "Poderá pedir a partir de",
        "exempt": "isento",
    },
    "en": {
        "eligible": "YOU CAN APPLY",
        "ineligible": "NOT ELIGIBLE",
        "undetermined": "MORE ANSWERS NEEDED",
        "reasons": "Reasons",
        "missing": "Questions left",
        "documents": "Documents",
        "fees": "Fees",
        "rights": "Rights",
        "deadlines": "Deadlines",
        "next": "Next steps",
        "uncertain": "Includes rules the legal reference marks UNCERTAIN: check them.",
        "eligible_on": "You can apply from",
        "exempt": "exempt",
    },
    "fr": {
        "eligible": "VOUS POUVEZ DEMANDER",
        "ineligible": "NON ÉLIGIBLE",
        "undetermined": "RÉPONSES MANQUANTES",
        "reasons": "Motifs",
        "missing": "Questions restantes",
        "documents": "Documents",
        "fees": "Droits",
        "rights": "Droits accordés",
        "deadlines": "Délais",
        "next": "Prochaines étapes",
        "uncertain": (
            "Contient des règles marquées INCERTAINES dans la référence juridique : vérifiez-les."
        ),
        "eligible_on": "Vous pourrez demander à partir du",
        "exempt": "exonéré",
    },
}
_MARK = {"met": "[green]✓[/]", "not_met": "[red]✗[/]", "unknown": "[yellow]?[/]"}


def _lang(value: str) -> str:
    if value not in LANGS:
        raise PathwaysError(
            f"'{value}' is not served; expected one of {', '.join(LANGS)}", field="--lang"
        )
    return value


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise PathwaysError(str(exc), field=name) from None


def _read_profile(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"cannot read {path}: {exc.strerror}", field="PROFILE") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            field="PROFILE",
        ) from None


def _print_result(result: EvaluationResult, lang: str) -> None:
    labels = _LABELS[lang]
    for item in result.results:
        style = _STATUS_STYLE[item.status]
        out.rule(f"[{style}]{labels[item.status]}[/] · {item.title} ({item.pathway})")
        if item.uncertain:
            out.print(f"[magenta]⚠ {labels['uncertain']}[/]")
        if item.eligible_on:
            out.print(f"[green]{labels['eligible_on']} {item.eligible_on.isoformat()}[/]")
        out.print(f"[bold]{labels['reasons']}[/]")
        for reason in item.reasons:
            flag = " [magenta](UNCERTAIN)[/]" if reason.confidence == "UNCERTAIN" else ""
            out.print(
                f"  {_MARK[reason.outcome]} {escape(reason.text)}{flag}\n"
                f"      [dim]{escape(reason.citation)}[/]"
            )
        if item.missing:
            out.print(f"[bold]{labels['missing']}[/]")
            for missing in item.missing:
                out.print(f"  ? {missing.question} [dim]({missing.fact})[/]")
        if item.documents_to_gather:
            out.print(f"[bold]{labels['documents']}[/]")
            for doc in item.documents_to_gather:
                mark = "✓" if doc.status == "have" else "•"
                note = f" — {doc.note}" if doc.note else ""
                out.print(f"  {mark} {doc.label}{note}")
        if item.fees:
            out.print(f"[bold]{labels['fees']}[/]")
            for fee in item.fees:
                exempt = f" ({labels['exempt']})" if fee.exempt else ""
                extra = f" — {fee.exemption}" if fee.exemption else ""
                out.print(f"  {fee.amount} {fee.currency} {fee.text}{exempt}{extra}")
        if item.rights:
            out.print(f"[bold]{labels['rights']}[/]: " + ", ".join(r.label for r in item.rights))
        if item.deadlines:
            out.print(f"[bold]{labels['deadlines']}[/]")
            for deadline in item.deadlines:
                out.print(f"  {deadline.date.isoformat()}: {deadline.text}")
        for version in item.law_in_force:
            since = version.since.isoformat() if version.since else "…"
            until = version.until.isoformat() if version.until else "…"
            out.print(f"[dim]{escape(version.rule)}: version in force {since} → {until}[/]")
        out.print(f"[bold]{labels['next']}[/]")
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
    lang: Annotated[str, typer.Option("--lang", help="es, pt, en or fr.")] = "en",
    fmt: Annotated[
        str, typer.Option("--format", help="text or json (json goes to stdout).")
    ] = "text",
    pathway: Annotated[
        list[str] | None, typer.Option("--pathway", help="Only these pathway ids (repeatable).")
    ] = None,
) -> None:
    """Which pathways are open to this person, why, and what is missing."""
    if fmt not in ("text", "json"):
        raise PathwaysError(f"'{fmt}' is not a format; expected text or json", field="--format")
    result = evaluate(_read_profile(profile), _date(as_of, "--as-of"), _lang(lang), pathway or None)
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
    lang: Annotated[str, typer.Option("--lang", help="es, pt, en or fr.")] = "en",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date for the window column.")
    ] = None,
) -> None:
    """The pathways Ruta knows, with their application windows."""
    lang = _lang(lang)
    day = _date(as_of, "--as-of") or dt.datetime.now(dt.UTC).date()
    if country is not None and not list_pathways(country.upper()):
        raise PathwaysError(
            f"no pathways for '{country}'; expected an ISO alpha-3 code such as ARG, BRA, COL",
            field="--country",
        )
    table = Table(title=f"Ruta pathways ({day.isoformat()})")
    for name in ("id", "country", "title", "window", "confidence"):
        table.add_column(name)
    for pathway in list_pathways(country.upper() if country else None):
        window = pathway.window
        if window.opens and day < window.opens:
            state = f"opens {window.opens}"
        elif window.closes and day > window.closes:
            state = f"closed {window.closes}"
        else:
            state = "open" + (f" to {window.closes}" if window.closes else "")
        table.add_row(
            pathway.id,
            country_name(pathway.host_country, lang),
            pathway.title(lang),
            state,
            "[magenta]UNCERTAIN[/]" if pathway.uncertain else "",
        )
    out.print(table)


@app.command("explain")
def explain_command(
    pathway_id: Annotated[str, typer.Argument(metavar="ID", help="Pathway id, e.g. col.ppt.")],
    lang: Annotated[str, typer.Option("--lang", help="es, pt, en or fr.")] = "en",
) -> None:
    """The rules of one pathway: conditions with citations, documents, fees, rights."""
    lang = _lang(lang)
    p = get_pathway(pathway_id)
    out.rule(f"{p.title(lang)} ({p.id})")
    out.print(p.summary(lang))
    out.print(
        f"[dim]{escape(str(p.instrument))} · confidence {p.instrument.confidence} · pack {p.pack}@"
        f"{p.pack_version}[/]"
    )
    window = p.window
    out.print(f"Window: {window.opens or '—'} → {window.closes or 'open-ended'}")
    out.print("[bold]Conditions[/]")
    for cond in p.conditions:
        flag = " [magenta]UNCERTAIN[/]" if cond.uncertain else ""
        extra = " (discretionary)" if cond.discretionary else ""
        out.print(
            f"  \\[{cond.id}] {escape(cond.explain(lang))}{extra}{flag}\n"
            f"      [dim]{escape(str(cond.citation))} · "
            f"{cond.citation.confidence} · reads {', '.join(cond.facts)}[/]"
        )
    out.print("[bold]Documents[/]")
    for doc in p.documents:
        out.print(f"  \\[{doc.id}] {escape(doc.label(lang))} [dim]({escape(str(doc.citation))})[/]")
    for fee in p.fees:
        out.print(f"Fee: {fee.amount} {fee.currency} — {fee.text.get(lang)}")
    grants = p.grants
    months = f"{grants.duration_months} months" if grants.duration_months else "indefinite"
    out.print(f"Grants: {grants.status}, {months}; rights: {', '.join(grants.rights)}")
    for transition in p.transitions:
        out.print(f"Leads to {transition.to}: {transition.text.get(lang)}")


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
) -> None:
    """Evaluate every pathway for a whole population (policy simulation)."""
    if engine not in ("duckdb", "spark"):
        raise PathwaysError(
            f"'{engine}' is not an engine; expected duckdb or spark", field="--engine"
        )
    if not population.exists():
        raise ProfileError(f"{population} does not exist", field="POP")
    if out_path.suffix.lower() != ".parquet":
        raise PathwaysError("the results file must end in .parquet", field="--out")
    day = _date(as_of, "--as-of")
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(f"Evaluating {population.name} ({engine})", total=1.0)

        def advance(fraction: float) -> None:
            bar.update(task, completed=fraction)

        if engine == "spark":
            from ruta.pathways._spark import simulate_spark

            summary = simulate_spark(
                population, out_path, pathways=pathway or None, as_of=day, progress=advance
            )
        else:
            from ruta.pathways._population import simulate

            summary = simulate(
                population, out_path, pathways=pathway or None, as_of=day, progress=advance
            )
    rate = summary.evaluations / summary.seconds if summary.seconds else 0.0
    out.print(
        f"{summary.people:,} people × pathways = {summary.evaluations:,} evaluations in "
        f"{summary.seconds:.2f} s ({rate:,.0f}/s) → {out_path}"
    )
    table = Table(title="Status by pathway")
    for name in ("pathway", "eligible", "undetermined", "ineligible"):
        table.add_column(name, justify="right" if name != "pathway" else "left")
    by: dict[str, dict[str, int]] = {}
    for pid, status, n in summary.counts:
        by.setdefault(pid, {})[status] = n
    for pid, row in sorted(by.items()):
        table.add_row(
            pid, *(f"{row.get(s, 0):,}" for s in ("eligible", "undetermined", "ineligible"))
        )
    out.print(table)
    blockers = Table(title="Conditions that block most people (besides living elsewhere)")
    for name in ("pathway", "condition", "people"):
        blockers.add_column(name)
    for pid, cond, n in summary.blockers:
        blockers.add_row(pid, cond, f"{n:,}")
    out.print(blockers)


@app.command("test")
def test_command(
    pack: Annotated[
        str | None, typer.Argument(help="Pack file stem (e.g. mercosur); all by default.")
    ] = None,
) -> None:
    """Run the packs' scenario tests and check their coverage; exit 1 on any failure."""
    from ruta.pathways._packtest import coverage, run_pack_tests

    passed = failed = 0
    for outcome in run_pack_tests(pack):
        if outcome.passed:
            passed += 1
        else:
            failed += 1
            out.print(f"[red]FAIL[/] {outcome.file.name} · {outcome.name}")
            for problem in outcome.problems:
                out.print(f"     {problem}")
    gaps = coverage() if pack is None else {}
    for pathway_id, problems in sorted(gaps.items()):
        out.print(f"[red]GAP[/] {pathway_id}: {'; '.join(problems)}")
    out.print(f"packs: {passed} passed, {failed} failed")
    if failed or gaps:
        raise typer.Exit(1)


__all__ = ["app"]
