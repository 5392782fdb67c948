"""Reading the case store into DuckDB through the connection the caller gives.

DuckDB's sqlite and postgres extensions are downloaded at first use, which a machine
without internet (this one, and many ministries' servers) cannot do; so the rows come
through the caller's SQLAlchemy connection (its DB-API cursor, in batches) into Arrow
columns, and every computation then runs in DuckDB. Only the columns the statistics
need are read: never names, document numbers or contact details.

The one dialect-specific expression is the fees due stored in the engine's result at
intake (JSON): SQLite and PostgreSQL spell JSON paths differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ruta.i18n import N_
from ruta.stats._errors import SourceError

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa
    from sqlalchemy.engine import Connection

# pyarrow is imported by the functions that use it (DuckDB by the callers that open a
# connection): it takes a noticeable part of a second to load, and the web service
# imports this package at start-up.

__all__ = ["STORE_TABLES", "load_case_store"]

_BATCH = 50_000

#: JSON of the fees due (the pathway result stored at intake), per dialect.
_FEES = {
    "sqlite": "json_extract(a.eligibility, '$.results[0].fees')",
    "postgresql": "CAST(a.eligibility -> 'results' -> 0 -> 'fees' AS TEXT)",
}
#: The new status of a permit status change (audit event data), per dialect.
_PERMIT_TO = {
    "sqlite": "json_extract(data, '$.to')",
    "postgresql": "data ->> 'to'",
}

#: DuckDB table -> (SELECT on the case store, columns with their kinds).
#: Kinds: s string, t UTC timestamp, d date, i integer.
STORE_TABLES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "st_cases": (
        "SELECT a.id, a.pathway_id, a.host_country, a.office, a.status, a.created_at, "
        "a.submitted_at, p.sex, p.nationality, p.date_of_birth, p.date_of_birth_precision, "
        "{fees} "
        "FROM applications a JOIN applicants p ON p.id = a.applicant_id",
        (
            ("application_id", "s"),
            ("pathway_id", "s"),
            ("ref_area", "s"),
            ("office", "s"),
            ("status", "s"),
            ("created_at", "t"),
            ("submitted_at", "t"),
            ("sex", "s"),
            ("citizenship", "s"),
            # The first day the birth may be, and how much of it is known (day, month or
            # year): a birth known only to the year is an interval of days.
            ("birth_date", "d"),
            ("birth_precision", "s"),
            ("fees", "s"),
        ),
    ),
    "st_steps": (
        "SELECT application_id, from_status, to_status, actor_id, at, ended_at, closed_at, "
        "decision_id FROM transitions",
        (
            ("application_id", "s"),
            ("from_status", "s"),
            ("to_status", "s"),
            ("actor_id", "i"),
            ("step_at", "t"),
            # Kept by the action layer as the case moves (migration 0010): when the next
            # step came, and when the decision that closed the step's episode was taken.
            ("ended_at", "t"),
            ("closed_at", "t"),
            # The final decision a decision step records (migration 0011).
            ("decision_id", "i"),
        ),
    ),
    # Final decisions, to mark the workflow's decision steps that overrode the engine: a
    # decision step names its decision (``st_steps.decision_id``), so its id is the key,
    # and the case and the outcome are the step's.
    "st_decisions": (
        "SELECT id, CASE WHEN override THEN 1 ELSE 0 END FROM decisions WHERE status = 'final'",
        (("decision_id", "i"), ("override", "i")),
    ),
    "st_appointments": (
        "SELECT ap.application_id, s.office_code, s.starts_at, ap.status "
        "FROM appointments ap JOIN slots s ON s.id = ap.slot_id",
        (("application_id", "s"), ("office", "s"), ("starts_at", "t"), ("status", "s")),
    ),
    "st_permits": (
        "SELECT permit_id, application_id, country, status, valid_from, valid_until, "
        "issued_at FROM permits",
        (
            ("permit_id", "s"),
            ("application_id", "s"),
            ("ref_area", "s"),
            ("status", "s"),
            ("valid_from", "d"),
            ("valid_until", "d"),
            ("issued_at", "t"),
        ),
    ),
    "st_permit_events": (
        "SELECT entity_id, at, {permit_to} FROM audit_events WHERE action = 'permit.status'",
        (("permit_id", "s"), ("changed_at", "t"), ("to_status", "s")),
    ),
    "st_offices": (
        "SELECT code, country, name FROM offices",
        (("code", "s"), ("ref_area", "s"), ("name", "s")),
    ),
    "st_officers": (
        "SELECT id, role, country, office FROM users WHERE role IN ('caseworker', 'supervisor')",
        (("user_id", "i"), ("role", "s"), ("ref_area", "s"), ("office", "s")),
    ),
}


def _column(values: Sequence[Any], kind: str) -> pa.Array:
    """One Arrow column from DB-API values (SQLite gives text, psycopg gives objects)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "s":
        return pa.array([None if v is None else str(v) for v in values], pa.string())
    if kind == "i":
        return pa.array(values, pa.int64())
    sample = next((v for v in values if v is not None), None)
    if kind == "d":
        if isinstance(sample, str):
            return pc.cast(pa.array(values, pa.string()), pa.date32())
        return pa.array(values, pa.date32())
    if isinstance(sample, str):
        # SQLite keeps UTC timestamps as naive text (ruta.store._types.UTCDateTime).
        text = pa.array(values, pa.string())
        return pc.cast(text, pa.timestamp("us"))
    aware = pa.array(values, pa.timestamp("us", tz="UTC"))
    # Dropping the zone keeps the UTC wall time: every timestamp below is UTC.
    return aware.cast(pa.timestamp("us"))


