"""Reading registries (CSV or Parquet) as they come, with line-numbered errors and warnings.

A registry names its columns as it likes: a :class:`~ruta.linkage._columns.ColumnMapping`
says which of them hold which field (columns named as a field need no entry), other columns
are ignored or kept (``keep``). Only ``record_id`` and one name field are required. Empty
cells are missing values.

Two kinds of problems, each reported with its line (CSV: the file line, header = 1;
Parquet: the 1-based row):

- A bad row (wrong number of cells, empty or repeated ``record_id``, unknown sex) stops the
  run (``on_error="stop"``) or is left out (``"skip"``), but never more than
  ``max_skipped`` of the rows: past that the file, not a few rows, is wrong.
- An impossible date of birth (no pattern reads it, or it is in the future) blanks that
  field and is listed as a warning; the record is kept. More than half of the dates
  impossible (five or more) means the date format is wrong, and stops the run with that advice.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ruta.i18n import N_
from ruta.linkage._columns import FIELDS, ColumnMapping, parse_columns, passthrough_columns
from ruta.linkage._dates import normalise_dates, parse_date_formats
from ruta.linkage._errors import RegistryError
from ruta.linkage._sex import normalise_sex
from ruta.linkage._text import Text, put

__all__ = [
    "CONTRACT_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "BadRow",
    "Registry",
    "read_registry",
]

#: The registry contract's classic columns, in the order an officer reads a person: what
#: the case store keeps of a registry candidate (``ruta.cases``), written once here.
CONTRACT_COLUMNS: tuple[str, ...] = (
    "record_id",
    "given_names",
    "surname_1",
    "surname_2",
    "sex",
    "date_of_birth",
    "nationality",
    "document_type",
    "document_number",
)
#: The classic columns a registry file was first required to have (all but
#: ``document_type``). Since registries may name their own columns (``--columns``) only
#: ``record_id`` and one name field are required; every field that is absent is an empty
#: column of :attr:`Registry.frame`.
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in CONTRACT_COLUMNS if c != "document_type")
OPTIONAL_COLUMNS: tuple[str, ...] = tuple(f for f in FIELDS if f not in REQUIRED_COLUMNS)

OnError = Literal["skip", "stop"]


@dataclass(frozen=True)
class BadRow:
    """A row that failed validation, or a value that was blanked.

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
        frame: One row per record with every field of the contract (absent ones ``""``).
        skipped: The rows left out because they were invalid (``on_error="skip"``).
        source: Where the registry was read from.
        warnings: Values blanked (impossible dates), by line; their records are kept.
        fields: The fields the file gives with at least one value (what the model uses).
        kept: The extra columns asked for with ``keep``, row-aligned with ``frame``.
        notes: How values were read that the user should know of (e.g. sex as H/M).
    """

    frame: pd.DataFrame
    skipped: list[BadRow] = field(default_factory=list)
    source: str = ""
    warnings: list[BadRow] = field(default_factory=list)
    fields: frozenset[str] | None = None
    kept: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def present(self) -> frozenset[str]:
        """The fields with data: :attr:`fields`, or those non-empty in :attr:`frame`."""
        if self.fields is not None:
            return self.fields
        return frozenset(
            c for c in FIELDS if c in self.frame.columns and bool((self.frame[c] != "").any())
        )


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


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        return [h.strip() for h in next(csv.reader(handle), None) or []]


def _read_csv_fast(path: Path, header: list[str], wanted: list[str]) -> pd.DataFrame | None:
    """Arrow's multi-threaded reader for well-formed files, or None to take the slow path.

    Without quoted newlines, row i is on line i + 2, so line numbers stay exact; any file
    Arrow rejects (ragged rows, quoted newlines, bad UTF-8) goes through the csv module,
    which reports each bad line. Only the ``wanted`` columns are converted.
    """
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                include_columns=wanted,
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
        raise RegistryError(
            Text(N_("line %(line)s: %(problem)s"), line=str(row.line), problem=row.message),
            field=row.field,
        )
    bad.append(row)


def _plan(
    header: Sequence[str], mapping: ColumnMapping, keep: Sequence[str], path: Path
) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Resolve the mapping and the kept columns; return (field -> columns, columns to read)."""
    if len(set(header)) != len(header):
        twice = sorted({c for c in header if list(header).count(c) > 1})
        raise RegistryError(
            Text(
                N_("%(path)s names column %(columns)s twice; expected unique column names"),
                path=str(path),
                columns=", ".join(twice),
            ),
            field="columns",
        )
    plan = mapping.resolve(header, str(path))
    unknown = [c for c in keep if c not in header]
    if unknown:
        raise RegistryError(
            Text(
                N_("%(path)s has no column %(missing)s to keep; its columns are %(columns)s"),
                path=str(path),
                missing=", ".join(unknown),
                columns=", ".join(header),
            ),
            field="keep",
        )
    clash = [c for c in keep if c in FIELDS or c.startswith("_")]
    if clash:
        raise RegistryError(
            Text(
                N_(
                    "cannot keep %(columns)s: the name is a field Ruta writes; rename it in "
                    "--columns or leave it out of --keep"
                ),
                columns=", ".join(clash),
            ),
            field="keep",
        )
    extra = [c for c in passthrough_columns() if c in header and c not in keep]
    wanted = {c for cols in plan.values() for c in cols} | set(keep) | set(extra)
    return plan, [c for c in header if c in wanted]


