"""The population engine: every pathway for every person of a file, in one SQL pass.

The population file (CSV or Parquet) has one row per person: ``person_id``, ``as_of`` (the
person's own evaluation date) and one column per fact, named as the fact with dots turned
into underscores (``entry_date``). List facts are lists of records in Parquet, or JSON text
in CSV. An empty cell is an unknown fact. The result has one row per person and pathway:
``person_id, pathway, status, failed`` (the ids of the conditions that failed).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from ruta.i18n import N_, Text, os_reason
from ruta.pathways._catalog import Catalog, default_catalog
from ruta.pathways._errors import PathwaysError, ProfileError
from ruta.pathways._facts import COUNTRIES, FactInfo, fact_catalog
from ruta.pathways._sql import (
    DUCKDB,
    Dialect,
    Hoist,
    column_of,
    compile_pathway,
    decode_failed,
)

__all__ = [
    "STATUSES",
    "PopulationQuery",
    "PopulationSummary",
    "canonical_columns",
    "load_population",
    "population_query",
    "population_sql",
    "simulate",
]

_SQL_TYPES = {
    "bool": "BOOLEAN",
    "date": "DATE",
    # YYYY-MM-DD, YYYY-MM or YYYY as text; the compiled SQL reads its first and last day.
    "partial_date": "VARCHAR",
    "country": "VARCHAR",
    "enum": "VARCHAR",
}


def _type(kind: str, dialect: Dialect) -> str:
    sql_type = _SQL_TYPES[kind]
    return "STRING" if dialect.name == "spark" and sql_type == "VARCHAR" else sql_type


def _struct(info: FactInfo, dialect: Dialect) -> str:
    if dialect.name == "duckdb":
        fields = ", ".join(f'"{n}" {_type(i.kind, dialect)}' for n, i in info.items.items())
        return f"STRUCT({fields})[]"
    fields = ", ".join(f"`{n}`: {_type(i.kind, dialect)}" for n, i in info.items.items())
    return f"ARRAY<STRUCT<{fields}>>"


def canonical_columns(dialect: Dialect = DUCKDB) -> dict[str, str]:
    """Every population column a fact maps to, with its SQL type.

    Examples:
        >>> canonical_columns()["entry_date"]
        'DATE'
    """
    columns = {}
    for path, info in fact_catalog().items():
        if info.kind == "list":
            columns[column_of(path)] = _struct(info, dialect)
        else:
            columns[column_of(path)] = _type(info.kind, dialect)
    return columns


STATUSES = ("eligible", "undetermined", "ineligible")


@dataclass(frozen=True, slots=True)
class PopulationQuery:
    """The population SELECT and how to read its answer.

    Encoded (DuckDB), a result row is ``person_id, pathway, status, mask``: ``pathway`` and
    ``status`` are ENUMs (one byte each, read as text) and ``mask`` has bit ``i`` set when
    ``failed_ids[pathway][i]`` failed. Decoded (``population_sql``), ``failed`` is the list
    of those ids, as in the results file.
    """

    ctes: tuple[str, ...]
    own: tuple[str, ...]
    others: str
    pathways: tuple[str, ...]
    failed_ids: Mapping[str, tuple[str, ...]]
    mask_type: str
    homes: Mapping[str, str]  # pathway id -> its host country

    @property
    def sql(self) -> str:
        """The whole SELECT: each country's people on its own pathways, then everyone on
        the pathways of the other countries."""
        return self.with_(*self.own, self.others)

    def with_(self, *branches: str) -> str:
        """``branches`` (over the CTEs, such as ``own`` and ``others``) as one UNION ALL."""
        return "WITH " + ",\n".join(self.ctes) + "\n" + "\nUNION ALL\n".join(branches)

    @property
    def status_type(self) -> str:
        """The ENUM of the statuses, spelled inline."""
        return "ENUM(" + ", ".join(_quote(s) for s in STATUSES) + ")"

    @property
    def condition_type(self) -> str:
        """The ENUM of every condition id a failed list may hold: written from an ENUM, the
        list's strings go to the Parquet dictionary without being hashed row by row."""
        ids = sorted({cid for ids in self.failed_ids.values() for cid in ids})
        return "ENUM(" + ", ".join(_quote(c) for c in ids) + ")"

    @property
    def pathway_type(self) -> str:
        """The ENUM of the chosen pathway ids, spelled inline."""
        return "ENUM(" + ", ".join(_quote(p) for p in self.pathways) + ")"

    def failed_of(self, pathway: str, mask: int) -> list[str]:
        """The ids of the conditions that ``mask`` says failed for ``pathway``."""
        return decode_failed(mask, self.failed_ids[pathway])


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _mask_type(bits: int) -> str:
    for size, name in ((8, "UTINYINT"), (16, "USMALLINT"), (32, "UINTEGER"), (64, "UBIGINT")):
        if bits <= size:
            return name
    if bits <= 128:
        return "UHUGEINT"
    raise ProfileError(
        N_("a pathway with %(count)s conditions is beyond the population engine's 127"),
        field="pathway",
        count=str(bits - 1),
    )


