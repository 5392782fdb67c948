"""``ruta link dedupe``: one registry's duplicates, or a new batch against a registry."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ruta.cli._lang import UserLangOption, cli_language
from ruta.cli._link_common import (
    ColumnsOpt,
    DateFormatOpt,
    KeepOpt,
    MaxSkippedOpt,
    OnErrorOpt,
    check_outputs,
    err,
    linkage,
    load,
    show,
    with_kept,
    write_csv,
)
from ruta.i18n import N_

if TYPE_CHECKING:
    from ruta.linkage import DedupeResult

__all__ = ["dedupe"]


def _apply_decisions(
    result: DedupeResult, decided: Any, conflicts_out: Path | None, lang: str
) -> None:
    t, n = show().texts(lang), show().number
    applied = linkage().apply_decisions(result.clusters, result.pairs, result.threshold, decided)
    result.clusters, result.pairs = applied.clusters, applied.pairs
    for conflict in applied.conflicts[:20]:
        values = {
            "line": conflict.line,
            "a": conflict.record_id_a,
            "b": conflict.record_id_b,
            "n": n(conflict.links_removed, lang),
            "strongest": n(conflict.strongest_removed, lang, 3),
        }
        err.print(
            (
                t.gettext(
                    "[yellow]conflict[/] line %(line)s: %(a)s and %(b)s decided distinct; kept "
                    "apart by dropping %(n)s links (strongest %(strongest)s)"
                )
                if conflict.kind == "split"
                else t.gettext(
                    "[yellow]conflict[/] line %(line)s: %(a)s and %(b)s decided distinct; "
                    "%(n)s merge decisions join them and were not applied; resolve them in the "
                    "review queue"
                )
            )
            % values
        )
    err.print(
        t.gettext(
            "decisions: %(read)s read, %(merges)s merges applied, %(removed)s model links "
            "removed, %(conflicts)s conflicts"
        )
        % {
            "read": n(len(decided.items), lang),
            "merges": n(applied.merges_applied, lang),
            "removed": n(applied.links_removed, lang),
            "conflicts": n(len(applied.conflicts), lang),
        }
    )
    if conflicts_out is not None:
        write_csv(applied.conflicts_frame(), conflicts_out)


def dedupe(
    registry: Annotated[
        Path, typer.Argument(help="Registry CSV or Parquet (or, with --against, the new batch).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Clusters CSV to write.")],
    threshold: Annotated[
        float, typer.Option(help="Link pairs at or above this probability.")
    ] = 0.9,
    engine: Annotated[str, typer.Option(help="duckdb (embedded) or spark.")] = "duckdb",
    pairs_out: Annotated[
        Path | None, typer.Option("--pairs-out", help="Also write scored pairs (review queue).")
    ] = None,
    decisions: Annotated[
        Path | None,
        typer.Option(
            "--decisions",
            help="Review decisions CSV (ruta review export): merged pairs are linked, "
            "distinct pairs kept apart.",
        ),
    ] = None,
    conflicts_out: Annotated[
        Path | None,
        typer.Option(
            "--conflicts-out",
            help="With --decisions: write the distinct pairs that needed a split or "
            "contradict a merge.",
        ),
    ] = None,
    on_error: OnErrorOpt = "stop",
    columns: ColumnsOpt = None,
    date_format: DateFormatOpt = None,
    keep: KeepOpt = None,
    max_skipped: MaxSkippedOpt = "1%",
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Use this saved model (--model-out) instead of training."),
    ] = None,
    model_out: Annotated[
        Path | None,
        typer.Option("--model-out", help="Save the trained model (JSON) for --model."),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="Link REGISTRY (a new batch) to this existing registry: pairs between them "
            "and within the batch only. Output gains a source column (new or registry).",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write an HTML report: score distribution, the model's parameters and "
            "match weights (works offline).",
        ),
    ] = None,
    lang: UserLangOption = None,
) -> None:
    """Find records of the same person; write record_id,cluster_id and the weakest link."""
    if engine not in ("duckdb", "spark"):
        raise linkage().LinkageError(
            linkage().Text(N_("got %(value)s; expected duckdb or spark"), value=repr(engine)),
            field="engine",
        )
    if conflicts_out is not None and decisions is None:
        raise linkage().LinkageError(
            linkage().Text(N_("--conflicts-out needs --decisions; expected both or neither")),
            field="conflicts_out",
        )
    if decisions is not None and against is not None:
        raise linkage().LinkageError(
            linkage().Text(
                N_(
                    "--decisions applies to a whole registry's clusters; expected --decisions "
                    "or --against, not both"
                )
            ),
            field="decisions",
        )
    lang = cli_language(lang)
    check_outputs(
        out=out,
        pairs_out=pairs_out,
        conflicts_out=conflicts_out,
        model_out=model_out,
        report=report,
    )
    started = time.monotonic()
    reg = load(
        registry,
        on_error,
        keep=keep,
        columns=columns,
        date_format=date_format,
        max_skipped=max_skipped,
        lang=lang,
    )
    saved = linkage().load_model(model) if model is not None else None
    decided = None
    if decisions is not None:
        # Read before the model runs: a bad decisions file should fail in a second, not after
        # minutes of training.
        decided = linkage().read_decisions(
            decisions,
            reg.frame["record_id"].astype(str),
            on_error="skip" if on_error == "skip" else "stop",
        )
        t = show().texts(lang)
        for bad in decided.skipped[:20]:
            err.print(
                t.gettext("[yellow]skipped[/] %(file)s line %(line)s: %(field)s %(message)s")
                % {"file": decisions, "line": bad.line, "field": bad.field, "message": bad.message}
            )
        if decided.skipped:
            count = len(decided.skipped)
            err.print(
                t.ngettext(
                    "skipped %(n)s bad decision of %(file)s",
                    "skipped %(n)s bad decisions of %(file)s",
                    count,
                )
                % {"n": show().number(count, lang), "file": decisions}
            )

    def progress(msg: str) -> None:
        err.print(f"[dim]{time.monotonic() - started:6.1f} s[/] {show().said(msg, lang)}")

    kwargs: dict[str, Any] = {
        "threshold": threshold,
        "engine": "spark" if engine == "spark" else "duckdb",
        "progress": progress,
        "model": saved,
        # Splink's charts in --report need its linker, with or without --against.
        "keep_linker": report is not None,
    }
    if against is not None:
        try:
            existing = load(
                against,
                on_error,
                columns=columns,
                date_format=date_format,
                max_skipped=max_skipped,
                lang=lang,
            )
        except linkage().RegistryError as error:
            # The reader names its file "registry", which on this command is the new batch.
            if error.field == "registry":
                error.field = "against"
            raise
        result = linkage().link_batch(reg, existing, **kwargs)
    else:
        result = linkage().dedupe_registry(reg, **kwargs)
    if decided is not None:
        _apply_decisions(result, decided, conflicts_out, lang)
    clusters = result.clusters
    if against is None:
        clusters = with_kept(clusters, reg)
    write_csv(clusters, out)
    if pairs_out is not None:
        write_csv(result.pairs, pairs_out)
    if model_out is not None:
        assert result.plan is not None
        linkage().save_model(
            model_out,
            result.model,
            result.plan.filled,
            records=len(reg),
            source=str(registry),
            notes=result.notes,
        )
    if report is not None:
        linkage().write_dedupe_report(result, report, lang=lang, source=registry.name)
    _summary(result, reg, out, started, model_out, report, lang)


def _summary(
    result: DedupeResult,
    reg: Any,
    out: Path,
    started: float,
    model_out: Path | None,
    report: Path | None,
    lang: str,
) -> None:
    assert result.plan is not None and result.histogram is not None
    t, n = show().texts(lang), show().number
    show().show_plan(err, result.plan, result.notes, lang)
    threshold = t.gettext("threshold %(value)s") % {"value": show().given(result.threshold, lang)}
    show().show_histogram(err, result.histogram, threshold, lang)
    clusters = result.clusters
    multi = clusters.loc[clusters["cluster_size"] > 1, "cluster_id"].nunique()
    duplicates = int((clusters["cluster_size"] > 1).sum())
    links = int((result.pairs["match_probability"] >= result.threshold).sum())
    err.print(
        t.gettext(
            "%(records)s records -> %(people)s people; %(clusters)s clusters hold %(dups)s "
            "records with duplicates (threshold %(threshold)s: %(links)s links); skipped "
            "%(skipped)s rows; %(seconds)s s; wrote %(out)s"
        )
        % {
            "records": n(len(clusters), lang),
            "people": n(clusters["cluster_id"].nunique(), lang),
            "clusters": n(multi, lang),
            "dups": n(duplicates, lang),
            "threshold": show().given(result.threshold, lang),
            "links": n(links, lang),
            "skipped": n(len(reg.skipped), lang),
            "seconds": n(time.monotonic() - started, lang, 1),
            "out": out,
        }
    )
    if model_out is not None:
        err.print(t.gettext("saved the model to %(file)s") % {"file": model_out})
    if report is not None:
        err.print(t.gettext("wrote the report %(file)s") % {"file": report})
