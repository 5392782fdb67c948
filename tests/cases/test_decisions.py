"""Workflow steps, decisions (four eyes, legal basis, appeal deadline) and permit issuance."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from tests.cases.conftest import eligible_submission, submission

from ruta.cases import actions
from ruta.cases.errors import CasesError, ConflictError, PermissionDeniedError
from ruta.cases.parameters import appeal_deadline
from ruta.store.models import PermitRecord, Transition


@pytest.fixture
def in_review(session, cast):
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    return app


@pytest.fixture
def eligible(session, cast):
    """A case in review that the engine assessed eligible: approving it is no override."""
    app, _ = actions.do_submit_application(session, cast.caseworker, eligible_submission())
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    return app


def test_each_step_records_actor_time_and_reason(session, cast, in_review):
    actions.do_transition(
        session, cast.caseworker, in_review.id, "information_requested", "passport copy"
    )
    actions.do_transition(session, cast.caseworker2, in_review.id, "in_review", "received")
    steps = session.scalars(
        select(Transition).where(Transition.application_id == in_review.id).order_by(Transition.id)
    ).all()
    assert [s.to_status for s in steps] == [
        "submitted",
        "in_review",
        "information_requested",
        "in_review",
    ]
    last = steps[-1]
    assert last.actor_id == cast.caseworker2.id and last.reason == "received"
    assert last.at.tzinfo is not None and (datetime.now(UTC) - last.at).total_seconds() < 600


def test_transition_not_in_the_workflow_is_a_conflict_listing_the_options(session, cast, in_review):
    with pytest.raises(ConflictError) as err:
        actions.do_transition(session, cast.caseworker, in_review.id, "submitted", "back")
    assert err.value.field == "to" and "information_requested" in err.value.message


def test_reason_is_required(session, cast, in_review):
    with pytest.raises(CasesError) as err:
        actions.do_transition(session, cast.caseworker, in_review.id, "information_requested", "  ")
    assert err.value.field == "reason"


def test_auditor_is_read_only(session, cast, in_review):
    with pytest.raises(PermissionDeniedError):
        actions.do_transition(session, cast.auditor, in_review.id, "information_requested", "x")


def test_denial_needs_four_eyes(session, cast, in_review):
    actions.do_propose_decision(
        session, cast.supervisor, in_review.id, "denied", ["entered after the cut-off"]
    )
    with pytest.raises(PermissionDeniedError) as err:
        actions.do_decide(
            session, cast.supervisor, in_review.id, "denied", ["entered after the cut-off"]
        )
    assert "four eyes" in err.value.message
    decision = actions.do_decide(
        session, cast.supervisor2, in_review.id, "denied", ["entered after the cut-off"]
    )
    assert decision.status == "final" and decision.decided_by == cast.supervisor2.id


def test_caseworker_cannot_decide(session, cast, eligible):
    actions.do_propose_decision(session, cast.caseworker, eligible.id, "approved", ["all met"])
    with pytest.raises(PermissionDeniedError):
        actions.do_decide(session, cast.caseworker2, eligible.id, "approved", ["all met"])


def test_denial_carries_legal_basis_and_appeal_deadline(session, cast, in_review):
    actions.do_propose_decision(
        session, cast.caseworker, in_review.id, "denied", ["no record certificate"]
    )
    decision = actions.do_decide(
        session, cast.supervisor, in_review.id, "denied", ["no record certificate"]
    )
    assert decision.legal_basis and all(item["citation"] for item in decision.legal_basis)
    assert decision.appeal_deadline == appeal_deadline("COL", datetime.now(UTC).date())
    app = actions.get_application(session, cast.caseworker, in_review.id)
    assert app.status == "denied" and app.decided_at is not None
    actions.do_transition(session, cast.caseworker, app.id, "appealed", "appeal lodged")
    actions.do_transition(session, cast.supervisor, app.id, "in_review", "reconsider")
    assert actions.get_application(session, cast.caseworker, app.id).status == "in_review"


def test_sent_back_proposal_is_superseded_and_cannot_be_decided(session, cast, eligible):
    actions.do_propose_decision(session, cast.caseworker, eligible.id, "approved", ["ok"])
    actions.do_transition(
        session, cast.supervisor, eligible.id, "in_review", "check the entry date"
    )
    with pytest.raises(ConflictError):
        actions.do_decide(session, cast.supervisor, eligible.id, "approved", ["ok"])


def test_decision_verb_proposes_then_decides(session, cast, eligible):
    first = actions.do_decision(session, cast.caseworker, eligible.id, "approved", ["met"])
    assert first.status == "proposed"
    final = actions.do_decision(session, cast.supervisor, eligible.id, "approved", ["met"])
    assert final.status == "final" and final.appeal_deadline is None


def test_approval_issues_the_permit_when_the_permits_pillar_is_present(
    session, cast, eligible, tmp_path
):
    has_issuer = hasattr(importlib.import_module("ruta.permits"), "issue_for_application")
    actions.do_propose_decision(session, cast.caseworker, eligible.id, "approved", ["met"])
    actions.do_decide(session, cast.supervisor, eligible.id, "approved", ["met"], keys_dir=tmp_path)
    permits = session.scalars(
        select(PermitRecord).where(PermitRecord.application_id == eligible.id)
    ).all()
    assert len(permits) == (1 if has_issuer else 0)
    if has_issuer:
        permit = actions.get_permit(session, cast.caseworker, eligible.id)
        assert permit.payload.startswith("RUTA1:") and permit.status_index == 0
        assert permit.valid_until > permit.valid_from


def test_status_indexes_are_allocated_per_country_without_reuse(session, cast, tmp_path):
    indexes = []
    for _ in range(3):
        app, _ = actions.do_submit_application(session, cast.caseworker, eligible_submission())
        actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
        actions.do_propose_decision(session, cast.caseworker, app.id, "approved", ["met"])
        actions.do_decide(session, cast.supervisor, app.id, "approved", ["met"], keys_dir=tmp_path)
        indexes += [
            p.status_index
            for p in session.scalars(
                select(PermitRecord).where(PermitRecord.application_id == app.id)
            )
        ]
    assert indexes == [0, 1, 2]


def test_bulk_transition_applies_the_same_checks_per_item(session, cast):
    a, _ = actions.do_submit_application(session, cast.caseworker, submission())
    b, _ = actions.do_submit_application(session, cast.caseworker, submission())
    actions.do_transition(session, cast.caseworker, b.id, "in_review", "picked")
    per, _ = actions.do_submit_application(session, cast.per_caseworker, submission("PER"))
    out = actions.do_bulk_transition(
        session, cast.supervisor, [a.id, b.id, per.id], "in_review", "triage"
    )
    assert [o.status for o in out] == ["in_review", None, None]
    assert "cannot move" in (out[1].error or "") and "no application" in (out[2].error or "")
    assert actions.get_application(session, cast.caseworker, b.id).status == "in_review"


def test_supervisor_assigns_and_caseworker_takes_only_for_self(session, cast):
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    actions.do_assign(session, cast.supervisor, app.id, cast.caseworker2.id, "balance the queue")
    with pytest.raises(PermissionDeniedError):
        actions.do_assign(session, cast.caseworker, app.id, cast.caseworker2.id, "swap")
    assert (
        actions.do_assign(session, cast.caseworker, app.id, cast.caseworker.id, "mine").assigned_to
        == cast.caseworker.id
    )


def test_the_issued_permit_says_where_its_status_list_is(
    session, cast, eligible, tmp_path, monkeypatch
):
    from ruta.permits import KeyStore, verify
    from ruta.settings import get_settings

    # RUTA_PUBLIC_URL is the service's address: the permit's status reference points there.
    monkeypatch.setenv("RUTA_PUBLIC_URL", "https://migracion.example.gov/ruta/")
    get_settings.cache_clear()
    try:
        actions.do_propose_decision(session, cast.caseworker, eligible.id, "approved", ["met"])
        actions.do_decide(
            session, cast.supervisor, eligible.id, "approved", ["met"], keys_dir=tmp_path
        )
    finally:
        monkeypatch.delenv("RUTA_PUBLIC_URL")
        get_settings.cache_clear()
    permit = actions.get_permit(session, cast.caseworker, eligible.id)
    store = KeyStore(tmp_path)
    result = verify(permit.payload, store.trust_list(), [store.status_list(permit.country)])
    assert result.reason_code == "ok" and result.permit is not None
    assert result.permit.status_uri == (
        f"https://migracion.example.gov/ruta/permits/status/{permit.country}.json"
    )
