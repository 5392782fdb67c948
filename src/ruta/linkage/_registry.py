"""Reading registries (CSV or Parquet) under the registry contract, with line-numbered errors.

The contract: columns ``record_id, given_names, surname_1, surname_2, sex, date_of_birth,
nationality, document_number`` and optionally ``document_type, place_of_birth, phone``. Empty
cells are missing values. Dates are ISO 8601 (``YYYY-MM-DD``). A bad row is either skipped
(and counted, with its line number) or stops the run, as the caller chooses.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ruta.linkage._errors import RegistryError

__all__ = [
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "BadRow",
    "Registry",
    "read_registry",
]

REQUIRED_COLUMNS: tuple[str, ...] = (
    "record_id",
    "given_names",
    "surname_1",
    "surname_2",
    "sex",
    "date_of_birth",
    "nationality",
    "document_number",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("document_type", "place_of_birth", "phone")
# Columns we carry through untouched: ground truth in synthetic files, nothing else.
_PASSTHROUGH: tuple[str, ...] = ("person_id",)
_SEXES = frozenset({"", "F", "M", "X"})

OnError = Literal["skip", "stop"]


@dataclass(frozen=True)
class BadRow:
    """A row that failed validation.

    Attributes:
        line: 1-based line number in a CSV file (header is line 1), or 1-based row number in a
            Parquet file.
        field: The column at fault.
        message: What is wrong and the expected form.
    """

    line: int
    field: str
    message: str


@dataclass
class Registry:
    """A validated registry: every column is a string column, missing values are ``""``.

    Attributes:
        frame: One row per record, the contract's columns (optional ones filled with ``""``).
        skipped: The rows left out because they were invalid (``--on-error skip``).
        source: Where the registry was read from.
    """

    frame: pd.DataFrame
    skipped: list[BadRow] = field(default_factory=list)
    source: str = ""

    def __len__(self) -> int:
        return len(self.frame)


def _read_csv(
    path: Path, on_error: OnError, bad: list[BadRow]
) -> tuple[list[str], list[list[str]], list[int]]:
    rows: list[list[str]] = []
    lines: list[int] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise RegistryError(
                f"{path} is empty; expected a header line with the registry columns",
                field="registry",
            )
        header = [h.strip() for h in header]
        width = len(header)
        for row in reader:
            if len(row) != width:
                if row == []:
                    continue
                _bad(
                    bad,
                    on_error,
                    BadRow(
                        reader.line_num,
                        "row",
                        f"has {len(row)} cells; expected {width} like the header",
                    ),
                )
                continue
            rows.append(row)
            lines.append(reader.line_num)
    return header, rows, lines


def _count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _read_csv_fast(path: Path) -> pd.DataFrame | None:
    """Arrow's multi-threaded reader for well-formed files, or None to take the slow path.

    Without quoted newlines, row i is on line i + 2, so line numbers stay exact; any file
    Arrow rejects (ragged rows, quoted newlines, bad UTF-8) goes through the csv module,
    which reports each bad line.
    """
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        return None
    header = [h.strip() for h in header]
    _check_columns(header, path)
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if table.num_rows + 1 != _count_lines(path):
        return None  # blank lines or quoted newlines: only the csv module numbers them right
    frame = table.to_pandas()
    frame["_line"] = range(2, len(frame) + 2)
    return frame


def _bad(bad: list[BadRow], on_error: OnError, row: BadRow) -> None:
    if on_error == "stop":
        raise RegistryError(f"line {row.line}: {row.message}", field=row.field)
    bad.append(row)


def _check_columns(header: list[str], path: Path) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS) | set(_PASSTHROUGH)
    unknown = [c for c in header if c not in known]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown {', '.join(unknown)}")
        raise RegistryError(
            f"{path}: {'; '.join(parts)}. Expected the columns {', '.join(REQUIRED_COLUMNS)} "
            f"(optional: {', '.join(OPTIONAL_COLUMNS)})",
            field="columns",
        )


def read_registry(path: str | Path, *, on_error: OnError = "stop") -> Registry:
    """Read and validate a registry file (``.csv`` or ``.parquet``).

    Args:
        path: The registry file.
        on_error: ``"stop"`` raises on the first bad row; ``"skip"`` leaves bad rows out and
            lists them in :attr:`Registry.skipped`.

    Returns:
        The validated registry.

    Raises:
        RegistryError: Unreadable file, wrong column set, or (with ``stop``) a bad row.
    """
    path = Path(path)
    if on_error not in ("skip", "stop"):
        raise RegistryError(f"got {on_error!r}; expected skip or stop", field="on_error")
    if not path.is_file():
        raise RegistryError(
            f"{path} does not exist; expected a CSV or Parquet file", field="registry"
        )
    bad: list[BadRow] = []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = _read_csv_fast(path)
        if frame is None:
            try:
                header, rows, lines = _read_csv(path, on_error, bad)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise RegistryError(
                    f"{path} is not a readable UTF-8 CSV file ({exc})", field="registry"
                ) from exc
            _check_columns(header, path)
            frame = pd.DataFrame(rows, columns=header, dtype=str)
            frame["_line"] = lines
    elif suffix in (".parquet", ".pq"):
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for a non-Parquet file
            raise RegistryError(
                f"{path} is not a readable Parquet file ({exc})", field="registry"
            ) from exc
        _check_columns(table.column_names, path)
        frame = table.to_pandas()
        for col in frame.columns:
            frame[col] = frame[col].map(_cell_to_str)
        frame["_line"] = range(1, len(frame) + 1)
    else:
        raise RegistryError(
            f"{path} has suffix {suffix!r}; expected .csv or .parquet", field="registry"
        )
    frame = _validate(frame, on_error, bad)
    for col in OPTIONAL_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    bad.sort(key=lambda b: b.line)
    return Registry(frame=frame.reset_index(drop=True), skipped=bad, source=str(path))


def _cell_to_str(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


def _validate(frame: pd.DataFrame, on_error: OnError, bad: list[BadRow]) -> pd.DataFrame:
    for col in frame.columns:
        if col != "_line":
            frame[col] = frame[col].fillna("").astype(str).str.strip()
    problems = pd.Series("", index=frame.index)
    fields = pd.Series("", index=frame.index)

    def flag(mask: pd.Series, fld: str, message: pd.Series | str) -> None:
        mask = mask & (problems == "")
        problems[mask] = message if isinstance(message, str) else message[mask]
        fields[mask] = fld

    flag(frame["record_id"] == "", "record_id", "is empty; every record needs a record_id")
    flag(
        frame["record_id"].duplicated(keep="first") & (frame["record_id"] != ""),
        "record_id",
        "value " + frame["record_id"] + " repeats an earlier record_id; record_id must be unique",
    )
    dob = frame["date_of_birth"]
    parsed = pd.to_datetime(dob, format="%Y-%m-%d", errors="coerce")
    flag(
        (dob != "") & (parsed.isna() | (dob.str.len() != 10)),
        "date_of_birth",
        "value " + dob + " is not a date; expected YYYY-MM-DD",
    )
    sex = frame["sex"].str.upper()
    frame["sex"] = sex
    flag(~sex.isin(_SEXES), "sex", "value " + frame["sex"] + " is not F, M, X or empty")
    broken = problems != ""
    if broken.any():
        first = frame.index[broken][0] if on_error == "stop" else None
        if first is not None:
            raise RegistryError(
                f"line {frame.at[first, '_line']}: {problems[first]}", field=str(fields[first])
            )
        for idx in frame.index[broken]:
            bad.append(BadRow(int(frame.at[idx, "_line"]), str(fields[idx]), str(problems[idx])))
    return frame.loc[~broken].drop(columns="_line")
