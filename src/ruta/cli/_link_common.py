"""Shared parts of the ``ruta link`` commands: lazy imports, the registry options, loading."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from types import ModuleType

    from ruta.linkage import Registry

__all__ = [
    "ColumnsOpt",
    "DateFormatOpt",
    "KeepOpt",
    "MaxSkippedOpt",
    "OnErrorOpt",
    "err",
    "linkage",
    "load",
    "max_skipped_value",
    "show",
    "with_kept",
    "write_csv",
    "write_table",
]


def linkage() -> ModuleType:
    # Imported on use: Splink, pandas and the rest take seconds to import, and every `ruta`
    # command (not only `ruta link`) would pay for them at start-up.
    import ruta.linkage

    return ruta.linkage


def show() -> ModuleType:
    import ruta.cli._link_show

    return ruta.cli._link_show


# soft_wrap: a summary line stays one line in a log, whatever the terminal width.
err = Console(stderr=True, soft_wrap=True)

OnErrorOpt = Annotated[str, typer.Option("--on-error", help="Bad rows: skip them or stop.")]
ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        help="The file's own column names: field=column pairs separated by commas "
        "(given_names=nombres,surname_1=apellido; several columns joined with +), or a YAML "
        "file of the same mapping. Columns named as a field need no entry; others are ignored.",
    ),
]
DateFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--date-format",
        help="strftime patterns of date_of_birth, separated by | and tried in order "
        "(e.g. '%d/%m/%Y|%Y%m%d'); YYYY-MM-DD, YYYY-MM and YYYY are always read.",
    ),
]
KeepOpt = Annotated[
    str | None,
    typer.Option("--keep", help="Extra columns to carry through to the output (a,b,c)."),
]
MaxSkippedOpt = Annotated[
    str,
    typer.Option(
        "--max-skipped",
        help="Most bad rows accepted with --on-error skip: a share such as 1% or a number "
        "of rows; past it the run stops.",
    ),
]


def max_skipped_value(text: str) -> float:
    value = text.strip()
    try:
        if value.endswith("%"):
            share = float(value[:-1]) / 100
            if 0.0 <= share <= 1.0:
                return share
        elif value.isdigit():
            return int(value)
    except ValueError:
        pass
    raise linkage().LinkageError(
        f"got {text!r}; expected a share such as 1% or 0.5%, or a number of rows such as 25",
        field="max_skipped",
    )


def load(
    path: Path,
    on_error: str,
    *,
    columns: str | None = None,
    date_format: str | None = None,
    keep: str | None = None,
    max_skipped: str = "1%",
    lang: str = "en",
) -> Registry:
    if on_error not in ("skip", "stop"):
        raise linkage().LinkageError(f"got {on_error!r}; expected skip or stop", field="on_error")
    registry: Registry = linkage().read_registry(
        path,
        on_error="skip" if on_error == "skip" else "stop",
        columns=columns,
        date_formats=date_format,
        keep=linkage().parse_keep(keep),
        max_skipped=max_skipped_value(max_skipped),
    )
    show().show_read(err, registry, str(path), lang)
    return registry


def with_kept(frame: Any, reg: Registry, on: str = "record_id") -> Any:
    """Attach the columns asked for with --keep, by record id."""
    if reg.kept is None:
        return frame
    kept = reg.kept.assign(**{on: reg.frame["record_id"].astype(str).to_numpy()})
    return frame.merge(kept, on=on, how="left")


def write_table(frame: object, out: Path) -> None:
    import pandas as pd
    import pyarrow as pa

    assert isinstance(frame, pd.DataFrame)
    if out.suffix.lower() == ".csv":
        linkage().write_csv_atomic(frame, out)
    elif out.suffix.lower() in (".parquet", ".pq"):
        linkage().write_parquet_atomic(pa.Table.from_pandas(frame, preserve_index=False), out)
    else:
        raise linkage().LinkageError(
            f"{out} has suffix {out.suffix!r}; expected .csv or .parquet", field="out"
        )


def write_csv(frame: Any, out: Path) -> None:
    """Write a DataFrame as CSV atomically (no half-written file)."""
    linkage().write_csv_atomic(frame, out)
