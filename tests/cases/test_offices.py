"""Offices with an address (and its source) and the pathways they take (issue 15 §2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from tests.cases.conftest import submission

from ruta.cases import actions, verify_chain
from ruta.cases.errors import CasesError, NotFoundError, PermissionDeniedError
from ruta.store.models import AuditEvent, OfficePathway


def test_an_office_created_without_a_list_takes_every_pathway_of_its_country(session, cast):
    office = actions.do_create_office(session, cast.supervisor, "BOG-01", "Bogotá")
    assert office.pathway_ids == actions.country_pathways("COL")
    assert "col.ppt" in office.pathway_ids
    assert all(p.startswith("col.") for p in office.pathway_ids)
    assert office.address is None and office.address_source is None


def test_an_office_takes_only_the_pathways_it_lists(session, cast):
    office = actions.do_create_office(
        session,
        cast.supervisor,
        "BOG-01",
        "Bogotá",
        address="Calle 100 # 11B-27",
        address_source="https://example.org/oficinas",
        pathways=["col.ppt", "col.ppt", " col.andean-temporary "],
    )
    assert office.pathway_ids == ["col.andean-temporary", "col.ppt"]
    assert actions.pathways_taken(session, "COL") == {"col.andean-temporary", "col.ppt"}
    assert [o.code for o in actions.offices_taking(session, "COL", "col.ppt")] == ["BOG-01"]
    assert actions.offices_taking(session, "COL", "col.pep-tutor") == []
    assert actions.offices_taking(session, "PER", "col.ppt") == []
    actions.check_office_takes(session, "COL", "col.ppt")
    with pytest.raises(CasesError) as refused:
        actions.check_office_takes(session, "COL", "col.pep-tutor")
    assert refused.value.field == "pathway" and "col.pep-tutor" in refused.value.message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pathways": ["per.cpp-2023"]}, "pathways"),  # another country's pathway
        ({"pathways": ["col.nope"]}, "pathways"),
        ({"address": "Calle 1"}, "address_source"),  # an address needs its source
        ({"address": "x" * 501, "address_source": "Resolución 1"}, "address"),
        ({"address": "Calle 1", "address_source": "http://example.org"}, "address_source"),
        ({"address_source": "y" * 501}, "address_source"),
        ({"address": "Calle\x001", "address_source": "Res. 1"}, "address"),
        ({"pathways": ["col." + "x" * 80]}, "pathways"),
    ],
)
def test_bad_office_details_name_the_field(session, cast, changes, field):
    with pytest.raises(CasesError) as refused:
        actions.do_create_office(session, cast.supervisor, "BOG-01", "Bogotá", **changes)
    assert refused.value.field == field
    session.rollback()
    actions.do_create_office(session, cast.supervisor, "BOG-01", "Bogotá")
    details = {
        "name": "Bogotá",
        "address": None,
        "address_source": None,
        "pathways": ["col.ppt"],
        **changes,
    }
    with pytest.raises(CasesError) as refused:
        actions.do_update_office(session, cast.supervisor, "BOG-01", **details)
    assert refused.value.field == field


def test_a_supervisor_changes_an_office_and_the_audit_says_what_changed(session, cast):
    actions.do_create_office(session, cast.supervisor, "BOG-01", "Bogotá")
    details = {
        "name": "Bogotá, Centro",
        "address": "Calle 100 # 11B-27",
        "address_source": "Resolución 1 de 2026",
        "pathways": ["col.ppt"],
    }
    office = actions.do_update_office(session, cast.supervisor, "BOG-01", **details)
    assert (office.name, office.address, office.pathway_ids) == (
        "Bogotá, Centro",
        "Calle 100 # 11B-27",
        ["col.ppt"],
    )
    rows = session.scalars(select(OfficePathway.pathway_id)).all()
    assert rows == ["col.ppt"]  # the dropped pathways are deleted, not left behind
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "office.update")).one()
    assert set(event.data) == {"name", "address", "address_source", "pathways"}
    assert event.data["pathways"]["to"] == ["col.ppt"]
    # The same details again change nothing and record nothing.
    actions.do_update_office(session, cast.supervisor, "BOG-01", **details)
    count = session.scalars(select(AuditEvent).where(AuditEvent.action == "office.update")).all()
    assert len(count) == 1
    assert verify_chain(session).problem is None


def test_only_a_supervisor_of_the_country_changes_an_office(session, cast):
    actions.do_create_office(session, cast.supervisor, "BOG-01", "Bogotá")
    details = {"name": "B", "address": None, "address_source": None, "pathways": []}
    with pytest.raises(PermissionDeniedError):
        actions.do_update_office(session, cast.caseworker, "BOG-01", **details)
    with pytest.raises(PermissionDeniedError):
        actions.do_update_office(session, cast.per_caseworker, "BOG-01", **details)
    with pytest.raises(NotFoundError):
        actions.do_update_office(session, cast.supervisor, "LIM-01", **details)


def test_a_case_books_only_at_an_office_that_takes_its_pathway(session, cast):
    data = submission("COL")
    actions.do_create_office(session, cast.supervisor, "BOG-01", "Bogotá", pathways=[])
    actions.do_create_office(
        session, cast.supervisor, "MED-01", "Medellín", pathways=[data.pathway]
    )
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    [bog] = actions.do_open_slots(session, cast.supervisor, "BOG-01", [tomorrow], 5)
    [med] = actions.do_open_slots(session, cast.supervisor, "MED-01", [tomorrow], 5)
    case, _ = actions.do_submit_application(session, cast.caseworker, data)
    with pytest.raises(CasesError) as refused:
        actions.do_book_appointment(session, cast.caseworker, case.id, bog.id)
    session.rollback()
    assert refused.value.field == "slot" and data.pathway in refused.value.message
    booked = actions.do_book_appointment(session, cast.caseworker, case.id, med.id)
    assert booked.slot_id == med.id
