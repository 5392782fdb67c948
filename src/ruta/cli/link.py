"""``ruta link``: deduplicate a registry, encode it for private matching, match, synthesise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ruta.cli._link_common import (
    ColumnsOpt,
    DateFormatOpt,
    KeepOpt,
    MaxSkippedOpt,
    OnErrorOpt,
    err,
    linkage,
    load,
    write_table,
)
from ruta.cli._link_dedupe import dedupe
from ruta.cli._link_match import match

app = typer.Typer(
    help="Registry deduplication and privacy-preserving matching.", no_args_is_help=True
)
app.command()(dedupe)


@app.command()
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
) -> None:
    """Encode a registry as keyed, hardened Bloom filters (no raw identifiers)."""
    secret = linkage().read_secret(secret_file)
    if hardening not in ("none", "balance", "blip"):
        raise linkage().LinkageError(
            f"got {hardening!r}; expected none, balance or blip", field="hardening"
        )
    reg = load(
        registry,
        on_error,
        columns=columns,
        date_format=date_format,
        keep=keep,
        max_skipped=max_skipped,
    )
    chosen = linkage().encoding_fields(reg, fields)
    params = linkage().EncodingParams(
        hardening=hardening, blip_flip=blip_flip, fields=chosen.fields
    )
    table = linkage().encode_registry(reg, secret, params)
    if reg.kept is not None:
        err.print(
            f"[yellow]note[/] kept columns {', '.join(reg.kept.columns)} are written as they "
            "are, not encoded: keep only what the other state may see"
        )
        table = linkage().with_columns(table, reg.kept)
    linkage().write_encoded(table, out)
    err.print(f"encoded fields: {', '.join(chosen.fields)}")
    for name, why in chosen.dropped:
        err.print(f"  not encoded: {name} ({why})")
    err.print(
        f"encoded {len(reg):,} records ({hardening}); skipped {len(reg.skipped)} rows; wrote {out}"
    )


app.command()(match)


@app.command()
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
) -> None:
    """Generate a synthetic registry with duplicates and a ground-truth person_id."""
    if n < 1:
        raise linkage().LinkageError(f"got {n}; expected a positive number of records", field="n")
    if not 0.0 <= dup_rate < 1.0:
        raise linkage().LinkageError(
            f"got {dup_rate}; expected a share in [0, 1)", field="dup_rate"
        )
    config = linkage().SynthConfig(seed=seed, dup_rate=dup_rate)
    if split is None:
        write_table(linkage().synth_registry(n, config), out)
        err.print(f"wrote {n:,} records to {out}")
        return
    labels = [s.strip() for s in split.split(",")]
    if len(labels) != 2 or not all(labels) or labels[0] == labels[1]:
        raise linkage().LinkageError(
            f"got {split!r}; expected two different labels such as COL,PER", field="split"
        )
    if not 0.0 <= overlap <= 1.0:
        raise linkage().LinkageError(f"got {overlap}; expected a share in [0, 1]", field="overlap")
    for label, frame in zip(labels, linkage().synth_split(n, overlap, config), strict=True):
        target = out.with_name(f"{out.stem}_{label}{out.suffix}")
        write_table(frame, target)
        err.print(f"wrote {n:,} records to {target}")


__all__ = ["app"]
