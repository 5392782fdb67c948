"""Atomic output files: write to a temporary file in the same directory, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ruta.i18n import N_
from ruta.linkage._errors import LinkageError
from ruta.linkage._text import Text

__all__ = ["atomic_path", "check_directory", "write_csv_atomic", "write_parquet_atomic"]


def check_directory(target: Path, field: str = "out") -> Path:
    """Check that the directory an output file goes to exists.

    A command checks every output before it reads or trains, so that a path mistyped in
    its last option fails in a second, naming that option, not after the run and after the
    other outputs are written.

    Args:
        target: The file to be written.
        field: The option that names it (``out``, ``report``, ``pairs_out`` ...).

    Returns:
        The directory.

    Raises:
        LinkageError: The directory does not exist.
    """
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise LinkageError(
            Text(N_("directory %(path)s does not exist; create it first"), path=str(directory)),
            field=field,
        )
    return directory


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it replaces ``target``."""
    directory = check_directory(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_csv_atomic(frame: pd.DataFrame, target: Path) -> Path:
    """Write a DataFrame as CSV (no index) atomically."""
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, index=False)
    return target


def write_parquet_atomic(table: pa.Table, target: Path) -> Path:
    """Write an Arrow table as Parquet atomically."""
    with atomic_path(target) as tmp:
        pq.write_table(table, tmp)
    return target
