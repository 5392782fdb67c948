"""Shared parts of the ``ruta link`` commands: lazy imports, the registry options, loading."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from ruta.cli._lang import cli_language
from ruta.errors import RutaError
from ruta.i18n import N_

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
    "speaks",
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


def speaks(command: Callable[..., None]) -> Callable[..., None]:
    """A ``ruta link`` command that speaks the user's language, its stopping errors included.

    ``--lang`` left out is the user's language (:func:`ruta.cli._lang.user_language`); the
    command gets the resolved code. An error that stops the run (any ``RutaError``) is
    printed from the ``linkage`` catalog in that language (the engine's errors carry their
    catalog message as a :class:`~ruta.linkage._text.Text`) and the command exits with code 2,
    as ``ruta.cli.main`` does for every other command. An unsupported ``--lang`` itself is
    said in English: there is no other language to say it in.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        lang = cli_language(kwargs.get("lang"))
        kwargs["lang"] = lang
        try:
            command(*args, **kwargs)
        except RutaError as exc:
            typer.echo(stop_message(exc, lang), err=True)
            raise typer.Exit(2) from None

    return run


def stop_message(error: RutaError, lang: str) -> str:
    """The line that reports an error that stops a ``ruta link`` run, in ``lang``."""
    t = show().texts(lang)
    message: str = show().said(error.message, lang)
    if error.field:
        line: str = t.gettext("Error: %(field)s: %(message)s")
        return line % {"field": error.field, "message": message}
    alone: str = t.gettext("Error: %(message)s")
    return alone % {"message": message}


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
        linkage().Text(
            N_("got %(value)s; expected a share such as %(share)s, or a number of rows such as 25"),
            value=repr(text),
            share="1% or 0.5%",
        ),
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
        raise linkage().LinkageError(
            linkage().Text(N_("got %(value)s; expected skip or stop"), value=repr(on_error)),
            field="on_error",
        )
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


def check_outputs(**outputs: Path | None) -> None:
    """Check every output's directory before the run, naming the option of a bad one.

    Args:
        **outputs: The output paths by option (``out=..., report=...``); ``None`` is skipped.

    Raises:
        LinkageError: An output's directory does not exist.
    """
    for field, target in outputs.items():
        if target is not None:
            linkage().check_directory(target, field)


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
            linkage().Text(
                N_("%(path)s has suffix %(suffix)s; expected .csv or .parquet"),
                path=str(out),
                suffix=repr(out.suffix),
            ),
            field="out",
        )


def write_csv(frame: Any, out: Path) -> None:
    """Write a DataFrame as CSV atomically (no half-written file)."""
    linkage().write_csv_atomic(frame, out)
