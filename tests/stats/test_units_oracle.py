"""The fast unit tables against a plain-Python reference on small random case stores.

``build_units`` keeps stored values and turns them into codes after grouping, and reads
each spell's end and decision from the step (``ended_at`` and ``closed_at``, kept by the
action layer) and a decision step's decision by its id; the reference below walks every
case's steps one by one and never reads those columns. Random stores have appeals
(several decisions per case), births known to the year or month, odd office codes,
missing sexes and a period that is still running.
"""

from __future__ import annotations

import calendar
import random
import re
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruta.stats import DEFAULT_STATISTICS, build_units, office_histories, parse_period
from ruta.stats._params import Band, age_bands, sla_rule, waiting_bands
from ruta.stats._release import _processing_times
from ruta.stats._units import OPEN_STATES, STAGES, code_sql

PERIOD = parse_period("2026-Q3")
START = datetime(2026, 7, 1)
#: The end of the period, or a moment while it runs.
AS_OFS = (datetime(2026, 10, 1), datetime(2026, 8, 15, 12))
PATHWAYS = {"COL": ["col.mercosur-temporary", "col.ppt"], "PER": ["per.cpp"], "BRA": ["bra.a.b"]}
OFFICES = ["COL-01", "col.02 b", "PER-01", None]
#: Where a case may go next from each state (decisions can be appealed).
NEXT = {
    "submitted": ["in_review", "withdrawn"],
    "in_review": ["information_requested", "decision_proposed", "approved", "denied"],
    "information_requested": ["in_review"],
    "decision_proposed": ["approved", "denied"],
    "denied": ["appealed"],
    "appealed": ["in_review", "approved", "denied"],
}
DECISIONS = ("approved", "denied")