def population_query(
    catalog: Catalog,
    source: str,
    pathways: Sequence[str] | None = None,
    carry: Sequence[str] = ("person_id",),
) -> PopulationQuery:
    """The encoded SELECT (DuckDB) that evaluates ``pathways`` (all by default) over ``source``.

    ``source`` must have ``_row`` (a unique row key), ``person_id``, ``as_of`` and the
    canonical fact columns; the columns ``carry`` name are copied to every result row.
    Each person is evaluated against the rules of their own host country (or of every
    country when it is unknown); for the other countries' pathways the answer is
    ``ineligible`` because of ``host_country`` alone, as in the per-person engine.
    Conditions that compile to the same SQL are computed once per country, and quantifiers
    over lists are aggregated once per distinct predicate and country, over that country's
    people only.
    """
    return _build(catalog, source, DUCKDB, pathways, carry, encoded=True)


def population_sql(
    catalog: Catalog,
    source: str,
    dialect: Dialect = DUCKDB,
    pathways: Sequence[str] | None = None,
) -> str:
    """The SELECT with decoded answers: ``person_id, pathway, status, failed`` (a list of
    condition ids), in any dialect (Spark runs this one); see ``population_query``."""
    return _build(catalog, source, dialect, pathways, ("person_id",), encoded=False).sql