def read_registry(
    path: str | Path,
    *,
    on_error: OnError = "stop",
    columns: ColumnMapping | str | Path | Mapping[str, object] | None = None,
    date_formats: str | Sequence[str] | None = None,
    keep: Sequence[str] = (),
    max_skipped: float = 0.01,
    today: date | None = None,
) -> Registry:
    """Read and validate a registry file (``.csv`` or ``.parquet``).

    Args:
        path: The registry file.
        on_error: ``"stop"`` raises on the first bad row; ``"skip"`` leaves bad rows out and
            lists them in :attr:`Registry.skipped`.
        columns: Which columns hold which field (see :func:`ruta.linkage.parse_columns`).
        date_formats: strftime patterns for ``date_of_birth``, tried in order (``|``
            separated in one string) before the ISO forms.
        keep: Extra columns to carry through (:attr:`Registry.kept`).
        max_skipped: Most bad rows accepted with ``skip``: a share of the rows when a float
            (default 1 %), a number of rows when an int.
        today: Birth dates after this day are impossible (default: today).

    Returns:
        The validated registry.

    Raises:
        RegistryError: Unreadable file, missing or unknown mapped columns, a bad row
            (``stop``), more bad rows than ``max_skipped`` allows, or mostly unreadable dates.
    """
    path = Path(path)
    if on_error not in ("skip", "stop"):
        raise RegistryError(
            Text(N_("got %(value)s; expected skip or stop"), value=repr(on_error)), field="on_error"
        )
    mapping = columns if isinstance(columns, ColumnMapping) else parse_columns(columns)
    formats = parse_date_formats(date_formats)
    if not path.is_file():
        raise RegistryError(
            Text(N_("%(path)s does not exist; expected a CSV or Parquet file"), path=str(path)),
            field="registry",
        )
    bad: list[BadRow] = []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header = _header(path)
        if not header:
            raise RegistryError(
                f"{path} is empty; expected a header line with the registry columns",
                field="registry",
            )
        plan, wanted = _plan(header, mapping, keep, path)
        frame = _read_csv_fast(path, header, wanted)
        if frame is None:
            try:
                header, rows, lines = _read_csv(path, on_error, bad)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise RegistryError(
                    Text(
                        N_("%(path)s is not a readable UTF-8 CSV file (%(detail)s)"),
                        path=str(path),
                        detail=str(exc),
                    ),
                    field="registry",
                ) from exc
            frame = pd.DataFrame(rows, columns=header, dtype=str)[wanted]
            frame["_line"] = lines
    elif suffix in (".parquet", ".pq"):
        try:
            schema = pq.read_schema(path)
            plan, wanted = _plan(schema.names, mapping, keep, path)
            table = pq.read_table(path, columns=wanted)
        except RegistryError:
            raise
        except Exception as exc:  # pyarrow raises several types for a non-Parquet file
            raise RegistryError(
                Text(
                    N_("%(path)s is not a readable Parquet file (%(detail)s)"),
                    path=str(path),
                    detail=str(exc),
                ),
                field="registry",
            ) from exc
        frame = table.to_pandas()
        for col in frame.columns:
            frame[col] = frame[col].map(_cell_to_str)
        frame["_line"] = range(1, len(frame) + 1)
    else:
        raise RegistryError(
            Text(
                N_("%(path)s has suffix %(suffix)s; expected .csv or .parquet"),
                path=str(path),
                suffix=repr(suffix),
            ),
            field="registry",
        )
    total = len(frame) + len(bad)
    registry = _validate(_fields(frame, plan, keep), on_error, bad, formats, today)
    registry.source = str(path)
    registry.fields = frozenset(
        f for f in plan if f in registry.frame and bool((registry.frame[f] != "").any())
    )
    _check_limits(registry, total, max_skipped, path)
    if keep:
        registry.kept = registry.frame[list(keep)].copy()
        registry.frame = registry.frame.drop(columns=list(keep))
    for col in FIELDS:
        if col not in registry.frame.columns:
            registry.frame[col] = ""
    return registry


def _fields(
    frame: pd.DataFrame, plan: dict[str, tuple[str, ...]], keep: Sequence[str]
) -> pd.DataFrame:
    """The source columns renamed (and joined) into fields; kept and passthrough as they are."""
    out = pd.DataFrame(index=frame.index)
    for name, cols in plan.items():
        if len(cols) == 1:
            out[name] = frame[cols[0]].fillna("").astype(str).str.strip()
        else:
            joined = frame[cols[0]].fillna("").astype(str)
            for col in cols[1:]:
                joined = joined + " " + frame[col].fillna("").astype(str)
            out[name] = joined.str.replace(r"\s+", " ", regex=True).str.strip()
    for col in [*passthrough_columns(), *keep]:
        if col in frame.columns and col not in out.columns:
            out[col] = frame[col].fillna("").astype(str)
    out["_line"] = frame["_line"].to_numpy()
    return out


