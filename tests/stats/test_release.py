"""A release from a real case store (SQLite and PostgreSQL), checked against the store."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest
from sqlalchemy import func, select

from ruta.cli._demo import seed_demo
from ruta.stats import DIMENSIONS, PeriodError, build_release, parse_period
from ruta.store.models import Application, PermitRecord


def current_quarter(now: datetime) -> str:
    return f"{now.year}-Q{(now.month - 1) // 3 + 1}"


#: The demo's present: its month of history (from mid-October) lies inside 2026-Q4.
NOW = datetime(2026, 11, 16, 12, tzinfo=UTC)


@pytest.fixture
def demo(database, tmp_path):
    with database.sessionmaker() as session:
        seed_demo(session, applicants=100, keys_dir=tmp_path / "keys", months=1, now=NOW)
    return database


def _total(release, indicator: str, area: str) -> float | None:
    others = [d for d in DIMENSIONS if d not in ("REF_AREA", "INDICATOR", "TIME_PERIOD")]
    found = [
        o
        for o in release.select(INDICATOR=indicator, REF_AREA=area, TIME_PERIOD=release.period.code)
        if all(o.code(d) in ("_T", "_Z") for d in others)
    ]
    assert len(found) == 1, found
    return found[0].value


def _parts(release, indicator: str, area: str, dimension: str) -> list:
    """The cells of ``indicator`` by ``dimension`` alone, over the whole period."""
    others = [d for d in DIMENSIONS if d not in ("REF_AREA", "INDICATOR", "TIME_PERIOD", dimension)]
    return [
        o
        for o in release.select(INDICATOR=indicator, REF_AREA=area, TIME_PERIOD=release.period.code)
        if o.code(dimension) != "_T" and all(o.code(d) in ("_T", "_Z") for d in others)
    ]


def test_release_matches_the_store_withholds_small_cells_and_passes_its_audit(demo, tmp_path):
    """One seeded store per backend, four checks (seeding is the slow part)."""
    now = NOW
    simulation = tmp_path / "simulated.parquet"
    # What `ruta pathways simulate` writes: one row per person and pathway.
    duckdb.sql(
        "SELECT 'p' || range AS person_id, 'col.ppt' AS pathway, CASE WHEN range < 300 "
        "THEN 'eligible' ELSE 'ineligible' END AS status, [] AS failed FROM range(400)"
    ).write_parquet(str(simulation))
    with demo.engine.connect() as connection:
        release = build_release(connection, current_quarter(now), now=now)
        rounded = build_release(connection, current_quarter(now), now=now, rounding=3, seed=7)
        taken = build_release(connection, current_quarter(now), now=now, population=simulation)
    _counts_match(demo, release)
    _withheld_and_audited(release)
    _rounded(rounded)
    eligible = taken.select(INDICATOR="ELIGIBLE_POPULATION", PATHWAY="COL_PPT")
    assert [o.value for o in eligible] == [300.0]
    (rate,) = taken.select(INDICATOR="TAKE_UP_RATE", PATHWAY="COL_PPT")
    (applied,) = taken.select(INDICATOR="APPLICATIONS_TO_DATE", PATHWAY="COL_PPT")
    if applied.value is not None:
        assert rate.value == round(100 * applied.value / 300, 1)


def _counts_match(demo, release):
    with demo.sessionmaker() as session:
        for area in ("COL", "PER"):
            submitted = session.scalar(
                select(func.count())
                .select_from(Application)
                .where(Application.host_country == area, Application.submitted_at.is_not(None))
            )
            open_cases = session.scalar(
                select(func.count())
                .select_from(Application)
                .where(
                    Application.host_country == area,
                    Application.status.in_(
                        [
                            "submitted",
                            "in_review",
                            "information_requested",
                            "decision_proposed",
                            "appealed",
                        ]
                    ),
                )
            )
            decided = session.scalar(
                select(func.count())
                .select_from(Application)
                .where(
                    Application.host_country == area,
                    Application.status.in_(["approved", "denied", "appealed"]),
                )
            )
            permits = session.scalar(
                select(func.count()).select_from(PermitRecord).where(PermitRecord.country == area)
            )
            # The total, or (when secondary suppression withheld it) its parts, add up.
            total = _total(release, "APPLICATIONS", area)
            parts = _parts(release, "APPLICATIONS", area, "PATHWAY")
            assert total in (submitted, None)
            if total is None:
                assert any(o.value is None for o in parts)
            if all(o.value is not None for o in parts):
                assert sum(o.value for o in parts) == submitted
            assert _total(release, "BACKLOG", area) == open_cases
            # Small totals may be withheld to protect their parts: compare what is shown.
            for indicator, expected in (("DECISIONS", decided), ("PERMITS_IN_FORCE", permits)):
                assert _total(release, indicator, area) in (expected, None)
            approvals = _total(release, "APPROVALS", area)
            denials = _total(release, "DENIALS", area)
            if None not in (approvals, denials):
                assert approvals + denials == decided


def _withheld_and_audited(release):
    withheld = [o for o in release.observations if o.status == "C"]
    published = [o for o in release.observations if o.status == "A"]
    assert withheld and len(published) > len(withheld)
    assert all(o.value is None for o in withheld)
    assert all(o.value is not None for o in published)
    counts = [o for o in published if o.unit == "NUMBER"]
    assert not [o for o in counts if 0 < o.value < release.threshold]
    assert len({o.key for o in release.observations}) == len(release.observations)
    assert all(len(o.key) == len(DIMENSIONS) for o in release.observations)
    report = release.audit()
    assert report.passed and report.cells
    primaries = [c for c in report.cells if c.primary]
    assert primaries and min(c.upper - c.lower for c in primaries) >= release.threshold


def _rounded(release):
    counts = [o for o in release.observations if o.status == "A" and o.unit == "NUMBER"]
    assert counts and all(o.value % 3 == 0 for o in counts)
    assert release.audit().passed


def test_a_period_that_has_not_started_is_refused(database):
    with database.engine.connect() as connection, pytest.raises(PeriodError) as caught:
        build_release(connection, "2099-Q1")
    assert caught.value.field == "period"
    assert parse_period("2026-Q3").code == "2026-Q3"
