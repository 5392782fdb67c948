"""The populations as DuckDB unit tables (one row per unit, attributes as SDMX codes).

Every unit table has ``ref_area`` and one column per attribute of its population
(:data:`ruta.stats._design.POPULATIONS`); ``fees`` also has ``value``. Flows are events
in ``[start, as_of)``; stocks are the state at ``as_of`` (the end of the period, or the
moment of extraction while the period is still running). The workflow history
(``st_steps``), not the current status, says where each case stood at ``as_of``.

The populations that are counted are views: ``compute_release`` reads each once (one
``GROUPING SETS`` scan), so writing millions of unit rows into a table first only costs.
So are the stage spells, which the processing-time statistics read once (three times
only in a store where two stored values share a code). ``fees`` and ``eligible`` are
read more than once and stay tables.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from ruta.stats._params import Band, age_bands, expiring_days, sla_rule, waiting_bands
from ruta.stats._period import Period

if TYPE_CHECKING:
    import duckdb  # the callers' connections; imported by them when they compute

__all__ = [
    "OPEN_STATES",
    "STAGES",
    "UNIT_CODES",
    "birth_last",
    "build_units",
    "code_sql",
    "open_at",
    "pathway_code",
]

#: Workflow states in which a case waits for the administration (the backlog).
OPEN_STATES = ("submitted", "in_review", "information_requested", "decision_proposed", "appealed")
#: Stages of processing time: the time spent in each open state before a decision.
STAGES = ("SUBMITTED", "IN_REVIEW", "INFORMATION_REQUESTED", "DECISION_PROPOSED", "APPEALED")


def pathway_code(pathway_id: str) -> str:
    """The SDMX code of a pathway id (SDMX identifiers allow no dot).

    Examples:
        >>> pathway_code("col.mercosur-temporary")
        'COL_MERCOSUR-TEMPORARY'
    """
    return pathway_id.upper().replace(".", "_")


def _bands(expr: str, bands: Iterable[Band]) -> str:
    whens = " ".join(
        f"WHEN {expr} <= {b.high} THEN '{b.code}'" for b in bands if b.high is not None
    )
    last = next(b.code for b in bands if b.high is None)
    return f"CASE WHEN {expr} IS NULL THEN '_U' {whens} ELSE '{last}' END"


def _years(birth: str, at: str) -> str:
    # Completed years: the year difference, less one before the birthday.
    return (
        f"(year({at}) - year({birth}) - CASE WHEN month({at}) * 100 + day({at}) < "
        f"month({birth}) * 100 + day({birth}) THEN 1 ELSE 0 END)"
    )


def birth_last(first: str, precision: str) -> str:
    """SQL: the last day a birth may be, from its first day and its precision (day, month
    or year): the same day when the day is known."""
    return (
        f"CASE {precision} WHEN 'year' THEN make_date(year({first}), 12, 31) "
        f"WHEN 'month' THEN last_day({first}) ELSE {first} END"
    )


def _age(birth: str, at: str, last: str) -> str:
    """SQL: the AGE band at ``at`` of a person born between ``birth`` and ``last``.

    A birth known only to the month or the year is the interval of days it may be; its
    band is decided only when the first and the last of those days fall in the same band,
    and is ``_U`` (unknown) otherwise: a band is never guessed. Bands are intervals of age,
    so the two ends agreeing means every day in between agrees too.
    """
    bands = list(age_bands())
    oldest = _bands(_years(birth, at), bands)
    youngest = _bands(_years(last, at), bands)
    return f"(CASE WHEN {oldest} = {youngest} THEN {oldest} ELSE '_U' END)"


def _office(expr: str) -> str:
    return f"coalesce(regexp_replace({expr}, '[^A-Za-z0-9_@$-]', '_', 'g'), '_U')"


def _month(expr: str) -> str:
    # An integer month key (202607): formatted once per code after grouping, not per row.
    return f"(year({expr}) * 100 + month({expr}))"


#: How a unit table's stored value becomes its SDMX code (SQL on ``{}``, the column).
#: Applied once per distinct value after grouping (``code_sql``): string work on every
#: row of a 10-million-case store is what made the unit tables slow.
UNIT_CODES: dict[str, str] = {
    "PATHWAY": "upper(replace({}, '.', '_'))",
    "OFFICE": _office("{}"),
    "SEX": "CASE {} WHEN 'F' THEN 'F' WHEN 'M' THEN 'M' ELSE 'X' END",
    "TIME": "printf('%04d-%02d', {0} // 100, {0} % 100)",
}


def code_sql(attribute: str, column: str) -> str:
    """SQL: the SDMX code of ``attribute`` from its stored value in ``column``.

    Examples:
        >>> code_sql("TIME", "t")
        "printf('%04d-%02d', t // 100, t % 100)"
        >>> code_sql("CITIZENSHIP", "c")
        'c'
    """
    template = UNIT_CODES.get(attribute)
    return column if template is None else template.format(column)


def _sla_breach(ref_area: str, start: str, end: str, countries: Iterable[str]) -> str:
    """SQL: 'BREACH' when the days from ``start`` to ``end`` exceed the country's SLA."""
    cases = []
    for country in [*sorted(set(countries)), "default"]:
        rule = sla_rule(country)
        if rule.counting == "working":
            # Weekdays in [start, end): an index that counts Mondays to Fridays only.
            span = f"(_wdi(CAST({end} AS DATE)) - _wdi(CAST({start} AS DATE)))"
        else:
            span = f"date_diff('day', CAST({start} AS DATE), CAST({end} AS DATE))"
        test = f"CASE WHEN {span} > {rule.days} THEN 'BREACH' ELSE 'WITHIN' END"
        cases.append(test if country == "default" else f"WHEN {ref_area} = '{country}' THEN {test}")
    default = cases.pop()
    return f"CASE {' '.join(cases)} ELSE {default} END" if cases else default


