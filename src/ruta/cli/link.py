"""``ruta link``: deduplicate a registry, encode it for private matching, match, synthesise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    speaks,
    write_table,
)
from ruta.cli._link_dedupe import dedupe
from ruta.cli._link_match import match
from ruta.i18n import N_

app = typer.Typer(
    help="Registry deduplication and privacy-preserving matching.", no_args_is_help=True
)
app.command()(speaks(dedupe))


@app.command()
@speaks
def encode(
    registry: Annotated[Path, typer.Argument(help="Registry CSV or Parquet.")],
    secret_file: Annotated[Path, typer.Option("--secret-file", help="Shared secret file.")],
    out: Annotated[Path, typer.Option("--out", help="Encoded Parquet to write.")],
    hardening: Annotated[str, typer.Option(help="balance, blip or none.")] = "balance",
    blip_flip: Annotated[float, typer.Option(help="Bit-flip probability for blip.")] = 0.05,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields",
            help="Fields to encode (given_names,surnames,date_of_birth,sex,address,...); both "
            "states must encode the same ones. Default: every field the file fills.",
        ),
    ] = None,
    on_error: OnErrorOpt = "stop",
    columns: ColumnsOpt = None,
    date_format: DateFormatOpt = None,
    keep: KeepOpt = None,
    max_skipped: MaxSkippedOpt = "1%",
    lang: UserLangOption = None,
) -> None:
    """Encode a registry as keyed, hardened Bloom filters (no raw identifiers)."""
    lang = cli_language(lang)
    secret = linkage().read_secret(secret_file)
    if hardening not in ("none", "balance", "blip"):
        raise linkage().LinkageError(
            linkage().Text(
                N_("got %(value)s; expected none, balance or blip"), value=repr(hardening)
            ),
            field="hardening",
        )
    check_outputs(out=out)
    reg = load(
        registry,
        on_error,
        columns=columns,
        date_format=date_format,
        keep=keep,
        max_skipped=max_skipped,
        lang=lang,
    )
    t, n = show().texts(lang), show().number
    chosen = linkage().encoding_fields(reg, fields)
    params = linkage().EncodingParams(
        hardening=hardening, blip_flip=blip_flip, fields=chosen.fields
    )
    table = linkage().encode_registry(reg, secret, params)
    if reg.kept is not None:
        err.print(
            t.gettext(
                "[yellow]note[/] kept columns %(columns)s are written as they are, not "
                "encoded: keep only what the other state may see"
            )
            % {"columns": ", ".join(reg.kept.columns)}
        )
        table = linkage().with_columns(table, reg.kept)
    linkage().write_encoded(table, out)
    err.print(t.gettext("encoded fields: %(fields)s") % {"fields": ", ".join(chosen.fields)})
    for name, why in chosen.dropped:
        err.print(t.gettext("  not encoded: %(field)s (%(why)s)") % {"field": name, "why": why})
    err.print(
        t.ngettext(
            "encoded %(n)s record (%(hardening)s); skipped %(skipped)s rows; wrote %(out)s",
            "encoded %(n)s records (%(hardening)s); skipped %(skipped)s rows; wrote %(out)s",
            len(reg),
        )
        % {
            "n": n(len(reg), lang),
            "hardening": hardening,
            "skipped": n(len(reg.skipped), lang),
            "out": out,
        }
    )


app.command()(speaks(match))


@app.command()
@speaks
def synth(
    n: Annotated[int, typer.Argument(help="Records to generate (per file with --split).")],
    out: Annotated[Path, typer.Option("--out", help="CSV or Parquet to write.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    dup_rate: Annotated[
        float, typer.Option("--dup-rate", help="Share of duplicate records.")
    ] = 0.2,
    split: Annotated[
        str | None, typer.Option(help="Two labels A,B: write OUT_A and OUT_B.")
    ] = None,
    overlap: Annotated[float, typer.Option(help="With --split: share of people in both.")] = 0.3,
    lang: UserLangOption = None,
) -> None:
    """Generate a synthetic registry with duplicates and a ground-truth person_id."""
    lang = cli_language(lang)
    if n < 1:
        raise linkage().LinkageError(
            linkage().Text(
                N_("got %(value)s; expected a positive number of records"), value=str(n)
            ),
            field="n",
        )
    if not 0.0 <= dup_rate < 1.0:
        raise linkage().LinkageError(
            linkage().Text(N_("got %(value)s; expected a share in [0, 1)"), value=str(dup_rate)),
            field="dup_rate",
        )
    config = linkage().SynthConfig(seed=seed, dup_rate=dup_rate)
    if split is None:
        write_table(linkage().synth_registry(n, config), out)
        _wrote(n, out, lang)
        return
    labels = [s.strip() for s in split.split(",")]
    if len(labels) != 2 or not all(labels) or labels[0] == labels[1]:
        raise linkage().LinkageError(
            linkage().Text(
                N_("got %(value)s; expected two different labels such as COL,PER"),
                value=repr(split),
            ),
            field="split",
        )
    if not 0.0 <= overlap <= 1.0:
        raise linkage().LinkageError(
            linkage().Text(N_("got %(value)s; expected a share in [0, 1]"), value=str(overlap)),
            field="overlap",
        )
    for label, frame in zip(labels, linkage().synth_split(n, overlap, config), strict=True):
        target = out.with_name(f"{out.stem}_{label}{out.suffix}")
        write_table(frame, target)
        _wrote(n, target, lang)


def _wrote(n: int, out: Path, lang: str) -> None:
    err.print(
        show()
        .texts(lang)
        .ngettext("wrote %(n)s record to %(out)s", "wrote %(n)s records to %(out)s", n)
        % {"n": show().number(n, lang), "out": out}
    )


__all__ = ["app"]
