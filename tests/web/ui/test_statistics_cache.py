"""The dashboard's release cache: a second view of an unchanged store reads no case and
computes nothing; a new case changes the store's version and the next view recomputes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.cases.conftest import PASSWORD, submission

from ruta.cases.actions import do_submit_application
from ruta.cases.actions.authentication import do_create_user
from ruta.cli._demo import seed_demo
from ruta.stats import store_version
from ruta.store.models import User
from ruta.web.ui import _statistics
from ruta.web.ui._statistics import HISTORIES, RELEASES, current_quarter, statistics_view


@pytest.fixture
def calls(monkeypatch):
    """How often the view loaded the case store and computed a release."""
    counted = {"load": 0, "release": 0}
    load, compute = _statistics.load_case_store, _statistics.compute_release

    def counting_load(*args, **kwargs):
        counted["load"] += 1
        return load(*args, **kwargs)

    def counting_compute(*args, **kwargs):
        counted["release"] += 1
        return compute(*args, **kwargs)

    monkeypatch.setattr(_statistics, "load_case_store", counting_load)
    monkeypatch.setattr(_statistics, "compute_release", counting_compute)
    RELEASES.clear()
    HISTORIES.clear()
    yield counted
    RELEASES.clear()
    HISTORIES.clear()


def _view(database, now: datetime):
    with database.engine.connect() as connection:
        return statistics_view(
            connection,
            database_key=database.url,
            countries=["COL"],
            period=current_quarter(now),
            lang="en",
            gettext=lambda text: text,
            now=now,
            forecast=True,
        )


def test_second_view_is_served_from_cache_and_a_new_case_invalidates_it(database, tmp_path, calls):
    with database.sessionmaker() as session:
        seed_demo(session, applicants=12, keys_dir=tmp_path / "keys", months=2)
        officer = do_create_user(
            session, None, username="cw-cache", password=PASSWORD, role="caseworker", country="COL"
        )
        officer_id = officer.id
    now = datetime.now(UTC)
    first = _view(database, now)
    # Five quarters of trend (the current one included), one load of the store.
    assert calls == {"load": 1, "release": 5}
    assert RELEASES.misses == 5 and HISTORIES.misses == 1

    later = _view(database, now + timedelta(seconds=1))
    assert calls == {"load": 1, "release": 5}, "the second view recomputed"
    assert [f.series for f in later.figures] == [f.series for f in first.figures]
    assert [o.office for o in later.forecasts] == [o.office for o in first.forecasts]
    assert later.as_of > first.as_of  # the stocks are stated at the new moment

    with database.sessionmaker() as session:
        before = store_version(session.connection())
        do_submit_application(session, session.get(User, officer_id), submission())
        after = store_version(session.connection())
    assert before.fingerprint != after.fingerprint
    _view(database, datetime.now(UTC))
    # A new version: every release and the offices' history computed again.
    assert calls == {"load": 2, "release": 10}, "a new case must invalidate the cache"


def test_the_store_version_names_its_latest_event(database, tmp_path):
    with database.sessionmaker() as session:
        seed_demo(session, applicants=4, keys_dir=tmp_path / "keys", months=1)
        version = store_version(session.connection())
    assert version.last_event is not None
    assert version.last_event <= datetime.now(UTC).replace(tzinfo=None)
    assert len(version.fingerprint) == 10 and version.fingerprint[0] != "0"