def _store(seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    cases, steps = [], []
    for i in range(rng.randint(20, 60)):
        area = rng.choice(sorted(PATHWAYS))
        submitted = None
        if rng.random() < 0.9:
            submitted = datetime(2026, 4, 1) + timedelta(minutes=rng.randint(0, 200 * 24 * 60))
        precision = rng.choice(["day", "day", "month", "year"])
        birth = None if rng.random() < 0.05 else date(1950, 1, 1) + timedelta(rng.randint(0, 27000))
        if birth is not None and precision == "month":
            birth = birth.replace(day=1)
        if birth is not None and precision == "year":
            birth = birth.replace(month=1, day=1)
        case = {
            "application_id": f"case-{i}",
            "pathway_id": rng.choice(PATHWAYS[area]),
            "ref_area": area,
            "office": rng.choice(OFFICES),
            "submitted_at": submitted,
            "sex": rng.choice(["F", "M", "X", None]),
            "citizenship": rng.choice(["VEN", "HTI", "COL"]),
            "birth_date": birth,
            "birth_precision": precision,
        }
        cases.append(case)
        if submitted is None:
            continue
        status, at = "submitted", submitted
        steps.append({"application_id": case["application_id"], "to": status, "at": at})
        for _ in range(rng.randint(0, 8)):
            if status not in NEXT:
                break
            status = rng.choice(NEXT[status])
            # Strictly later: the order of a case's steps is never a tie.
            at = at + timedelta(minutes=rng.randint(1, 40 * 24 * 60))
            steps.append(
                {
                    "application_id": case["application_id"],
                    "to": status,
                    "at": at,
                    # The final decision written with a decision step: against the engine?
                    "override": rng.random() < 0.3,
                }
            )
    return cases, steps


def _kept(steps: list[dict[str, Any]], index: int) -> tuple[Any, ...]:
    """``ended_at``, ``closed_at`` and ``decision_id`` of a step, as the actions write them:
    the next step's time, the first approval or denial at or after the step, and on a
    decision step its final decision (numbered in order below; the actions and the
    migrations are checked in tests/cases/test_transition_spells.py)."""
    case = steps[index]["application_id"]
    later = [s for s in steps[index:] if s["application_id"] == case]
    ended = later[1]["at"] if len(later) > 1 else None
    closed = next((s["at"] for s in later if s["to"] in DECISIONS), None)
    decision = None
    if steps[index]["to"] in DECISIONS:
        decision = sum(1 for s in steps[:index] if s["to"] in DECISIONS)
    return ended, closed, decision


def _load(cases: list[dict[str, Any]], steps: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    duck = duckdb.connect()
    duck.execute(
        "CREATE TABLE st_cases (application_id VARCHAR, pathway_id VARCHAR, ref_area VARCHAR, "
        "office VARCHAR, status VARCHAR, created_at TIMESTAMP, submitted_at TIMESTAMP, "
        "sex VARCHAR, citizenship VARCHAR, birth_date DATE, birth_precision VARCHAR, "
        "fees VARCHAR)"
    )
    duck.executemany(
        "INSERT INTO st_cases VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, '[]')",
        [
            [
                c["application_id"],
                c["pathway_id"],
                c["ref_area"],
                c["office"],
                c["submitted_at"],
                c["submitted_at"],
                c["sex"],
                c["citizenship"],
                c["birth_date"],
                c["birth_precision"],
            ]
            for c in cases
        ],
    )
    duck.execute(
        "CREATE TABLE st_steps (application_id VARCHAR, from_status VARCHAR, "
        "to_status VARCHAR, actor_id BIGINT, step_at TIMESTAMP, ended_at TIMESTAMP, "
        "closed_at TIMESTAMP, decision_id BIGINT)"
    )
    if steps:
        duck.executemany(
            "INSERT INTO st_steps VALUES (?, NULL, ?, 1, ?, ?, ?, ?)",
            [
                [s["application_id"], s["to"], s["at"], *_kept(steps, i)]
                for i, s in enumerate(steps)
            ],
        )
    duck.execute(
        "CREATE TABLE st_appointments (application_id VARCHAR, office VARCHAR, "
        "starts_at TIMESTAMP, status VARCHAR)"
    )
    duck.execute(
        "CREATE TABLE st_permits (permit_id VARCHAR, application_id VARCHAR, "
        "ref_area VARCHAR, status VARCHAR, valid_from DATE, valid_until DATE, "
        "issued_at TIMESTAMP)"
    )
    duck.execute(
        "CREATE TABLE st_permit_events (permit_id VARCHAR, changed_at TIMESTAMP, to_status VARCHAR)"
    )
    duck.execute("CREATE TABLE st_offices (code VARCHAR, ref_area VARCHAR, name VARCHAR)")
    duck.execute("CREATE TABLE st_decisions (decision_id BIGINT, override BIGINT)")
    decided = [s for s in steps if s["to"] in DECISIONS]
    if decided:
        duck.executemany(
            "INSERT INTO st_decisions VALUES (?, ?)",
            [[i, int(s["override"])] for i, s in enumerate(decided)],
        )
    return duck


# --- the reference: one case, one step at a time ----------------------------------------


def _band(value: int | None, bands: tuple[Band, ...]) -> str:
    if value is None:
        return "_U"
    for band in bands:
        if band.high is None or value <= band.high:
            return band.code
    raise AssertionError(value)


def _years(birth: date, at: date) -> int:
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


def _age(case: dict[str, Any], at: date) -> str:
    first = case["birth_date"]
    if first is None:
        return "_U"
    last = {
        "year": date(first.year, 12, 31),
        "month": date(first.year, first.month, calendar.monthrange(first.year, first.month)[1]),
    }.get(case["birth_precision"], first)
    oldest, youngest = _band(_years(first, at), age_bands()), _band(_years(last, at), age_bands())
    return oldest if oldest == youngest else "_U"


def _sla(area: str, start: date, end: date) -> str:
    rule = sla_rule(area)
    if rule.counting == "working":
        span = sum(1 for k in range((end - start).days) if (start + timedelta(k)).weekday() < 5)
    else:
        span = (end - start).days
    return "BREACH" if span > rule.days else "WITHIN"


def _person(case: dict[str, Any], at: date) -> tuple[str, ...]:
    office = case["office"]
    return (
        case["ref_area"],
        case["pathway_id"].upper().replace(".", "_"),
        case["citizenship"],
        case["sex"] if case["sex"] in ("F", "M") else "X",
        _age(case, at),
        "_U" if office is None else re.sub(r"[^A-Za-z0-9_@$-]", "_", office),
    )


def _reference(
    cases: list[dict[str, Any]], steps: list[dict[str, Any]], as_of: datetime
) -> dict[str, Counter[tuple[Any, ...]]]:
    by_case: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for step in steps:
        by_case[step["application_id"]].append(step)
    out: dict[str, Counter[tuple[Any, ...]]] = defaultdict(Counter)
    for case in cases:
        submitted = case["submitted_at"]
        if submitted is None:
            continue
        area = case["ref_area"]
        month = "{:04d}-{:02d}"
        if START <= submitted < as_of:
            at = submitted.date()
            out["applications"][(*_person(case, at), month.format(at.year, at.month))] += 1
        own = sorted(by_case[case["application_id"]], key=lambda s: s["at"])
        before = [s for s in own if s["at"] < as_of]
        if before and before[-1]["to"] in OPEN_STATES:
            waited = (as_of.date() - submitted.date()).days
            row = (
                *_person(case, as_of.date()),
                _band(waited, waiting_bands()),
                _sla(area, submitted.date(), as_of.date()),
            )
            out["backlog"][row] += 1
        spells: dict[str, float] = defaultdict(float)
        earlier = 0
        episode: list[int] = []
        for index, step in enumerate(own):
            if step["to"] not in DECISIONS:
                episode.append(index)
                continue
            at = step["at"]
            if START <= at < as_of:
                outcome = step["to"].upper()
                row = (
                    *_person(case, at.date()),
                    month.format(at.year, at.month),
                    outcome,
                    _sla(area, submitted.date(), at.date()),
                    "YES" if step["override"] else "NO",
                )
                out["decisions"][row] += 1
                for j in episode:
                    stage = own[j]["to"].upper()
                    if stage in STAGES:
                        spells[stage] += (own[j + 1]["at"] - own[j]["at"]).total_seconds()
                if earlier == 0:
                    spells["_T"] += (at - submitted).total_seconds()
            earlier += 1
            episode = []
        codes = _person(case, as_of.date())
        for stage, seconds in spells.items():
            out["stages"][(codes[0], codes[1], codes[5], stage, round(seconds / 86400, 9))] += 1
    return out


def _units(duck: duckdb.DuckDBPyConnection) -> dict[str, Counter[tuple[Any, ...]]]:
    person = ("PATHWAY", "CITIZENSHIP", "SEX", "AGE", "OFFICE")
    columns = {
        "applications": (*person, "TIME"),
        "decisions": (*person, "TIME", "OUTCOME", "SLA", "OVERRIDE"),
        "backlog": (*person, "WAITING_TIME", "SLA"),
        "stages": ("PATHWAY", "OFFICE", "STAGE", "days"),
    }
    out: dict[str, Counter[tuple[Any, ...]]] = {}
    for name, attributes in columns.items():
        coded = ", ".join(code_sql(a, a) for a in attributes)
        rows = duck.execute(f"SELECT ref_area, {coded} FROM u_{name}").fetchall()
        if name == "stages":
            rows = [(*r[:-1], round(r[-1], 9)) for r in rows]
        out[name] = Counter(rows)
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), as_of=st.sampled_from(AS_OFS))
def test_unit_tables_agree_with_a_case_by_case_reference(seed: int, as_of: datetime) -> None:
    cases, steps = _store(seed)
    duck = _load(cases, steps)
    build_units(duck, PERIOD, as_of)
    expected = _reference(cases, steps, as_of)
    got = _units(duck)
    for name in ("applications", "decisions", "backlog", "stages"):
        assert got[name] == expected[name], name


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), as_of=st.sampled_from(AS_OFS))
def test_office_backlogs_agree_with_a_case_by_case_reference(seed: int, as_of: datetime) -> None:
    """The offices' backlog (the statistics page's forecast) counts, like the release's
    backlog, the cases whose latest step before ``as_of`` is an open state."""
    cases, steps = _store(seed)
    duck = _load(cases, steps)
    duck.execute(
        "CREATE TABLE st_officers (user_id BIGINT, role VARCHAR, ref_area VARCHAR, office VARCHAR)"
    )
    expected: Counter[tuple[str, str]] = Counter()
    for case in cases:
        own = sorted(
            (s for s in steps if s["application_id"] == case["application_id"]),
            key=lambda s: s["at"],
        )
        before = [s for s in own if s["at"] < as_of]
        if before and before[-1]["to"] in OPEN_STATES:
            expected[(case["ref_area"], case["office"] or "_U")] += 1
    found = {(h.ref_area, h.office): h.backlog for h in office_histories(duck, as_of)}
    assert {k: v for k, v in found.items() if v} == dict(expected)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_processing_times_agree_with_a_reference(seed: int) -> None:
    cases, steps = _store(seed)
    duck = _load(cases, steps)
    as_of = AS_OFS[0]
    build_units(duck, PERIOD, as_of)
    spells = _reference(cases, steps, as_of)["stages"]
    # (area, stage, pathway, office) -> days of every case in the cell.
    days: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    for (area, pathway, office, stage, value), n in spells.items():
        for cell in ((pathway, "_T"), ("_T", office), ("_T", "_T")):
            days[(area, stage, *cell)] += [value] * n
    found = {}
    for o in _processing_times(duck, DEFAULT_STATISTICS, PERIOD, threshold=3):
        area, indicator, pathway, *_, office, stage, _, _ = o.key
        found[(area, stage, pathway, office, indicator)] = o.value
    expected: dict[tuple[str, ...], float | None] = {}
    for cell, values in days.items():
        enough = len(values) >= 3
        expected[(*cell, "PROC_TIME_MEDIAN")] = statistics.median(values) if enough else None
        expected[(*cell, "PROC_TIME_P90")] = float(np.quantile(values, 0.9)) if enough else None
    assert found.keys() == expected.keys()
    for key, value in expected.items():
        if value is None:
            assert found[key] is None, key
        else:
            assert found[key] is not None and abs(found[key] - value) <= 0.05 + 1e-9, key


