"""The population engine (SQL) agrees with the per-person engine, person by person."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import as_of_dates, profiles

from ruta.pathways import ProfileError, judge, parse_profile
from ruta.pathways._catalog import default_catalog
from ruta.pathways._facts import fact_catalog
from ruta.pathways._population import (
    load_population,
    population_query,
    population_sql,
    simulate,
)
from ruta.pathways._sql import column_of, decode_failed

LIST_FACTS = [p for p, info in fact_catalog().items() if info.kind == "list"]


def to_row(person_id: str, as_of: dt.date, profile: dict[str, Any]) -> dict[str, Any]:
    """One population row: nested facts flattened, lists as JSON text (the CSV form)."""
    row: dict[str, Any] = {"person_id": person_id, "as_of": as_of.isoformat()}
    for key, value in profile.items():
        if key == "entry":
            for sub, sub_value in value.items():
                row[column_of(f"entry.{sub}")] = sub_value
        elif key in LIST_FACTS:
            row[key] = json.dumps(value)
        else:
            row[key] = value
    return row


def write_population(path: Path, rows: list[dict[str, Any]]) -> None:
    columns = sorted({k for row in rows for k in row})
    table = pa.table(
        {
            c: [
                None
                if r.get(c) is None
                else str(r[c]).lower()
                if isinstance(r.get(c), bool)
                else str(r[c])
                for r in rows
            ]
            for c in columns
        }
    )
    pq.write_table(table, path)


def expected(
    rows: list[tuple[str, dt.date, dict[str, Any]]],
) -> set[tuple[str, str, str, tuple[str, ...]]]:
    catalog = default_catalog()
    out = set()
    for person_id, as_of, profile in rows:
        facts = parse_profile(profile).facts()
        for pathway in catalog.pathways.values():
            verdict = judge(pathway, facts, as_of)
            out.add((person_id, pathway.id, verdict.status, tuple(sorted(verdict.failed))))
    return out


def actual(path: Path) -> set[tuple[str, str, str, tuple[str, ...]]]:
    rows = duckdb.sql(f"SELECT person_id, pathway, status, failed FROM read_parquet('{path}')")
    return {(p, pid, s, tuple(sorted(f))) for p, pid, s, f in rows.fetchall()}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(as_of_dates, profiles), min_size=1, max_size=12))
def test_population_equals_per_person(
    tmp_path: Path, people: list[tuple[dt.date, dict[str, Any]]]
) -> None:
    rows = [(f"p{i}", as_of, profile) for i, (as_of, profile) in enumerate(people)]
    source = tmp_path / "pop.parquet"
    write_population(source, [to_row(pid, as_of, prof) for pid, as_of, prof in rows])
    out = tmp_path / "out.parquet"
    summary = simulate(source, out)
    assert summary.people == len(rows)
    assert actual(out) == expected(rows)


def test_csv_with_per_person_dates(tmp_path: Path) -> None:
    source = tmp_path / "pop.csv"
    source.write_text(
        "person_id,as_of,host_country,in_host_country,nationalities,criminal_records\n"
        'a,2026-11-28,ARG,true,"[{""country"": ""BOL"", ""acquired"": ""birth""}]",[]\n'
        'b,2008-01-01,ARG,true,"[{""country"": ""BOL"", ""acquired"": ""birth""}]",[]\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.parquet"
    simulate(source, out, pathways=["arg.mercosur-temporary"])
    got = dict(duckdb.sql(f"SELECT person_id, status FROM read_parquet('{out}')").fetchall())
    assert got == {"a": "eligible", "b": "eligible"}


@pytest.mark.parametrize(
    ("header", "row", "field", "fragment"),
    [
        ("person_id,as_of,entry_date", "a,2026-01-01,2025-13-01", "entry_date", "row 1"),
        ("person_id,as_of,host_country", "a,2026-01-01,XXX", "host_country", "alpha-3"),
        ("person_id,as_of,shoe_size", "a,2026-01-01,42", "shoe_size", "unknown column"),
        ("person_id,as_of,current_status", "a,2026-01-01,lost", "current_status", "one of"),
        (
            "person_id,as_of,permits",
            'a,2026-01-01,"[{""country"": ""COL"", ""type"": ""gold_card""}]"',
            "permits[].type",
            "one of",
        ),
        (
            "person_id,as_of,in_host_country",
            "a,2026-01-01,maybe",
            "in_host_country",
            "true or false",
        ),
        ("person_id,as_of,nationalities", "a,2026-01-01,not json", "nationalities", "JSON"),
        ("as_of,host_country", "2026-01-01,ARG", "person_id", "person_id"),
        (
            "person_id,as_of,nationalities",
            'a,2026-01-01,"[{""country"": ""BOL"", ""since"": ""2021-13-01""}]"',
            "nationalities[].since",
            "YYYY-MM-DD",
        ),
        (
            "person_id,as_of,nationalities",
            'a,2026-01-01,"[{""country"": ""Bolivia""}]"',
            "nationalities[].country",
            "alpha-3",
        ),
    ],
)
def test_bad_population_names_field_and_writes_nothing(
    tmp_path: Path, header: str, row: str, field: str, fragment: str
) -> None:
    source = tmp_path / "pop.csv"
    source.write_text(f"{header}\n{row}\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    with pytest.raises(ProfileError) as info:
        simulate(source, out)
    assert info.value.field == field
    assert fragment in str(info.value)
    assert list(tmp_path.iterdir()) == [source]


def test_birth_year_or_month_is_an_interval_in_both_engines(tmp_path: Path) -> None:
    """Ground (b) in Mexico (under 18) on 2026-06-01: a year that straddles the 18th birthday
    is undetermined; a month wholly on one side is decided, in SQL as per person."""
    base = {
        "host_country": "MEX",
        "in_host_country": True,
        "nationalities": [{"country": "HND"}],
        "unaccompanied_minor": True,
        "crime_victim_or_witness": False,
        "asylum_claim_pending": False,
        "humanitarian_cause": False,
        "current_status": "irregular",
    }
    as_of = dt.date(2026, 6, 1)
    births = {
        "2008": "undetermined",  # 17 or 18: straddles the boundary
        "2008-05": "ineligible",  # 18 whatever the day
        "2008-06": "undetermined",  # 18 if born on 1 June, 17 otherwise
        "2008-07": "eligible",  # 17 whatever the day
        "2009": "eligible",
        "1990": "ineligible",
    }
    rows = [(f"p{i}", as_of, {**base, "date_of_birth": dob}) for i, dob in enumerate(births)]
    source = tmp_path / "pop.parquet"
    write_population(source, [to_row(pid, day, prof) for pid, day, prof in rows])
    out = tmp_path / "out.parquet"
    simulate(source, out, pathways=["mex.humanitarian-visitor"])
    got = {p: s for p, pid, s, _ in actual(out)}
    assert got == {f"p{i}": status for i, status in enumerate(births.values())}
    per_person = {
        (p, pid, s, f) for p, pid, s, f in expected(rows) if pid == "mex.humanitarian-visitor"
    }
    assert actual(out) == per_person


def test_colombia_record_period_in_both_engines(tmp_path: Path) -> None:
    """Colombia's visa M counts only records of the last 3 years in the Agreement's countries;
    Argentina ages no record out. The same person, in SQL as per person."""
    base = {
        "in_host_country": True,
        "nationalities": [{"country": "PER", "acquired": "birth"}],
        "documents": [{"type": "passport", "expires": "2030-11-15"}],
        "permits": [],
        "means_of_subsistence": True,
    }
    as_of = dt.date(2026, 11, 15)
    cases = {
        ("COL", "2022-11-15"): "eligible",  # 4 years old: outside the certificate's period
        ("COL", "2024-11-15"): "ineligible",
        ("COL", None): "undetermined",  # the date decides
        ("ARG", "2022-11-15"): "ineligible",  # Argentina: the country counts, not the age
    }
    rows = []
    for i, (host, day) in enumerate(cases):
        record = {"country": "PER"} | ({"date": day} if day else {})
        rows.append((f"p{i}", as_of, {**base, "host_country": host, "criminal_records": [record]}))
    source = tmp_path / "pop.parquet"
    write_population(source, [to_row(pid, day, prof) for pid, day, prof in rows])
    out = tmp_path / "out.parquet"
    wanted = ["col.mercosur-temporary", "arg.mercosur-temporary"]
    simulate(source, out, pathways=wanted)
    hosts = {pid: prof["host_country"].lower() for pid, _, prof in rows}
    got = {p: s for p, pid, s, _ in actual(out) if pid.startswith(hosts[p])}
    assert got == {f"p{i}": status for i, status in enumerate(cases.values())}
    assert actual(out) == {row for row in expected(rows) if row[1] in wanted}


def test_bad_birth_date_names_the_column(tmp_path: Path) -> None:
    source = tmp_path / "pop.csv"
    source.write_text("person_id,as_of,date_of_birth\np1,2026-01-01,1990-13\n", encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        simulate(source, tmp_path / "out.parquet")
    assert info.value.field == "date_of_birth"
    assert "YYYY-MM or YYYY" in str(info.value)
    assert not (tmp_path / "out.parquet").exists()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(as_of_dates, profiles), min_size=1, max_size=10))
def test_encoded_answers_decode_to_the_decoded_sql(
    tmp_path: Path, people: list[tuple[dt.date, dict[str, Any]]]
) -> None:
    """The engine's encoded form (ENUMs and a bitmask of failed conditions, what simulate
    and the bench run) and the decoded SQL (lists of ids, what Spark runs) agree row by row,
    and both agree with the per-person engine."""
    rows = [(f"p{i}", as_of, profile) for i, (as_of, profile) in enumerate(people)]
    source = tmp_path / "pop.parquet"
    write_population(source, [to_row(pid, as_of, prof) for pid, as_of, prof in rows])
    con = duckdb.connect()
    load_population(con, source, None)
    query = population_query(default_catalog(), "people")
    encoded = {
        (p, str(pid), str(s), tuple(sorted(query.failed_of(str(pid), int(mask)))))
        for p, pid, s, mask in con.execute(query.sql).fetchall()
    }
    decoded = {
        (p, pid, s, tuple(sorted(f)))
        for p, pid, s, f in con.execute(population_sql(default_catalog(), "people")).fetchall()
    }
    assert encoded == decoded == expected(rows)


@given(st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=20, unique=True))
def test_a_mask_names_exactly_its_bits(ids: list[str]) -> None:
    for bit in range(len(ids)):
        assert decode_failed(1 << bit, ids) == [ids[bit]]
    assert decode_failed((1 << len(ids)) - 1, ids) == ids
    assert decode_failed(0, ids) == []


def test_typed_parquet_columns_answer_as_text_ones(tmp_path: Path) -> None:
    """DATE and BOOLEAN columns are taken as they are stored; the answers are those of the
    same people written as text."""
    profile = {
        "host_country": "COL",
        "in_host_country": True,
        "nationalities": [{"country": "VEN"}],
        "entry": {"date": "2021-01-15", "authorized_crossing": False},
        "current_status": "irregular",
        "criminal_records": [],
        "migration_sanctions": False,
    }
    as_of = dt.date(2023, 6, 1)
    text = tmp_path / "text.parquet"
    write_population(text, [to_row("p0", as_of, profile)])
    typed = tmp_path / "typed.parquet"
    pq.write_table(
        pa.table(
            {
                "person_id": ["p0"],
                "as_of": pa.array([as_of], pa.date32()),
                "host_country": ["COL"],
                "in_host_country": [True],
                "nationalities": [json.dumps(profile["nationalities"])],
                "entry_date": pa.array([dt.date(2021, 1, 15)], pa.date32()),
                "entry_authorized_crossing": [False],
                "current_status": ["irregular"],
                "criminal_records": ["[]"],
                "migration_sanctions": [False],
            }
        ),
        typed,
    )
    simulate(text, tmp_path / "a.parquet")
    simulate(typed, tmp_path / "b.parquet")
    assert actual(tmp_path / "a.parquet") == actual(tmp_path / "b.parquet")
    assert actual(tmp_path / "b.parquet") == expected([("p0", as_of, profile)])


def test_a_pathway_without_a_host_condition_still_answers_host_country(tmp_path: Path) -> None:
    """A ministry's pack may leave out the host-country condition: people of other countries
    still fail for host_country alone, in SQL as per person."""
    shipped = default_catalog()
    bare = dataclasses.replace(
        shipped.pathways["arg.mercosur-temporary"],
        conditions=tuple(
            c
            for c in shipped.pathways["arg.mercosur-temporary"].conditions
            if c.id != "host_country"
        ),
    )
    catalog = dataclasses.replace(shipped, pathways={bare.id: bare})
    people = [
        ("p0", dt.date(2026, 1, 1), {"host_country": "BRA", "in_host_country": True}),
        ("p1", dt.date(2026, 1, 1), {"host_country": "ARG", "in_host_country": True}),
    ]
    source = tmp_path / "pop.parquet"
    write_population(source, [to_row(pid, day, prof) for pid, day, prof in people])
    simulate(source, tmp_path / "out.parquet", catalog=catalog)
    got = actual(tmp_path / "out.parquet")
    want = set()
    for pid, day, prof in people:
        verdict = judge(bare, parse_profile(prof).facts(), day)
        want.add((pid, bare.id, verdict.status, tuple(sorted(verdict.failed))))
    assert got == want
    assert ("p0", bare.id, "ineligible", ("host_country",)) in got