def _build(
    catalog: Catalog,
    source: str,
    dialect: Dialect,
    pathways: Sequence[str] | None,
    carry: Sequence[str],
    *,
    encoded: bool,
) -> PopulationQuery:
    chosen = [catalog.get(p) for p in pathways] if pathways else list(catalog.for_country(None))
    chosen.sort(key=lambda p: p.id)
    ids = tuple(p.id for p in chosen)
    q = dialect.ident
    keep = ", ".join(q(c) for c in carry)
    by_host: dict[str, list[int]] = {}
    for index, pathway in enumerate(chosen):
        by_host.setdefault(pathway.host_country, []).append(index)
    compiled = []
    hoists: dict[str, Hoist] = {}
    for index, pathway in enumerate(chosen):
        # One hoist per country: its aggregates run over that country's people only.
        hoist = hoists.setdefault(pathway.host_country, Hoist(dialect))
        compiled.append(compile_pathway(pathway, dialect, prefix=f"p{index}", hoist=hoist))
    # A person of another country fails for host_country alone, as in the per-person engine,
    # even on a pathway (a ministry's own pack) that names no condition so: it gets a bit.
    failed_ids = {
        c.pathway: c.failed_ids
        if "host_country" in c.failed_ids
        else (*c.failed_ids, "host_country")
        for c in compiled
    }
    mask_type = _mask_type(max((len(f) for f in failed_ids.values()), default=1))
    pathway_type = "ENUM(" + ", ".join(_quote(i) for i in ids) + ")"
    status_type = "ENUM(" + ", ".join(_quote(s) for s in STATUSES) + ")"

    def status_sql(text: str) -> str:
        if not encoded:
            return text
        # Only the answers the status CASE gives (THEN / ELSE), not a literal in a condition.
        return re.sub(
            r"(THEN|ELSE) '(eligible|undetermined|ineligible)'",
            lambda m: f"{m[1]} CAST('{m[2]}' AS {status_type})",
            text,
        )

    def pathway_sql(pid: str) -> str:
        return f"CAST({_quote(pid)} AS {pathway_type})" if encoded else _quote(pid)

    ctes: list[str] = []
    branches: list[str] = []
    for h, (host, indexes) in enumerate(by_host.items()):
        mine = f"({q('host_country')} = {_quote(host)} OR {q('host_country')} IS NULL)"
        hoist = hoists[host]
        aggregates, joined = hoist.ctes(source, mine, name=f"l{h}_")
        ctes.extend(aggregates)
        columns: dict[str, str] = {}  # condition SQL -> the column computing it
        for index in indexes:
            comp = compiled[index]
            status, answer = comp.status, comp.mask if encoded else comp.failed
            for name, sql in comp.conditions.items():
                shared = columns.setdefault(sql, name)
                if shared != name:
                    status = status.replace(q(name), q(shared))
                    answer = answer.replace(q(name), q(shared))
            if encoded:
                answer = f"CAST({answer} AS {mask_type})"
            branches.append(
                f"SELECT {keep}, {pathway_sql(comp.pathway)} AS {q('pathway')}, "
                f"{status_sql(status)} AS {q('status')}, {answer} AS "
                f"{q('mask' if encoded else 'failed')} FROM conds_{h}"
            )
        inner = ", ".join(f"{sql} AS {q(name)}" for sql, name in columns.items())
        ctes.append(
            f"conds_{h} AS (SELECT {keep}, {q('as_of')}, {inner} FROM {joined} WHERE {mine})"
        )
    # Everyone else: the pathways of the other countries, ineligible for host_country alone.
    host_bit = {pid: 1 << ids.index("host_country") for pid, ids in failed_ids.items()}
    if encoded:
        countries = ", ".join(_quote(c) for c in sorted(set(COUNTRIES) | set(by_host)))
        rows = ", ".join(
            f"({_quote(p.id)}, {_quote(p.host_country)}, {host_bit[p.id]})" for p in chosen
        )
        # Typed once here (a few thousand rows), not once per result row after the join.
        ctes.append(
            f"others AS (SELECT h.host, CAST(p.pathway AS {pathway_type}) AS pathway, "
            f"CAST(p.mask AS {mask_type}) AS mask FROM (SELECT unnest([{countries}]) AS host) h, "
            f"(VALUES {rows}) p(pathway, home, mask) WHERE h.host <> p.home)"
        )
        branches.append(
            f"SELECT {', '.join('s.' + q(c) for c in carry)}, o.pathway, "
            f"CAST('ineligible' AS {status_type}), o.mask FROM {source} s JOIN others o "
            f"ON s.{q('host_country')} = o.host"
        )
    else:
        explode = "unnest" if dialect.name == "duckdb" else "explode"
        others = " ".join(
            f"WHEN {_quote(host)} THEN "
            + dialect.array([_quote(p.id) for p in chosen if p.host_country != host])
            for host in by_host
        )
        all_ids = dialect.array([_quote(p.id) for p in chosen])
        only_host = dialect.array(["'host_country'"])
        branches.append(
            f"SELECT {keep}, {explode}(CASE {q('host_country')} {others} ELSE {all_ids} "
            f"END), 'ineligible', {only_host} FROM {source} WHERE {q('host_country')} "
            "IS NOT NULL"
        )
    homes = {p.id: p.host_country for p in chosen}
    return PopulationQuery(
        tuple(ctes), tuple(branches[:-1]), branches[-1], ids, failed_ids, mask_type, homes
    )


# --- reading and checking a population file with DuckDB ----------------------------------


def _reader(path: Path) -> str:
    literal = "'" + str(path).replace("'", "''") + "'"
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return f"read_parquet({literal})"
    if suffix == ".csv":
        return f"read_csv({literal}, header = true, all_varchar = true)"
    raise ProfileError(
        N_("'%(name)s' is neither .csv nor .parquet"), field="population", name=path.name
    )