def open_at(step: str, at: str) -> str:
    """SQL: the ``st_steps`` row ``step`` is an open state its case stood in at ``at``.

    A case's state at ``at`` is the step it had reached and not yet left: one range per
    step (``ended_at`` is kept by the action layer), no ordering of histories.

    Examples:
        >>> open_at("s", "TIMESTAMP '2026-01-01'")  # doctest: +ELLIPSIS
        "s.to_status IN ('submitted', ...) AND s.step_at < TIMESTAMP '2026-01-01' AND ..."
    """
    states = ", ".join(f"'{s}'" for s in OPEN_STATES)
    return (
        f"{step}.to_status IN ({states}) AND {step}.step_at < {at} "
        f"AND ({step}.ended_at IS NULL OR {step}.ended_at >= {at})"
    )


def _common(duck: duckdb.DuckDBPyConnection) -> None:
    duck.execute(
        "CREATE OR REPLACE MACRO _wdi(d) AS "
        "(date_diff('day', DATE '1970-01-05', d) // 7) * 5 "
        "+ least(date_diff('day', DATE '1970-01-05', d) % 7, 5)"
    )
    duck.execute("CREATE OR REPLACE MACRO _pathway(p) AS upper(replace(p, '.', '_'))")


def build_units(
    duck: duckdb.DuckDBPyConnection,
    period: Period,
    as_of: datetime,
    eligible: str | None = None,
    only: Collection[str] | None = None,
) -> None:
    """Create the ``u_*`` unit tables from the ``st_*`` store tables for ``period``.

    Args:
        duck: DuckDB connection holding the ``st_*`` tables (see ``load_case_store``).
        period: The reference period.
        as_of: UTC moment (naive) of the stocks, at most the period's end.
        eligible: A DuckDB relation of a population simulation's results (``pathway``,
            ``status``) for take-up, or None.
        only: Build only these populations (and ``stages``); default all.
    """

    def wanted(name: str) -> bool:
        return only is None or name in only

    _common(duck)
    start = f"TIMESTAMP '{period.start.isoformat()}'"
    at = f"TIMESTAMP '{as_of.isoformat(sep=' ')}'"
    at_day = f"CAST({at} AS DATE)"
    countries = [
        str(r[0]) for r in duck.execute("SELECT DISTINCT ref_area FROM st_cases").fetchall()
    ]
    # Stored values, not codes: PATHWAY, OFFICE, SEX and TIME become codes once per
    # distinct value after grouping (UNIT_CODES); a case's columns are read where used
    # instead of being copied into a table of every case first.
    last = birth_last("c.birth_date", "c.birth_precision")
    person = (
        "c.pathway_id AS PATHWAY, c.citizenship AS CITIZENSHIP, c.sex AS SEX, {age} AS AGE, "
        "c.office AS OFFICE"
    )
    decision = "('approved', 'denied')"
    applied = (
        f"SELECT c.ref_area, "
        f"{person.format(age=_age('c.birth_date', 'CAST(c.submitted_at AS DATE)', last))}, "
        f"{_month('c.submitted_at')} AS TIME FROM st_cases c WHERE c.submitted_at < {at}"
    )
    if wanted("applications"):
        duck.execute(
            f"CREATE OR REPLACE VIEW u_applications AS {applied} AND c.submitted_at >= {start}"
        )
    if wanted("applications") or wanted("applications_to_date"):
        # Every month's applications up to the moment: a release counts its period's from
        # them, and the applications to date add them up (``_release._Counting.history``).
        duck.execute(f"CREATE OR REPLACE VIEW u_applications_history AS {applied}")
    if wanted("decisions"):
        # A decision step names the final decision it records (the action writes both in
        # one transaction): whether it overrode the engine is one join on that id.
        duck.execute(
            f"CREATE OR REPLACE VIEW u_decisions AS SELECT c.ref_area, "
            f"{person.format(age=_age('c.birth_date', 'CAST(s.step_at AS DATE)', last))}, "
            f"{_month('s.step_at')} AS TIME, CASE s.to_status WHEN 'approved' THEN "
            f"'APPROVED' ELSE 'DENIED' END AS OUTCOME, "
            f"{_sla_breach('c.ref_area', 'c.submitted_at', 's.step_at', countries)} AS SLA, "
            f"CASE WHEN d.override = 1 THEN 'YES' ELSE 'NO' END AS OVERRIDE "
            f"FROM st_steps s JOIN st_cases c USING (application_id) "
            f"LEFT JOIN st_decisions d ON d.decision_id = s.decision_id "
            f"WHERE s.to_status IN {decision} AND s.step_at >= {start} AND s.step_at < {at}"
        )
    waited = f"date_diff('day', CAST(c.submitted_at AS DATE), {at_day})"
    if wanted("backlog"):
        duck.execute(
            f"CREATE OR REPLACE VIEW u_backlog AS "
            f"SELECT c.ref_area, {person.format(age=_age('c.birth_date', at_day, last))}, "
            f"{_bands(waited, waiting_bands())} AS WAITING_TIME, "
            f"{_sla_breach('c.ref_area', 'c.submitted_at', at, countries)} AS SLA "
            f"FROM st_steps s JOIN st_cases c USING (application_id) "
            f"WHERE {open_at('s', at)} AND c.submitted_at < {at}"
        )
    if wanted("appointments"):
        duck.execute(
            f"CREATE OR REPLACE VIEW u_appointments AS SELECT o.ref_area, "
            f"a.office AS OFFICE, {_month('a.starts_at')} AS TIME, "
            f"CASE a.status WHEN 'no_show' THEN 'NO_SHOW' ELSE 'ATTENDED' END AS ATTENDANCE "
            f"FROM st_appointments a JOIN st_offices o ON o.code = a.office "
            f"WHERE a.status IN ('attended', 'no_show') AND a.starts_at >= {start} "
            f"AND a.starts_at < {at}"
        )
    days, _ = expiring_days()
    if wanted("permits"):
        duck.execute(
            f"CREATE OR REPLACE VIEW u_permits AS "
            f"WITH status AS (SELECT permit_id, arg_max(to_status, changed_at) AS status "
            f"FROM st_permit_events WHERE changed_at < {at} GROUP BY permit_id) "
            f"SELECT p.ref_area, c.pathway_id AS PATHWAY, c.citizenship AS CITIZENSHIP, "
            f"c.sex AS SEX, {_age('c.birth_date', at_day, last)} AS AGE, "
            f"CASE WHEN p.valid_until < {at_day} + INTERVAL {days} DAY THEN 'SOON' "
            f"ELSE 'LATER' END "
            f"AS EXPIRY FROM st_permits p JOIN st_cases c USING (application_id) "
            f"LEFT JOIN status USING (permit_id) WHERE p.issued_at < {at} "
            f"AND p.valid_from <= {at_day} AND p.valid_until >= {at_day} "
            f"AND coalesce(status.status, 'valid') = 'valid'"
        )
    if wanted("revocations"):
        duck.execute(
            f"CREATE OR REPLACE VIEW u_revocations AS SELECT p.ref_area, "
            f"c.pathway_id AS PATHWAY, {_month('e.changed_at')} AS TIME "
            f"FROM st_permit_events e JOIN st_permits p USING (permit_id) "
            f"JOIN st_cases c USING (application_id) "
            f"WHERE e.to_status = 'revoked' AND e.changed_at >= {start} AND e.changed_at < {at}"
        )
    if wanted("applications_to_date"):
        duck.execute(
            f"CREATE OR REPLACE VIEW u_applications_to_date AS SELECT ref_area, "
            f"pathway_id AS PATHWAY FROM st_cases WHERE submitted_at < {at}"
        )
    source = eligible or "(SELECT NULL::VARCHAR AS pathway, NULL::VARCHAR AS status LIMIT 0)"
    if wanted("eligible"):
        duck.execute(
            f"CREATE OR REPLACE TABLE u_eligible AS SELECT upper(split_part(pathway, '.', 1)) "
            f"AS ref_area, pathway AS PATHWAY FROM {source} WHERE status = 'eligible'"
        )
    if wanted("fees"):
        # An empty list of fees has nothing to unnest: only the rest is parsed as JSON.
        duck.execute(
            f"CREATE OR REPLACE TABLE u_fees AS "
            f"WITH due AS (SELECT c.application_id, c.ref_area, c.pathway_id AS PATHWAY, "
            f"c.office AS OFFICE, {_month('c.submitted_at')} AS TIME, "
            f"unnest(CAST(c.fees AS JSON[])) AS fee FROM st_cases c "
            f"WHERE c.submitted_at >= {start} AND c.submitted_at < {at} "
            f"AND c.fees IS NOT NULL AND c.fees <> '[]') "
            f"SELECT application_id, ref_area, PATHWAY, OFFICE, TIME, "
            f"sum(CAST(fee ->> 'amount' AS DECIMAL(18, 2))) AS value, "
            f"min(fee ->> 'currency') AS currency FROM due "
            f"WHERE coalesce(CAST(fee ->> 'exempt' AS BOOLEAN), false) = false "
            f"GROUP BY ALL HAVING sum(CAST(fee ->> 'amount' AS DECIMAL(18, 2))) > 0"
        )
    if wanted("stages"):
        _stages(duck, start, at)


