"""``ruta link match``: two encoded registries matched one-to-one, the threshold estimated."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ruta.cli._lang import UserLangOption, cli_language
from ruta.cli._link_common import check_outputs, err, linkage, show, write_csv
from ruta.i18n import N_

__all__ = ["match"]

_OUTPUT = ("record_id_a", "record_id_b", "score")


def _renamed(spec: str | None) -> dict[str, str]:
    """``--columns`` for match: the output columns under the names the user's systems use."""
    if not spec:
        return {}
    names: dict[str, str] = {}
    for pair in spec.split(","):
        field, sep, column = (p.strip() for p in pair.partition("="))
        if not sep or field not in _OUTPUT or not column:
            raise linkage().LinkageError(
                linkage().Text(
                    N_(
                        "got %(value)s; expected field=column pairs for the output fields "
                        "%(fields)s (e.g. record_id_a=col_id)"
                    ),
                    value=repr(pair.strip()),
                    fields=", ".join(_OUTPUT),
                ),
                field="columns",
            )
        names[field] = column
    return names


def _with_kept(pairs: Any, table: Any, side: str) -> Any:
    """Columns the encoding kept (encode --keep) carried to the pairs, suffixed _a or _b."""
    extra = [c for c in table.column_names if c not in linkage().ENCODED_COLUMNS]
    if not extra:
        return pairs
    kept = table.select(["record_id", *extra]).to_pandas()
    kept.columns = [f"record_id_{side}", *(f"{c}_{side}" for c in extra)]
    return pairs.merge(kept, on=f"record_id_{side}", how="left")


def match(
    a: Annotated[Path, typer.Argument(help="Encoded Parquet of state A.")],
    b: Annotated[Path, typer.Argument(help="Encoded Parquet of state B.")],
    out: Annotated[Path, typer.Option("--out", help="Pairs CSV to write.")],
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Minimum score. Default: estimated from the score distribution (a "
            "two-group mixture), printed with its expected precision and recall."
        ),
    ] = None,
    pairs_out: Annotated[
        Path | None,
        typer.Option(
            "--pairs-out",
            help="Also write every one-to-one pair down to --pairs-floor with its score, so "
            "that the threshold can be moved without running again.",
        ),
    ] = None,
    pairs_floor: Annotated[
        float | None,
        typer.Option(
            "--pairs-floor",
            help="Lower bound for scoring and --pairs-out (default by hardening: none 0.6, "
            "balance 0.75, blip 0.5).",
        ),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="Name the output columns as your systems do: field=column pairs for "
            "record_id_a, record_id_b, score (e.g. record_id_a=col_id,record_id_b=per_id).",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write an HTML report: the threshold with its estimated precision and "
            "recall, and the score distribution (works offline).",
        ),
    ] = None,
    lang: UserLangOption = None,
) -> None:
    """Match two encoded registries one-to-one; write record_id_a,record_id_b,score."""
    lang = cli_language(lang)
    names = _renamed(columns)
    check_outputs(out=out, pairs_out=pairs_out, report=report)
    table_a, meta_a = linkage().read_encoded(a)
    table_b, meta_b = linkage().read_encoded(b)
    if meta_a != meta_b:
        raise linkage().LinkageError(
            linkage().Text(
                N_(
                    "%(a)s was encoded with %(meta_a)s but %(b)s with %(meta_b)s; both states "
                    "must use the same encoding parameters and secret"
                ),
                a=str(a),
                meta_a=str(meta_a),
                b=str(b),
                meta_b=str(meta_b),
            ),
            field="encoded",
        )
    result = linkage().match_registries(
        table_a,
        table_b,
        threshold=threshold,
        hardening=str(meta_a.get("hardening", "balance")),
        floor=pairs_floor,
    )
    outputs = [(result.pairs, out)] + ([(result.assigned, pairs_out)] if pairs_out else [])
    for frame, target in outputs:
        frame = _with_kept(_with_kept(frame, table_a, "a"), table_b, "b")
        write_csv(frame.rename(columns=names), target)
    auto = result.auto
    t, n = show().texts(lang), show().number
    estimate = (
        t.gettext(
            "estimated precision %(precision)s, recall %(recall)s (about %(people)s people in "
            "both files)"
        )
        % {
            "precision": n(auto.precision, lang, 3),
            "recall": n(auto.recall, lang, 3),
            "people": n(auto.matches, lang),
        }
        if auto.fitted
        else t.gettext("the scores could not be fitted to two groups (too few or one group only)")
    )
    values = {
        "threshold": n(result.threshold, lang, 4),
        "estimated": n(auto.threshold, lang, 4),
        "estimate": estimate,
    }
    if threshold is None:
        chosen = (
            t.gettext(
                "threshold %(threshold)s (estimated from the score distribution); %(estimate)s"
            )
            if auto.fitted
            else t.gettext("threshold %(threshold)s (the hardening's default); %(estimate)s")
        ) % values
    else:
        chosen = (
            t.gettext(
                "threshold %(threshold)s (given); the estimated one would be %(estimated)s: "
                "%(estimate)s"
            )
            % values
        )
    err.print(chosen)
    mark = t.gettext("threshold %(value)s") % {"value": values["threshold"]}
    show().show_histogram(err, result.histogram, mark, lang)
    summary = t.gettext("%(a)s x %(b)s records -> %(pairs)s pairs; wrote %(out)s") % {
        "a": n(len(table_a), lang),
        "b": n(len(table_b), lang),
        "pairs": n(len(result.pairs), lang),
        "out": out,
    }
    if pairs_out:
        summary += t.gettext("; %(n)s pairs down to %(floor)s in %(file)s") % {
            "n": n(len(result.assigned), lang),
            "floor": n(result.floor, lang, 2),
            "file": pairs_out,
        }
    err.print(summary)
    if report is not None:
        linkage().write_match_report(
            result,
            report,
            lang=lang,
            sources=(a.name, b.name),
            records=(len(table_a), len(table_b)),
            threshold_note=chosen,
        )
        err.print(t.gettext("wrote the report %(file)s") % {"file": report})