def _cast(column: str, sql_type: str, source_type: str) -> str:
    quoted = f'"{column}"'
    if sql_type.endswith("[]"):
        if source_type.upper().startswith(("VARCHAR", "JSON")):
            return f"try(from_json({quoted}, '{_json_shape(sql_type)}'))"
        return f"CAST({quoted} AS {sql_type})"
    if sql_type == "VARCHAR":
        return f"NULLIF(trim(CAST({quoted} AS VARCHAR)), '')"
    if source_type.upper() == sql_type:
        return quoted  # a typed column (Parquet DATE, BOOLEAN) needs no round trip via text
    return f"TRY_CAST(NULLIF(trim(CAST({quoted} AS VARCHAR)), '') AS {sql_type})"


def _json_shape(sql_type: str) -> str:
    # STRUCT("a" VARCHAR, "b" DATE)[] -> [{"a": "VARCHAR", "b": "DATE"}] for from_json.
    inner = sql_type[len("STRUCT(") : -len(")[]")]
    parts = [p.strip().split(" ", 1) for p in inner.split(",")]
    fields = ", ".join(f'"{name.strip(chr(34))}": "{kind}"' for name, kind in parts)
    return "[{" + fields + "}]"


@dataclass(frozen=True, slots=True)
class PopulationSummary:
    """What a simulation found: counts per pathway and status, and what blocks most."""

    people: int
    evaluations: int
    counts: list[tuple[str, str, int]]
    blockers: list[tuple[str, str, int]]
    seconds: float


