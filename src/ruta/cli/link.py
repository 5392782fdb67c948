"""``ruta link``: deduplicate a registry, encode it for private matching, match, synthesise."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from types import ModuleType

    from ruta.linkage._registry import Registry


def _linkage() -> ModuleType:
    # Imported on use: Splink, pandas and the rest take seconds to import, and every `ruta`
    # command (not only `ruta link`) would pay for them at start-up.
    import ruta.linkage

    return ruta.linkage


def _atomic() -> ModuleType:
    import ruta.linkage._atomic

    return ruta.linkage._atomic


app = typer.Typer(
    help="Registry deduplication and privacy-preserving matching.", no_args_is_help=True
)
_err = Console(stderr=True)

OnErrorOpt = Annotated[str, typer.Option("--on-error", help="Bad rows: skip them or stop.")]


def _load(path: Path, on_error: str) -> Registry:
    if on_error not in ("skip", "stop"):
        raise _linkage().LinkageError(f"got {on_error!r}; expected skip or stop", field="on_error")
    registry: Registry = _linkage().read_registry(
        path, on_error="skip" if on_error == "skip" else "stop"
    )
    for bad in registry.skipped[:20]:
        _err.print(f"[yellow]skipped[/] line {bad.line}: {bad.field} {bad.message}")
    if registry.skipped:
        _err.print(f"skipped {len(registry.skipped)} bad rows of {path}")
    return registry


def _write_table(frame: object, out: Path) -> None:
    import pandas as pd
    import pyarrow as pa

    assert isinstance(frame, pd.DataFrame)
    if out.suffix.lower() == ".csv":
        _atomic().write_csv_atomic(frame, out)
    elif out.suffix.lower() in (".parquet", ".pq"):
        _atomic().write_parquet_atomic(pa.Table.from_pandas(frame, preserve_index=False), out)
    else:
        raise _linkage().LinkageError(
            f"{out} has suffix {out.suffix!r}; expected .csv or .parquet", field="out"
        )


@app.command()
def dedupe(
    registry: Annotated[Path, typer.Argument(help="Registry CSV or Parquet.")],
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
) -> None:
    """Find records of the same person; write record_id,cluster_id and the weakest link."""
    if engine not in ("duckdb", "spark"):
        raise _linkage().LinkageError(f"got {engine!r}; expected duckdb or spark", field="engine")
    if conflicts_out is not None and decisions is None:
        raise _linkage().LinkageError(
            "--conflicts-out needs --decisions; expected both or neither", field="conflicts_out"
        )
    started = time.monotonic()
    reg = _load(registry, on_error)
    decided = None
    if decisions is not None:
        # Read before the model runs: a bad decisions file should fail in a second, not after
        # minutes of training.
        decided = _linkage().read_decisions(
            decisions,
            reg.frame["record_id"].astype(str),
            on_error="skip" if on_error == "skip" else "stop",
        )
        for bad in decided.skipped[:20]:
            _err.print(f"[yellow]skipped[/] {decisions} line {bad.line}: {bad.field} {bad.message}")
        if decided.skipped:
            _err.print(f"skipped {len(decided.skipped)} bad decisions of {decisions}")
    result = _linkage().dedupe_registry(
        reg,
        threshold=threshold,
        engine="spark" if engine == "spark" else "duckdb",
        progress=lambda msg: _err.print(f"[dim]{time.monotonic() - started:6.1f} s[/] {msg}"),
    )
    clusters, pairs = result.clusters, result.pairs
    if decided is not None:
        applied = _linkage().apply_decisions(clusters, pairs, threshold, decided)
        clusters, pairs = applied.clusters, applied.pairs
        for conflict in applied.conflicts[:20]:
            _err.print(
                f"[yellow]conflict[/] line {conflict.line}: {conflict.record_id_a} and "
                f"{conflict.record_id_b} decided distinct; "
                + (
                    f"kept apart by dropping {conflict.links_removed} links "
                    f"(strongest {conflict.strongest_removed:.3f})"
                    if conflict.kind == "split"
                    else f"{conflict.links_removed} merge decisions join them and were not "
                    "applied; resolve them in the review queue"
                )
            )
        _err.print(
            f"decisions: {len(decided.items)} read, {applied.merges_applied} merges applied, "
            f"{applied.links_removed} model links removed, {len(applied.conflicts)} conflicts"
        )
        if conflicts_out is not None:
            _atomic().write_csv_atomic(applied.conflicts_frame(), conflicts_out)
    _atomic().write_csv_atomic(clusters, out)
    if pairs_out is not None:
        _atomic().write_csv_atomic(pairs, pairs_out)
    multi = clusters.loc[clusters["cluster_size"] > 1, "cluster_id"].nunique()
    duplicates = int((clusters["cluster_size"] > 1).sum())
    _err.print(
        f"{len(clusters):,} records -> {clusters['cluster_id'].nunique():,} people; "
        f"{multi:,} clusters hold {duplicates:,} records with duplicates "
        f"(threshold {threshold}); skipped {len(reg.skipped)} rows; "
        f"{time.monotonic() - started:.1f} s; wrote {out}"
    )


@app.command()
def encode(
    registry: Annotated[Path, typer.Argument(help="Registry CSV or Parquet.")],
    secret_file: Annotated[Path, typer.Option("--secret-file", help="Shared secret file.")],
    out: Annotated[Path, typer.Option("--out", help="Encoded Parquet to write.")],
    hardening: Annotated[str, typer.Option(help="balance, blip or none.")] = "balance",
    blip_flip: Annotated[float, typer.Option(help="Bit-flip probability for blip.")] = 0.05,
    on_error: OnErrorOpt = "stop",
) -> None:
    """Encode a registry as keyed, hardened Bloom filters (no raw identifiers)."""
    secret = _linkage().read_secret(secret_file)
    reg = _load(registry, on_error)
    if hardening not in ("none", "balance", "blip"):
        raise _linkage().LinkageError(
            f"got {hardening!r}; expected none, balance or blip", field="hardening"
        )
    params = _linkage().EncodingParams(hardening=hardening, blip_flip=blip_flip)
    _linkage().write_encoded(_linkage().encode_registry(reg, secret, params), out)
    _err.print(
        f"encoded {len(reg):,} records ({hardening}); skipped {len(reg.skipped)} rows; wrote {out}"
    )


@app.command()
def match(
    a: Annotated[Path, typer.Argument(help="Encoded Parquet of state A.")],
    b: Annotated[Path, typer.Argument(help="Encoded Parquet of state B.")],
    out: Annotated[Path, typer.Option("--out", help="Pairs CSV to write.")],
    threshold: Annotated[
        float | None, typer.Option(help="Minimum score (default per hardening).")
    ] = None,
) -> None:
    """Match two encoded registries one-to-one; write record_id_a,record_id_b,score."""
    table_a, meta_a = _linkage().read_encoded(a)
    table_b, meta_b = _linkage().read_encoded(b)
    if meta_a != meta_b:
        raise _linkage().LinkageError(
            f"{a} was encoded with {meta_a} but {b} with {meta_b}; both states "
            "must use the same encoding parameters and secret",
            field="encoded",
        )
    pairs = _linkage().match_encoded(
        table_a, table_b, threshold=threshold, hardening=str(meta_a.get("hardening", "balance"))
    )
    _atomic().write_csv_atomic(pairs, out)
    _err.print(f"{len(table_a):,} x {len(table_b):,} records -> {len(pairs):,} pairs; wrote {out}")


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
        raise _linkage().LinkageError(f"got {n}; expected a positive number of records", field="n")
    if not 0.0 <= dup_rate < 1.0:
        raise _linkage().LinkageError(
            f"got {dup_rate}; expected a share in [0, 1)", field="dup_rate"
        )
    config = _linkage().SynthConfig(seed=seed, dup_rate=dup_rate)
    if split is None:
        _write_table(_linkage().synth_registry(n, config), out)
        _err.print(f"wrote {n:,} records to {out}")
        return
    labels = [s.strip() for s in split.split(",")]
    if len(labels) != 2 or not all(labels) or labels[0] == labels[1]:
        raise _linkage().LinkageError(
            f"got {split!r}; expected two different labels such as COL,PER", field="split"
        )
    if not 0.0 <= overlap <= 1.0:
        raise _linkage().LinkageError(f"got {overlap}; expected a share in [0, 1]", field="overlap")
    for label, frame in zip(labels, _linkage().synth_split(n, overlap, config), strict=True):
        target = out.with_name(f"{out.stem}_{label}{out.suffix}")
        _write_table(frame, target)
        _err.print(f"wrote {n:,} records to {target}")