def test_stored_offices_sharing_a_code_are_one_group_of_the_statistics() -> None:
    """Stored offices 'col.02 b' and 'col_02_b' share the code 'col_02_b': their days form
    one median, not two (the statistics then group by code, not by stored value)."""
    duck = duckdb.connect()
    duck.execute(
        "CREATE TABLE u_stages (ref_area VARCHAR, PATHWAY VARCHAR, OFFICE VARCHAR, "
        "STAGE VARCHAR, days DOUBLE)"
    )
    rows = [("col.02 b", d) for d in (1.0, 2.0, 3.0)] + [("col_02_b", d) for d in (10.0, 11.0)]
    duck.executemany(
        "INSERT INTO u_stages VALUES ('COL', 'col.ppt', ?, 'IN_REVIEW', ?)", [list(r) for r in rows]
    )

    def medians() -> dict[tuple[str, str], float | None]:
        found = _processing_times(duck, DEFAULT_STATISTICS, PERIOD, threshold=3)
        return {
            (o.key[-4], o.key[2]): o.value  # (office, pathway) of the median
            for o in found
            if o.key[1] == "PROC_TIME_MEDIAN"
        }

    merged = medians()
    assert merged[("col_02_b", "_T")] == 3.0
    assert merged[("_T", "COL_PPT")] == 3.0
    # One stored value per code: grouped by stored value, the same numbers.
    duck.execute("UPDATE u_stages SET OFFICE = 'col.02 b'")
    assert medians() == merged
