"""Decisions against the engine's assessment need an override reason (issue 15 §3), in the
action layer that every page, API route and command goes through."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.cases.conftest import eligible_submission, submission

from ruta.cases import actions
from ruta.cases.errors import CasesError
from ruta.cases.override import OVERRIDE_ENTRY
from ruta.store.models import AuditEvent

WHY = "the RUMV registration was seen on the original certificate"


def _in_review(session, cast, body):
    app, _ = actions.do_submit_application(session, cast.caseworker, body)
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    return app


@pytest.fixture
def ppt(session, cast):
    """The issue's case: an adult Venezuelan on Colombia's PPT, which the engine finds
    ineligible (the pathway is closed to adults)."""
    return _in_review(session, cast, submission(pathway="col.ppt"))


@pytest.fixture
def eligible(session, cast):
    return _in_review(session, cast, eligible_submission())


def _events(session, app_id, action):
    query = select(AuditEvent).where(AuditEvent.entity_id == app_id, AuditEvent.action == action)
    return list(session.scalars(query.order_by(AuditEvent.id)))


def test_approving_an_ineligible_case_without_a_reason_is_refused(session, cast, ppt):
    for reason in (None, "", "   "):
        with pytest.raises(CasesError) as refused:
            actions.do_propose_decision(
                session, cast.caseworker, ppt.id, "approved", ["ok"], override_reason=reason
            )
        session.rollback()
        assert refused.value.field == "override_reason"
        assert "ineligible" in refused.value.message
    assert actions.get_application(session, cast.caseworker, ppt.id).status == "in_review"


def test_an_override_is_stored_audited_and_its_legal_basis_says_so(session, cast, ppt):
    proposal = actions.do_propose_decision(
        session, cast.caseworker, ppt.id, "approved", ["ok"], override_reason=f"  {WHY} "
    )
    assert proposal.override is True and proposal.override_reason == WHY
    assert proposal.engine_assessment is not None
    assert proposal.engine_assessment["status"] == "ineligible"
    assert proposal.engine_assessment["findings"]["open_for_adults"] == "failed"
    # The decision is checked again: the supervisor gives their own reason.
    with pytest.raises(CasesError) as refused:
        actions.do_decide(session, cast.supervisor, ppt.id, "approved", ["ok"])
    session.rollback()
    assert refused.value.field == "override_reason"
    final = actions.do_decide(
        session, cast.supervisor, ppt.id, "approved", ["ok"], override_reason="agreed: " + WHY
    )
    assert final.status == "final" and final.override and final.override_reason == "agreed: " + WHY
    basis = final.legal_basis
    assert basis[0]["condition"] == OVERRIDE_ENTRY and basis[0]["citation"]
    assert "against the engine's assessment (ineligible" in basis[0]["text"]
    assert "open_for_adults" in basis[0]["text"] and WHY in basis[0]["text"]
    findings = {b["condition"]: b["finding"] for b in basis[1:]}
    # The failed condition is listed as failed, never as a ground for the approval.
    assert findings["open_for_adults"] == "failed"
    assert findings["venezuelan"] == "met" and findings["eligible_group"] == "unknown"
    assert all(b["citation"] for b in basis)
    (proposed,) = _events(session, ppt.id, "decision.propose")
    (decided,) = _events(session, ppt.id, "decision.decide")
    assert proposed.data["override"] is True and proposed.data["override_reason"] == WHY
    assert decided.data["override"] is True and decided.data["engine_status"] == "ineligible"
    assert decided.data["override_reason"] == "agreed: " + WHY


def test_approving_an_undetermined_case_is_an_override_too(session, cast):
    app = _in_review(session, cast, submission())
    with pytest.raises(CasesError) as refused:
        actions.do_decision(session, cast.caseworker, app.id, "approved", ["ok"])
    assert refused.value.field == "override_reason" and "undetermined" in refused.value.message


def test_denying_an_eligible_case_needs_a_reason(session, cast, eligible):
    with pytest.raises(CasesError) as refused:
        actions.do_propose_decision(session, cast.caseworker, eligible.id, "denied", ["no"])
    session.rollback()
    assert refused.value.field == "override_reason"
    actions.do_propose_decision(
        session, cast.caseworker, eligible.id, "denied", ["no"], override_reason="forged passport"
    )
    final = actions.do_decide(
        session, cast.supervisor, eligible.id, "denied", ["no"], override_reason="forged passport"
    )
    assert final.override and final.engine_assessment["status"] == "eligible"
    assert final.legal_basis[0]["condition"] == OVERRIDE_ENTRY
    assert final.appeal_deadline is not None


def test_a_decision_that_agrees_with_the_engine_needs_no_reason(session, cast, eligible, tmp_path):
    actions.do_propose_decision(session, cast.caseworker, eligible.id, "approved", ["all met"])
    final = actions.do_decide(
        session, cast.supervisor, eligible.id, "approved", ["all met"], keys_dir=tmp_path
    )
    assert final.override is False and final.override_reason is None
    assert final.engine_assessment["status"] == "eligible"
    assert all(b["condition"] != OVERRIDE_ENTRY for b in final.legal_basis)
    assert {b["finding"] for b in final.legal_basis} <= {"met", "unknown"}
    (decided,) = _events(session, eligible.id, "decision.decide")
    assert decided.data["override"] is False and decided.data["override_reason"] is None


def test_a_needless_override_reason_is_refused(session, cast, ppt, eligible):
    # Denying the ineligible case agrees with the engine; so does approving the eligible one.
    for app, outcome in ((ppt, "denied"), (eligible, "approved"), (ppt, "withdrawn")):
        with pytest.raises(CasesError) as refused:
            actions.do_propose_decision(
                session, cast.caseworker, app.id, outcome, ["r"], override_reason="just in case"
            )
        session.rollback()
        assert refused.value.field == "override_reason" and "agrees" in refused.value.message


def test_a_withdrawal_is_never_an_override(session, cast, eligible):
    actions.do_propose_decision(session, cast.caseworker, eligible.id, "withdrawn", ["asked"])
    final = actions.do_decide(session, cast.supervisor, eligible.id, "withdrawn", ["asked"])
    assert final.override is False


def test_an_override_reason_is_at_most_2000_characters(session, cast, ppt):
    with pytest.raises(CasesError) as refused:
        actions.do_propose_decision(
            session, cast.caseworker, ppt.id, "approved", ["ok"], override_reason="x" * 2001
        )
    assert refused.value.field == "override_reason" and "2,000" in refused.value.message