def _fetch(connection: Connection, sql: str, columns: tuple[tuple[str, str], ...]) -> pa.Table:
    import pyarrow as pa

    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        chunks: list[pa.RecordBatch] = []
        while rows := cursor.fetchmany(_BATCH):
            by_column = list(zip(*rows, strict=True))
            arrays = [_column(by_column[i], kind) for i, (_, kind) in enumerate(columns)]
            chunks.append(pa.RecordBatch.from_arrays(arrays, names=[n for n, _ in columns]))
    finally:
        cursor.close()
    schema = pa.schema(
        [
            (
                name,
                {"s": pa.string(), "i": pa.int64(), "d": pa.date32()}.get(kind, pa.timestamp("us")),
            )
            for name, kind in columns
        ]
    )
    return pa.Table.from_batches(chunks, schema=schema)


def load_case_store(connection: Connection, duck: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Copy the columns the statistics need from the case store into DuckDB tables.

    Args:
        connection: An open SQLAlchemy connection to the case store (SQLite or PostgreSQL).
        duck: The DuckDB connection to create the ``st_*`` tables in.

    Returns:
        Rows read per table.

    Raises:
        SourceError: The database is neither SQLite nor PostgreSQL, or it is not a migrated
            case store (run ``ruta db upgrade``).
    """
    dialect = connection.dialect.name
    if dialect not in _FEES:
        raise SourceError(
            N_("the case store is %(dialect)s; statistics read SQLite or PostgreSQL"),
            field="database_url",
            dialect=str(dialect),
        )
    counts: dict[str, int] = {}
    for name, (sql, columns) in STORE_TABLES.items():
        query = sql.format(fees=_FEES[dialect], permit_to=_PERMIT_TO[dialect])
        try:
            table = _fetch(connection, query, columns)
        except Exception as exc:  # the DB-API's own error class differs per driver
            if not _is_missing_table(exc):
                raise
            raise SourceError(
                N_(
                    "the database has no case store tables (%(error)s); run "
                    "`ruta db upgrade` or point RUTA_DATABASE_URL at the case store"
                ),
                field="database_url",
                error=type(exc).__name__,
            ) from None
        duck.register(f"_arrow_{name}", table)
        duck.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _arrow_{name}")
        duck.unregister(f"_arrow_{name}")
        counts[name] = table.num_rows
    return counts


def _is_missing_table(exc: Exception) -> bool:
    text = str(exc).lower()
    return "no such table" in text or "does not exist" in text or "undefinedtable" in text
