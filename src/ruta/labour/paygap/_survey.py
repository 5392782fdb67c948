"""Reading labour-force-survey microdata (CSV or Parquet) into one clean analysis sample.

Every row that cannot be used is counted under the first reason that applies, in this
order: wage, hours, weight, migrant status, then each covariate and cell factor. Nothing
is dropped silently; the counts travel with the result (``dropped``). Rows are reordered
nationals first, so that the estimators read each group as one contiguous slice.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from numpy.typing import NDArray

from ruta.i18n import N_, Text, os_reason
from ruta.labour.paygap._errors import SurveyError
from ruta.labour.paygap._mapping import ColumnMap
from ruta.labour.paygap._parameters import MethodParameters, method_parameters

__all__ = ["Categorical", "Survey", "read_survey", "survey_from_table"]

Floats = NDArray[np.float64]
_TRUE = frozenset({"1", "1.0", "true", "t"})
_FALSE = frozenset({"0", "0.0", "false", "f"})


@dataclass(frozen=True)
class Categorical:
    """A categorical column: integer codes into its sorted levels."""

    codes: NDArray[np.int32]
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Survey:
    """The analysis sample: one row per wage earner kept, nationals first."""

    wage: Floats  # hourly
    log_wage: Floats
    weight: Floats
    n_nationals: int
    numeric: dict[str, Floats]
    categorical: dict[str, Categorical]
    factors: dict[str, Categorical]
    columns: ColumnMap
    rows_read: int
    dropped: dict[str, int]
    hourly_derived: bool

    @property
    def n(self) -> int:
        """Rows used."""
        return int(self.wage.size)

    @property
    def migrant(self) -> NDArray[np.bool_]:
        """True for migrants (the rows after the nationals)."""
        flags = np.zeros(self.n, dtype=bool)
        flags[self.n_nationals :] = True
        return flags


def _open(path: Path, wanted: tuple[str, ...], text_columns: set[str]) -> pa.Table:
    suffixes = [s.lower() for s in path.suffixes]
    try:
        if ".parquet" in suffixes or ".pq" in suffixes:
            names = pq.read_schema(path).names
            _require(path, names, wanted)
            return pq.read_table(path, columns=list(wanted))
        if ".csv" in suffixes:
            parse = pacsv.ParseOptions(delimiter=_delimiter(path))
            with pacsv.open_csv(path, parse_options=parse) as reader:
                names = reader.schema.names
            _require(path, names, wanted)
            types = {c: pa.string() for c in text_columns}
            table = pacsv.read_csv(
                path,
                parse_options=parse,
                convert_options=pacsv.ConvertOptions(
                    include_columns=list(wanted), column_types=types, strings_can_be_null=True
                ),
            )
            if parse.delimiter != ",":
                table = _decimal_commas(table, text_columns)
            return table
    except FileNotFoundError:
        raise SurveyError(N_("%(path)s does not exist"), field="DATA", path=str(path)) from None
    except OSError as exc:
        # pyarrow words its reason as the whole exception; said by its errno elsewhere.
        raise SurveyError(
            N_("cannot read %(path)s: %(reason)s"),
            field="DATA",
            path=str(path),
            reason=os_reason(exc, whole=True),
        ) from None
    except pa.ArrowInvalid as exc:
        raise SurveyError(
            N_("cannot read %(path)s: %(reason)s"), field="DATA", path=str(path), reason=str(exc)
        ) from None
    raise SurveyError(
        N_("%(path)s: expected a .csv, .csv.gz or .parquet file"), field="DATA", path=str(path)
    )


def _delimiter(path: Path) -> str:
    """The delimiter of the header line: ``,``, or ``;`` or a tab where it has more of them.

    Statistical offices in the region publish microdata with ``;`` (and a decimal comma),
    as spreadsheets in Spanish and Portuguese write CSV.
    """
    with pa.input_stream(path, compression="detect") as stream:
        head = stream.read(65_536).decode("utf-8", "replace").splitlines() or [""]
    counts = {d: head[0].count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _decimal_commas(table: pa.Table, text_columns: set[str]) -> pa.Table:
    """Numeric columns written with a decimal comma (``12,5``) as numbers.

    Only in a file not delimited by commas, where a comma cannot separate fields; a column
    that still does not read as numbers is left as it is (refused later, by its name).
    """
    for name in table.column_names:
        column = table.column(name)
        if name in text_columns or not pa.types.is_string(column.type):
            continue
        try:
            numbers = pc.cast(pc.replace_substring(column, ",", "."), pa.float64())
        except pa.ArrowInvalid:  # text that is not a number: not a numeric column
            continue
        table = table.set_column(table.column_names.index(name), name, numbers)
    return table


def _require(path: Path, names: list[str], wanted: tuple[str, ...]) -> None:
    missing = [c for c in wanted if c not in names]
    if missing:
        raise SurveyError(
            N_(
                "%(path)s has no column %(missing)s; its columns are %(columns)s. Map the "
                "right ones with options or a mapping file"
            ),
            field=missing[0],
            path=str(path),
            missing=", ".join(map(repr, missing)),
            columns=", ".join(names),
        )


def _numbers(table: pa.Table, name: str) -> Floats:
    column = table.column(name)
    try:
        as_float = pc.cast(column, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise SurveyError(
            N_("expected numbers in column %(column)s: %(reason)s"),
            field=name,
            column=repr(name),
            reason=str(exc),
        ) from None
    return np.asarray(as_float.to_numpy(zero_copy_only=False), dtype=np.float64)


def _migrant(table: pa.Table, name: str) -> Floats:
    """1.0 migrant, 0.0 national, NaN missing, -1.0 anything else."""
    text = pc.utf8_lower(pc.utf8_trim_whitespace(pc.cast(table.column(name), pa.string())))
    values = np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
    out = np.full(values.size, -1.0)
    out[np.isin(values, list(_TRUE))] = 1.0
    out[np.isin(values, list(_FALSE))] = 0.0
    out[np.asarray(pc.is_null(text).to_numpy(zero_copy_only=False), dtype=bool)] = np.nan
    return out


def _labels(table: pa.Table, name: str, occupation: bool) -> pa.ChunkedArray:
    column = table.column(name)
    if occupation and pa.types.is_integer(column.type):
        # ISCO-08 unit groups are four digits; armed forces (0110 ...) lose their zero as ints.
        text = pc.cast(column, pa.string())
        if (pc.max(column).as_py() or 0) >= 1000:
            text = pc.utf8_lpad(text, 4, "0")
    else:
        text = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
    if occupation:
        text = pc.utf8_slice_codeunits(text, 0, 1)  # ISCO-08 major group
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _encode(labels: pa.ChunkedArray, keep: NDArray[np.intp]) -> Categorical:
    chosen = labels.take(pa.array(keep)).combine_chunks().dictionary_encode()
    dictionary = np.asarray(chosen.dictionary.to_pylist(), dtype=object)
    order = np.argsort(dictionary, kind="stable")
    rank = np.empty(order.size, dtype=np.int32)
    rank[order] = np.arange(order.size, dtype=np.int32)
    indices = np.asarray(chosen.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    return Categorical(rank[indices], tuple(str(d) for d in dictionary[order]))


def _age_bands(age: Floats, edges: tuple[int, ...]) -> pa.ChunkedArray:
    names = [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(edges)]
    names.append(f"{edges[-1]}+")
    index = np.clip(np.searchsorted(np.asarray(edges), age, side="right") - 1, 0, len(edges) - 1)
    labels = np.asarray(names, dtype=object)[np.where(np.isnan(age), 0, index)]
    return pa.chunked_array([pa.array(labels, mask=np.isnan(age), type=pa.string())])


def read_survey(
    path: Path, columns: ColumnMap, parameters: MethodParameters | None = None
) -> Survey:
    """Read a CSV or Parquet survey file into a clean analysis sample.

    Args:
        path: A ``.csv``, ``.csv.gz`` or ``.parquet`` file.
        columns: Which column plays which part.
        parameters: Method parameters; the shipped ones when omitted.

    Raises:
        SurveyError: Unreadable file, a mapped column missing or not numeric, or no
            national or no migrant left once unusable rows are counted out.
    """
    text = {*columns.categorical, *columns.default_factors(), columns.migrant}
    text.discard(columns.age or "")
    return survey_from_table(_open(path, columns.columns(), text), columns, parameters)


def survey_from_table(
    table: pa.Table, columns: ColumnMap, parameters: MethodParameters | None = None
) -> Survey:
    """Like :func:`read_survey`, from an Arrow table already in memory."""
    params = parameters or method_parameters()
    rows = table.num_rows
    wage = _numbers(table, columns.wage)
    checks: list[tuple[str, NDArray[np.bool_]]] = [
        ("missing_wage", np.isnan(wage)),
        ("non_positive_wage", wage <= 0),
    ]
    if columns.hours:
        hours = _numbers(table, columns.hours)
        checks += [("missing_hours", np.isnan(hours)), ("non_positive_hours", hours <= 0)]
        per_month = hours * (params.weeks_per_month if columns.hours_per == "week" else 1.0)
        wage = wage / np.where(per_month > 0, per_month, np.nan)
    weight = _numbers(table, columns.weight) if columns.weight else np.ones(rows)
    checks += [("missing_weight", np.isnan(weight)), ("non_positive_weight", weight <= 0)]
    migrant = _migrant(table, columns.migrant)
    checks += [("missing_migrant", np.isnan(migrant)), ("invalid_migrant", migrant == -1.0)]
    numeric = {c: _numbers(table, c) for c in columns.numeric_covariates}
    labels = {c: _labels(table, c, c == columns.occupation) for c in columns.categorical}
    for factor in columns.default_factors(params.factors):
        if factor in labels:
            continue
        if factor == columns.age:
            labels[factor] = _age_bands(
                numeric.get(factor, _numbers(table, factor)), params.age_bands
            )
        else:
            labels[factor] = _labels(table, factor, factor == columns.occupation)
    checks += [(f"missing_{c}", np.isnan(v)) for c, v in numeric.items()]
    checks += [
        (f"missing_{c}", np.asarray(pc.is_null(v).to_numpy(zero_copy_only=False), dtype=bool))
        for c, v in labels.items()
    ]
    keep = np.ones(rows, dtype=bool)
    dropped: dict[str, int] = {}
    for reason, bad in checks:
        hit = keep & bad
        if hit.any():
            dropped[reason] = int(hit.sum())
            keep &= ~hit
    rows_kept = np.flatnonzero(keep)
    order = rows_kept[np.argsort(migrant[rows_kept], kind="stable")]
    n_nationals = int((migrant[order] == 0.0).sum())
    if n_nationals == 0 or n_nationals == order.size:
        # The reasons are codes (as in the JSON's "dropped"); the row count is written as
        # English wrote it before (no thousands separator), in every language.
        reasons = str(dropped) if dropped else Text(N_("none"))
        if n_nationals == 0:
            raise SurveyError(
                N_(
                    "no national is left among %(rows)s rows once unusable rows are counted "
                    "out (dropped: %(dropped)s); check the migrant column's values (0/1 or "
                    "true/false) and the wage, hours and weight columns"
                ),
                field=columns.migrant,
                rows=str(rows),
                dropped=reasons,
            )
        raise SurveyError(
            N_(
                "no migrant is left among %(rows)s rows once unusable rows are counted "
                "out (dropped: %(dropped)s); check the migrant column's values (0/1 or "
                "true/false) and the wage, hours and weight columns"
            ),
            field=columns.migrant,
            rows=str(rows),
            dropped=reasons,
        )
    encoded = {c: _encode(v, order) for c, v in labels.items()}
    return Survey(
        wage=wage[order],
        log_wage=np.log(wage[order]),
        weight=weight[order],
        n_nationals=n_nationals,
        numeric={c: v[order] for c, v in numeric.items()},
        categorical={c: encoded[c] for c in columns.categorical},
        factors={c: encoded[c] for c in columns.default_factors(params.factors)},
        columns=columns,
        rows_read=rows,
        dropped=dropped,
        hourly_derived=bool(columns.hours),
    )