def _stages(duck: duckdb.DuckDBPyConnection, start: str, at: str) -> None:
    """Days spent in each open state by the cases decided in the period (and in total).

    A spell belongs to the decision that closes its episode; the action layer keeps both
    on each step (``ended_at``, ``closed_at``), so a spell is read per row. The total
    (``_T``) runs from submission to a case's first decision, which closes the episode of
    its one ``submitted`` step (a case reaches ``submitted`` only from a draft).
    """
    stage_list = ", ".join(f"'{s.lower()}'" for s in STAGES)
    closed = f"closed_at >= {start} AND closed_at < {at}"
    duck.execute(
        f"CREATE OR REPLACE VIEW u_stages AS "
        f"WITH x AS (SELECT application_id, upper(to_status) AS STAGE, "
        f"sum(epoch(ended_at) - epoch(step_at)) / 86400.0 AS days, "
        f"NULL::TIMESTAMP AS decided_at FROM st_steps WHERE to_status IN ({stage_list}) "
        f"AND {closed} GROUP BY application_id, to_status "
        f"UNION ALL SELECT application_id, '_T', NULL, closed_at FROM st_steps "
        f"WHERE to_status = 'submitted' AND {closed}) "
        f"SELECT c.ref_area, c.pathway_id AS PATHWAY, c.office AS OFFICE, x.STAGE, "
        f"CASE WHEN x.STAGE = '_T' THEN (epoch(x.decided_at) - epoch(c.submitted_at)) "
        f"/ 86400.0 ELSE x.days END AS days "
        f"FROM x JOIN st_cases c USING (application_id)"
    )
