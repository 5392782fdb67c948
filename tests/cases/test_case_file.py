"""read_case: the case file read once, audited once, with the next steps the workflow allows;
and a submission that parses its profile once."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.cases.conftest import submission

from ruta.cases import RegistryIndexes, actions
from ruta.cases.errors import NotFoundError, PermissionDeniedError
from ruta.store.models import AuditEvent

NONE = RegistryIndexes({})


def _reads(session, app_id: str) -> int:
    query = select(AuditEvent).where(
        AuditEvent.action == "application.read", AuditEvent.entity_id == app_id
    )
    return len(session.scalars(query).all())


def test_one_read_gives_the_whole_file_and_one_audit_event(session, cast):
    app, _ = actions.do_submit_application(session, cast.applicant, submission())
    actions.do_add_note(session, cast.caseworker, app.id, "called the applicant")
    case = actions.read_case(session, cast.caseworker, app.id, registries=NONE, lang="es")
    assert _reads(session, app.id) == 1
    assert case.application.id == app.id
    assert [s.to_status for s in case.history] == ["submitted"]
    assert [n.text for n in case.notes] == ["called the applicant"]
    assert case.documents and all(item.status == "missing" for item in case.documents)
    assert case.assessment.lang == "es" and case.assessment.basis in ("intake", "stored")
    assert case.decision is None and case.appointments == [] and case.duplicates is None
    assert case.duplicates_off  # COL has no registry here: the page must say so
    assert {u.username for u in case.officers} >= {cast.caseworker.username}
    today = actions.read_case(session, cast.caseworker, app.id, registries=NONE, rules="today")
    assert today.assessment.basis == "today" and _reads(session, app.id) == 2


def test_next_steps_follow_the_workflow_and_the_role(session, cast):
    app, _ = actions.do_submit_application(session, cast.applicant, submission())
    worker = actions.read_case(session, cast.caseworker, app.id, registries=NONE).next_steps
    assert worker.work and worker.start_review and worker.take
    assert not (worker.request_information or worker.propose_decision or worker.decide)
    assert not worker.assign
    boss = actions.read_case(session, cast.supervisor, app.id, registries=NONE).next_steps
    assert boss.assign and not boss.take and not boss.decide
    auditor = actions.read_case(session, cast.auditor, app.id, registries=NONE).next_steps
    assert auditor == actions.NextSteps()  # reads, does nothing
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "Review started")
    actions.do_assign(session, cast.caseworker, app.id, cast.caseworker.id, "mine")
    worker = actions.read_case(session, cast.caseworker, app.id, registries=NONE).next_steps
    assert worker.propose_decision and worker.request_information
    assert not worker.start_review and not worker.take
    actions.do_propose_decision(session, cast.caseworker, app.id, "withdrawn", ["asked to"])
    boss = actions.read_case(session, cast.supervisor, app.id, registries=NONE).next_steps
    assert boss.decide and not boss.propose_decision
    worker = actions.read_case(session, cast.caseworker, app.id, registries=NONE).next_steps
    assert not worker.decide


def test_applicants_and_other_states_do_not_read_case_files(session, cast):
    app, _ = actions.do_submit_application(session, cast.applicant, submission())
    with pytest.raises(PermissionDeniedError):
        actions.read_case(session, cast.applicant, app.id, registries=NONE)
    with pytest.raises(NotFoundError):
        actions.read_case(session, cast.per_caseworker, app.id, registries=NONE)
    assert _reads(session, app.id) == 0


def test_a_submission_parses_the_profile_once_and_stores_the_typed_result(
    session, cast, monkeypatch
):
    from ruta.pathways._profile import Profile

    calls: list[object] = []
    original = Profile.model_validate

    def counting(data, *args, **kwargs):
        calls.append(data)
        return original(data, *args, **kwargs)

    monkeypatch.setattr(Profile, "model_validate", counting)
    app, _ = actions.do_submit_application(session, cast.applicant, submission())
    assert len(calls) == 1
    stored = app.eligibility
    assert stored["results"][0]["pathway"] == app.pathway_id
    assert stored["engine_version"] == app.engine_version and app.packs_version