def load_population(
    con: duckdb.DuckDBPyConnection, path: Path, default_as_of: dt.date | None
) -> int:
    """Read and check a population file into the temp table ``people`` (canonical columns,
    ``_row`` key); returns the number of people. Bad cells raise ``ProfileError``."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM {_reader(path)}")
    described = {row[0]: str(row[1]) for row in con.execute("DESCRIBE raw").fetchall()}
    columns = canonical_columns()
    unknown = [c for c in described if c not in columns and c not in ("person_id", "as_of")]
    if unknown:
        raise ProfileError(
            N_(
                "unknown column '%(column)s'; expected person_id, as_of and fact columns such "
                "as %(columns)s (see docs/rule-packs.md)"
            ),
            field=unknown[0],
            column=unknown[0],
            columns=", ".join(list(columns)[:6]),
        )
    if "person_id" not in described:
        raise ProfileError(N_("the population file needs a person_id column"), field="person_id")
    if "as_of" not in described and default_as_of is None:
        raise ProfileError(N_("the file has no as_of column; give --as-of DATE"), field="as_of")
    selects = ['CAST("person_id" AS VARCHAR) AS "person_id"']
    if "as_of" in described:
        selects.append(_cast("as_of", "DATE", described["as_of"]) + ' AS "as_of"')
    else:
        selects.append(f"DATE '{default_as_of}' AS \"as_of\"")
    for column, sql_type in columns.items():
        if column in described:
            selects.append(f'{_cast(column, sql_type, described[column])} AS "{column}"')
        else:
            selects.append(f'CAST(NULL AS {sql_type}) AS "{column}"')
    # Stored by host country (rows numbered in file order first): the engine reads each
    # country's people with its own filter, which the row groups' min/max then answer
    # without scanning the other countries.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE people AS SELECT * FROM (SELECT row_number() OVER () "
        "AS _row, " + ", ".join(selects) + ' FROM raw) ORDER BY "host_country" NULLS LAST'
    )
    _check(con, described, columns)
    count = con.execute("SELECT count(*) FROM people").fetchone()
    return int(count[0]) if count else 0


@dataclass(frozen=True, slots=True)
class _Check:
    """One rule a column must follow: ``bad`` (SQL over ``people p`` and ``raw_numbered
    r``) selects the rows that break it. A value rule also has ``probe``, the SQL of the
    column's distinct values, and ``valid``: the distinct values (a few hundred, against
    millions of rows) are checked in Python and the rows searched only when one is bad."""

    column: str
    bad: str
    form: str
    probe: str | None = None
    valid: Callable[[Any], bool] | None = None


# The expected form of a bad cell, said in the reader's language by the refusal naming it.
_A_DATE = Text(N_("a date YYYY-MM-DD"))
_TRUE_OR_FALSE = Text(N_("true or false"))
_A_COUNTRY = Text(N_("an ISO 3166-1 alpha-3 code such as VEN"))

_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _partial_date_ok(text: str) -> bool:
    if not _PARTIAL_DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat({4: f"{text}-01-01", 7: f"{text}-01"}.get(len(text), text))
    except ValueError:
        return False
    return True


def _check(
    con: duckdb.DuckDBPyConnection, described: Mapping[str, str], columns: Mapping[str, str]
) -> None:
    """Name the first bad cell: a value that did not parse, or a code that is not allowed."""
    checks: list[_Check] = []
    for column in ["as_of", *columns]:
        if column not in described:
            continue
        sql_type = "DATE" if column == "as_of" else columns[column]
        source_type = described[column].upper()
        is_text = source_type.startswith(("VARCHAR", "JSON"))
        # A column already stored with its type cannot fail to parse (a typed list that
        # does not fit fails loudly while loading): only text is checked cell by cell.
        if source_type == sql_type or (sql_type.endswith("[]") and not is_text):
            continue
        raw = f"NULLIF(trim(CAST(r.\"r__{column}\" AS VARCHAR)), '')"
        if sql_type in ("DATE", "BOOLEAN") or sql_type.endswith("[]"):
            form = {"DATE": _A_DATE, "BOOLEAN": _TRUE_OR_FALSE}.get(
                sql_type, Text(N_("a JSON list of records"))
            )
            checks.append(_Check(column, f'{raw} IS NOT NULL AND p."{column}" IS NULL', form))
    for path, info in fact_catalog().items():
        column = column_of(path)
        if column not in described:
            continue
        probe = f'SELECT DISTINCT "{column}" FROM people WHERE "{column}" IS NOT NULL'
        if info.kind == "country":
            codes = ", ".join(f"'{c}'" for c in COUNTRIES)
            checks.append(
                _Check(
                    column,
                    f'p."{column}" NOT IN ({codes})',
                    _A_COUNTRY,
                    probe,
                    COUNTRIES.__contains__,
                )
            )
        elif info.kind == "partial_date":
            first = DUCKDB.first_day(f'p."{column}"').replace("CAST(", "TRY_CAST(", 1)
            checks.append(
                _Check(
                    column,
                    f'p."{column}" IS NOT NULL AND (NOT regexp_full_match(p."{column}", '
                    f"'\\d{{4}}(-\\d{{2}}(-\\d{{2}})?)?') OR {first} IS NULL)",
                    Text(
                        N_(
                            "a date YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year "
                            "is known"
                        )
                    ),
                    probe,
                    _partial_date_ok,
                )
            )
        elif info.kind == "enum":
            opts = ", ".join(f"'{o}'" for o in info.options)
            checks.append(
                _Check(
                    column,
                    f'p."{column}" NOT IN ({opts})',
                    Text(N_("one of %(options)s"), options=", ".join(info.options)),
                    probe,
                    frozenset(info.options).__contains__,
                )
            )
    checks.extend(_item_checks(described))
    checks = [c for c in checks if c.probe is None or not _all_valid(con, c)]
    if not checks:
        return
    # One pass finds the first bad row of every remaining check (a scan per check read the
    # file again each time); the raw file is joined only for the columns a check compares.
    used = [c for c in described if any(f'r."r__{c}"' in check.bad for check in checks)]
    raw_cols = "".join(f', "{c}" AS "r__{c}"' for c in used)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW raw_numbered AS SELECT row_number() OVER () AS _row"
        f"{raw_cols} FROM raw"
    )
    firsts = ", ".join(f"min(CASE WHEN {c.bad} THEN p._row END)" for c in checks)
    join = " JOIN raw_numbered r USING (_row)" if used else ""
    found = con.execute(f"SELECT {firsts} FROM people p{join}").fetchone() or ()
    for check, first in zip(checks, found, strict=True):
        if first is None:
            continue
        source = check.column.split("[]", 1)[0]
        value = con.execute(
            f'SELECT CAST("{source}" AS VARCHAR) FROM (SELECT row_number() OVER () AS _row, '
            f'"{source}" FROM raw) WHERE _row = {int(first)}'
        ).fetchone()
        raise ProfileError(
            N_("row %(row)s: %(value)s is not valid; expected %(form)s"),
            field=check.column,
            row=str(first),
            value=repr(value[0] if value else None),
            form=check.form,
        )


def _all_valid(con: duckdb.DuckDBPyConnection, check: _Check) -> bool:
    assert check.probe is not None and check.valid is not None  # value rules have both
    return all(check.valid(value) for (value,) in con.execute(check.probe).fetchall())


def _item_checks(described: Mapping[str, str]) -> list[_Check]:
    """Checks inside list facts: a field given but not parsed (a JSON date such as
    "2021-13-01" would otherwise become "unknown" silently), or a code not allowed."""
    checks: list[_Check] = []
    for path, info in fact_catalog().items():
        column = column_of(path)
        if info.kind != "list" or column not in described:
            continue
        is_json = described[column].upper().startswith(("VARCHAR", "JSON"))
        for name, item in info.items.items():
            where = f"{column}[].{name}"
            given = f'list_filter(p."{column}", lambda x: x."{name}" IS NOT NULL)'
            if is_json and item.kind in ("date", "bool"):
                raw = f"try(json_extract_string(r.\"r__{column}\", '$[*].{name}'))"
                sent = f"list_filter({raw}, lambda v: v IS NOT NULL)"
                form = _A_DATE if item.kind == "date" else _TRUE_OR_FALSE
                checks.append(
                    _Check(where, f"coalesce(len({sent}), 0) <> coalesce(len({given}), 0)", form)
                )
            allowed = list(COUNTRIES) if item.kind == "country" else list(item.options)
            if (path, name) == ("permits", "type"):
                # As in the Profile model: a permit is a vocabulary code or a pathway id.
                allowed += list(default_catalog().pathways)
            if item.kind in ("country", "enum"):
                codes = ", ".join(f"'{c}'" for c in allowed)
                bad = f'list_filter(p."{column}", lambda x: x."{name}" NOT IN ({codes}))'
                form = (
                    _A_COUNTRY
                    if item.kind == "country"
                    else Text(N_("one of %(options)s"), options=", ".join(allowed))
                )
                probe = (
                    f'SELECT DISTINCT x."{name}" FROM (SELECT unnest("{column}") AS x FROM '
                    f'people) WHERE x."{name}" IS NOT NULL'
                )
                checks.append(
                    _Check(
                        where,
                        f"coalesce(len({bad}), 0) > 0",
                        form,
                        probe,
                        frozenset(allowed).__contains__,
                    )
                )
    return checks


def _write_atomic(con: duckdb.DuckDBPyConnection, query: str, out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise PathwaysError(
            N_("cannot write %(path)s (%(reason)s); choose a file in a writable folder"),
            field="--out",
            path=str(out),
            reason=os_reason(exc),
        ) from None
    os.close(fd)
    try:
        literal = tmp.replace("'", "''")
        # Person ids are nearly all distinct within a row group: a small dictionary limit
        # makes the writer give them up at once (a third less CPU, a smaller file), while
        # pathway, status and condition ids (tens of values) stay dictionary-encoded.
        con.execute(
            f"COPY ({query}) TO '{literal}' "
            "(FORMAT parquet, COMPRESSION zstd, DICTIONARY_SIZE_LIMIT 1000)"
        )
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def simulate(
    population: Path,
    out: Path,
    catalog: Catalog | None = None,
    pathways: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    threads: int | None = None,
    progress: Callable[[float], Any] | None = None,
    summary_out: Path | None = None,
    lang: str = "en",
) -> PopulationSummary:
    """Evaluate every pathway for every person of ``population``; write ``out`` (Parquet).

    The engine answers in its encoded form (``population_query``); the failed condition
    ids are decoded once per distinct (pathway, bitmask) pair, a few hundred, and joined to
    the rows as they are written. With ``summary_out``, the counts by pathway, status,
    country, citizenship and blocking condition are also written there (CSV, Parquet and
    SVG charts in ``lang``; see ``write_summary``).

    Raises:
        ProfileError: a column or a cell is invalid (the message names the row and column);
            nothing is written then.
    """
    import time

    cat = catalog or default_catalog()
    start = time.perf_counter()
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        people = load_population(con, population, as_of)
        if progress is not None:
            progress(0.2)
        carry = ("person_id", "_row") if summary_out is not None else ("person_id",)
        query = population_query(cat, "people", pathways, carry)
        # Each country's people on its own pathways (about a ninth of the rows) are kept
        # encoded; the rest are the other countries' pathways, ineligible for host_country
        # alone, and are written straight from the people table with that constant answer.
        con.execute(f"CREATE TEMP TABLE own AS {query.with_(*query.own)}")
        if progress is not None:
            progress(0.6)
        by_mask = [
            (str(p), str(s), int(m), int(n))
            for p, s, m, n in con.execute(
                "SELECT pathway, status, mask, count(*) FROM own GROUP BY ALL"
            ).fetchall()
        ]
        by_mask.extend(_others_counts(con, query))
        _decoding_table(con, query, {(p, m) for p, _, m, _ in by_mask})
        con.execute("SET preserve_insertion_order = false")  # no order is promised
        others = (
            f"SELECT s.\"person_id\", o.pathway, CAST('ineligible' AS {query.status_type}), "
            f"CAST(['host_country'] AS {query.condition_type}[]) FROM people s JOIN others o "
            'ON s."host_country" = o.host'
        )
        _write_atomic(
            con,
            query.with_(
                "SELECT r.person_id, r.pathway, r.status, c.failed FROM own r "
                "JOIN failed_codes c USING (pathway, mask)",
                others,
            ),
            out,
        )
        if progress is not None:
            progress(0.9)
        if summary_out is not None:
            from ruta.pathways._summary import write_summary

            write_summary(con, query, summary_out, lang)
    finally:
        con.close()
    counts: dict[tuple[str, str], int] = {}
    blocking: dict[tuple[str, str], int] = {}
    for pathway, status, mask, n in by_mask:
        counts[pathway, status] = counts.get((pathway, status), 0) + n
        for condition in query.failed_of(pathway, mask):
            if condition != "host_country":
                blocking[pathway, condition] = blocking.get((pathway, condition), 0) + n
    blockers = sorted(((p, c, n) for (p, c), n in blocking.items()), key=lambda b: (-b[2], b))
    if progress is not None:
        progress(1.0)
    return PopulationSummary(
        people,
        sum(counts.values()),
        [(p, s, n) for (p, s), n in sorted(counts.items())],
        blockers[:10],
        time.perf_counter() - start,
    )


def _others_counts(
    con: duckdb.DuckDBPyConnection, query: PopulationQuery
) -> list[tuple[str, str, int, int]]:
    """(pathway, status, mask, people) of the rows for other countries' pathways, counted
    from the people per host country instead of from the rows themselves."""
    hosts = con.execute(
        'SELECT "host_country", count(*) FROM people WHERE "host_country" IS NOT NULL GROUP BY ALL'
    ).fetchall()
    rows = []
    for pathway in query.pathways:
        n = sum(int(count) for host, count in hosts if host != query.homes[pathway])
        if n:
            bit = 1 << query.failed_ids[pathway].index("host_country")
            rows.append((pathway, "ineligible", bit, n))
    return rows


def _decoding_table(
    con: duckdb.DuckDBPyConnection, query: PopulationQuery, pairs: set[tuple[str, int]]
) -> None:
    """``failed_codes``: the failed condition ids of each (pathway, mask) the results hold."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE failed_codes (pathway {query.pathway_type}, "
        f"mask {query.mask_type}, failed {query.condition_type}[])"
    )
    rows = [(p, m, query.failed_of(p, m)) for p, m in sorted(pairs)]
    if rows:
        con.executemany("INSERT INTO failed_codes VALUES (?, ?, ?)", rows)
