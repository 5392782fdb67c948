"""Offices and slots are in the country scope (issue 16, finding 3).

The probe booked a Lima slot for a Colombian case, as its caseworker and as its applicant,
and listed Peruvian slots as a Colombian caseworker. Offices and slots now follow the same
scope as case files (ruta.cases.access.office_scope).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.cases.conftest import PASSWORD, submission

from ruta.cases import actions
from ruta.cases.actions.authentication import do_create_user
from ruta.cases.errors import NotFoundError


@pytest.fixture
def offices(session, cast):
    """A Bogotá and a Lima office with a slot tomorrow each: {"COL": slot, "PER": slot}."""
    per_supervisor = do_create_user(
        session, None, username="sup-per", password=PASSWORD, role="supervisor", country="PER"
    )
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    actions.do_create_office(session, cast.supervisor, "BOG-01", "Bogotá")
    actions.do_create_office(session, per_supervisor, "LIM-01", "Lima")
    [bog] = actions.do_open_slots(session, cast.supervisor, "BOG-01", [tomorrow], 5)
    [lim] = actions.do_open_slots(session, per_supervisor, "LIM-01", [tomorrow], 5)
    return {"COL": bog, "PER": lim}


@pytest.mark.parametrize("booker", ["caseworker", "applicant"])
def test_a_colombian_case_cannot_book_a_lima_slot(session, cast, offices, booker):
    case, _ = actions.do_submit_application(session, cast.applicant, submission("COL"))
    with pytest.raises(NotFoundError) as refused:
        actions.do_book_appointment(session, getattr(cast, booker), case.id, offices["PER"].id)
    session.rollback()
    assert refused.value.field == "slot" and "COL" in refused.value.message
    booked = actions.do_book_appointment(session, getattr(cast, booker), case.id, offices["COL"].id)
    assert booked.slot_id == offices["COL"].id


def test_officers_see_only_their_countrys_offices_and_slots(session, cast, offices):
    now = datetime.now(UTC)
    later = now + timedelta(days=2)
    for officer in (cast.caseworker, cast.supervisor, cast.auditor):
        assert [o.code for o in actions.list_offices(session, officer)] == ["BOG-01"]
        assert actions.list_offices(session, officer, "PER") == []
        with pytest.raises(NotFoundError):
            actions.list_slots(session, officer, "LIM-01", now, later)
        with pytest.raises(NotFoundError):
            actions.free_slots(session, officer, "LIM-01", now)
    assert [o.code for o in actions.list_offices(session, cast.per_caseworker)] == ["LIM-01"]


def test_an_applicant_sees_the_offices_of_the_countries_they_applied_in(session, cast, offices):
    assert actions.list_offices(session, cast.applicant) == []  # nothing applied for yet
    actions.do_submit_application(session, cast.applicant, submission("COL"))
    assert [o.code for o in actions.list_offices(session, cast.applicant)] == ["BOG-01"]
    with pytest.raises(NotFoundError):
        actions.list_slots(
            session, cast.applicant, "LIM-01", datetime.now(UTC), datetime.now(UTC) + timedelta(2)
        )
    assert actions.list_offices(session, cast.admin) == []
