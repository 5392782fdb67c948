"""Submitting, reading and listing applications through the actions (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.cases.conftest import submission

from ruta.cases import actions
from ruta.cases.errors import ConflictError, NotFoundError, PermissionDeniedError
from ruta.pathways import ProfileError, UnknownPathwayError
from ruta.store.models import Application, AuditEvent, Transition


def test_submission_stores_engine_result_stamped_with_versions(session, cast):
    app, created = actions.do_submit_application(session, cast.caseworker, submission())
    assert created and app.status == "submitted" and app.host_country == "COL"
    assert app.eligibility["results"][0]["pathway"] == app.pathway_id
    assert app.engine_version == app.eligibility["engine_version"] != ""
    assert app.packs_version == app.eligibility["packs_version"] != ""
    steps = session.scalars(select(Transition).where(Transition.application_id == app.id)).all()
    assert [(s.from_status, s.to_status) for s in steps] == [("draft", "submitted")]


def test_same_idempotency_key_returns_the_first_and_creates_nothing(session, cast):
    first, created1 = actions.do_submit_application(
        session, cast.applicant, submission(), idempotency_key="k"
    )
    again, created2 = actions.do_submit_application(
        session, cast.applicant, submission(), idempotency_key="k"
    )
    assert (created1, created2) == (True, False) and first.id == again.id
    assert session.scalar(select(func.count()).select_from(Application)) == 1


def test_same_key_from_another_user_is_another_submission(session, cast):
    a, _ = actions.do_submit_application(session, cast.applicant, submission(), idempotency_key="k")
    b, _ = actions.do_submit_application(
        session, cast.other_applicant, submission(), idempotency_key="k"
    )
    assert a.id != b.id


def test_reused_key_with_a_different_body_is_a_conflict(session, cast):
    actions.do_submit_application(session, cast.applicant, submission(), idempotency_key="k")
    other = submission(office="BOG")
    with pytest.raises(ConflictError) as err:
        actions.do_submit_application(session, cast.applicant, other, idempotency_key="k")
    assert err.value.field == "Idempotency-Key"


def test_unknown_pathway_names_the_field(session, cast):
    with pytest.raises(UnknownPathwayError) as err:
        actions.do_submit_application(session, cast.caseworker, submission(pathway="col.no-such"))
    assert err.value.field == "pathway" and "col.no-such" in err.value.message


def test_invalid_profile_names_the_profile_field(session, cast):
    bad = submission(profile={"entry": {"date": "01/02/2024"}})
    with pytest.raises(ProfileError) as err:
        actions.do_submit_application(session, cast.caseworker, bad)
    assert err.value.field == "profile.entry.date"
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_officer_cannot_take_another_countrys_pathway(session, cast):
    with pytest.raises(PermissionDeniedError):
        actions.do_submit_application(session, cast.per_caseworker, submission("COL"))


def test_minor_without_guardian_is_refused(session, cast):
    child = {
        "given_names": "Ana",
        "surname_1": "Pérez",
        "date_of_birth": "2020-01-01",
        "relationship": "child",
    }
    with pytest.raises(Exception) as err:
        actions.do_submit_application(session, cast.caseworker, submission(household=[child]))
    assert getattr(err.value, "field", None) == "household.0.guardian"
    ok, _ = actions.do_submit_application(
        session, cast.caseworker, submission(household=[{**child, "guardian": "applicant"}])
    )
    assert ok.household[0].guardian == "applicant"


def test_caseworker_of_another_country_gets_not_found(session, cast):
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    with pytest.raises(NotFoundError):
        actions.get_application(session, cast.per_caseworker, app.id)
    items, total = actions.list_applications(session, cast.per_caseworker)
    assert items == [] and total == 0


def test_applicant_sees_only_their_own(session, cast):
    mine, _ = actions.do_submit_application(session, cast.applicant, submission())
    actions.do_submit_application(session, cast.other_applicant, submission())
    items, total = actions.list_applications(session, cast.applicant)
    assert [a.id for a in items] == [mine.id] and total == 1
    with pytest.raises(NotFoundError):
        actions.get_application(session, cast.other_applicant, mine.id)


def test_admin_sees_no_case_files(session, cast):
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    with pytest.raises(NotFoundError):
        actions.get_application(session, cast.admin, app.id)


def test_every_read_of_a_case_file_is_audited(session, cast):
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    actions.get_application(session, cast.auditor, app.id)
    actions.get_application(session, cast.caseworker, app.id)
    reads = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "application.read", AuditEvent.entity_id == app.id
        )
    ).all()
    assert [e.actor for e in reads] == ["aud-col", "cw-col"]


def test_list_filters_by_status_and_pathway_and_pages(session, cast):
    ids = [
        actions.do_submit_application(session, cast.caseworker, submission())[0].id
        for _ in range(3)
    ]
    actions.do_transition(session, cast.caseworker, ids[0], "in_review", "start")
    items, total = actions.list_applications(session, cast.caseworker, status="submitted")
    assert total == 2 and {a.id for a in items} == set(ids[1:])
    items, total = actions.list_applications(session, cast.caseworker, pathway="col.none")
    assert total == 0
    page2, total = actions.list_applications(session, cast.caseworker, page=2, page_size=2)
    assert total == 3 and len(page2) == 1