def _cell_to_str(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


# More than this share of the dates unreadable (and at least _FEW of them) stops the run:
# the format must be wrong.
_MOST = 0.5
_FEW = 5


def _allowed(limit: float, total: int) -> float:
    if isinstance(limit, int) and not isinstance(limit, bool):
        return float(limit)
    return limit * total


def _check_limits(registry: Registry, total: int, limit: float, path: Path) -> None:
    if limit < 0:
        raise RegistryError(
            Text(
                N_(
                    "got %(value)s; expected a share such as 0.01 (%(percent)s) or a number of rows"
                ),
                value=str(limit),
                percent="1 %",
            ),
            field="max_skipped",
        )
    allowed = _allowed(limit, total)
    shown = f"{limit:g} rows" if isinstance(limit, int) else f"{limit * 100:g} %"
    if len(registry.skipped) > allowed:
        first = registry.skipped[0]
        raise RegistryError(
            Text(
                N_(
                    "%(bad)s of %(total)s rows of %(path)s are bad (%(share)s), more than "
                    "--max-skipped (%(allowed)s) allows; the first: line %(line)s: %(field)s "
                    "%(problem)s. Fix the file (or --columns), or raise --max-skipped"
                ),
                bad=len(registry.skipped),
                total=total,
                path=str(path),
                share=f"{len(registry.skipped) / max(total, 1):.1%}",
                allowed=shown,
                line=str(first.line),
                field=first.field,
                problem=first.message,
            ),
            field="max_skipped",
        )
    dates = registry.frame.get("date_of_birth")
    dated = (0 if dates is None else int((dates != "").sum())) + len(registry.warnings)
    if len(registry.warnings) >= _FEW and len(registry.warnings) > _MOST * dated:
        # Most dates unreadable is a wrong format, not a few typing errors: blanking them all
        # would quietly run the model without dates.
        first = registry.warnings[0]
        raise RegistryError(
            Text(
                N_(
                    "%(bad)s of %(total)s dates of birth in %(path)s cannot be read; the first: "
                    "line %(line)s: %(problem)s. Give their format with --date-format (e.g. "
                    "%(example)s)"
                ),
                bad=len(registry.warnings),
                total=dated,
                path=str(path),
                line=str(first.line),
                problem=first.message,
                example="'%d/%m/%Y'",
            ),
            field="date_of_birth",
        )


def _validate(
    frame: pd.DataFrame,
    on_error: OnError,
    bad: list[BadRow],
    formats: Sequence[str],
    today: date | None,
) -> Registry:
    problems = pd.Series("", index=frame.index, dtype=object)
    fields = pd.Series("", index=frame.index, dtype=object)

    def flag(mask: pd.Series, fld: str, message: pd.Series | str) -> None:
        nonlocal problems
        mask = mask & (problems == "")
        # Through numpy: pandas would turn a Text (the message in the user's language) into
        # a plain str.
        problems = put(problems, mask, message if isinstance(message, str) else message[mask])
        fields[mask] = fld

    ids = frame["record_id"]
    flag(ids == "", "record_id", Text(N_("is empty; every record needs a record_id")))
    repeated = ids.duplicated(keep="first") & (ids != "")
    repeats = N_("value %(value)s repeats an earlier record_id; record_id must be unique")
    flag(
        repeated,
        "record_id",
        pd.Series(
            [Text(repeats, value=v) for v in ids[repeated]], index=ids.index[repeated], dtype=object
        ).reindex(ids.index),
    )
    notes: list[str] = []
    if "sex" in frame.columns:
        sex, unknown, note = normalise_sex(frame["sex"])
        frame["sex"] = sex
        flag(unknown != "", "sex", unknown)
        notes.extend([note] if note else [])
    warnings: list[BadRow] = []
    if "date_of_birth" in frame.columns:
        iso, impossible = normalise_dates(frame["date_of_birth"], formats, today=today)
        frame["date_of_birth"] = iso
        blanked = (impossible != "") & (problems == "")
        warnings = [
            BadRow(int(line), "date_of_birth", message)
            for line, message in zip(frame.loc[blanked, "_line"], impossible[blanked], strict=True)
        ]
    broken = problems != ""
    if broken.any():
        if on_error == "stop":
            first = frame.index[broken][0]
            raise RegistryError(
                Text(
                    N_("line %(line)s: %(problem)s"),
                    line=str(frame.at[first, "_line"]),
                    problem=problems[first],
                ),
                field=str(fields[first]),
            )
        for idx in frame.index[broken]:
            bad.append(BadRow(int(frame.at[idx, "_line"]), str(fields[idx]), problems[idx]))
    bad.sort(key=lambda b: b.line)
    kept = frame.loc[~broken].drop(columns="_line").reset_index(drop=True)
    return Registry(frame=kept, skipped=bad, warnings=warnings, notes=notes)
