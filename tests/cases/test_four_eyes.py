"""Four eyes on every path to an ending against the applicant (issue 16, finding 1).

The rule (ruta.cases.workflow): a case reaches ``denied``, or ``withdrawn`` on the office's
initiative, only through a proposal of exactly that outcome by one person and a decision
by a supervisor who is someone else; a decision that differs from the proposal is refused
and the case goes back to review for a new proposal.

Every path into ``denied`` and into a staff ``withdrawn`` is tried here: the decision
(``do_decide`` and the API's single verb ``do_decision``), plain and bulk transitions,
the appeal route, and "send back to review". The state machine in
``test_workflow_machine.py`` tries them in random orders with several people.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.cases.conftest import submission

from ruta.cases import actions
from ruta.cases.errors import ConflictError, PermissionDeniedError
from ruta.store.models import Decision

#: The engine leaves these cases undetermined, so approving one is an override; the four-eyes
#: rules under test are the same either way.
OVERRIDE = "documents seen at the counter settle the open conditions"


@pytest.fixture
def in_review(session, cast):
    app, _ = actions.do_submit_application(session, cast.caseworker, submission())
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    return app


def _status(session, cast, app_id: str) -> str:
    return actions.get_application(session, cast.supervisor, app_id).status


def test_a_supervisor_cannot_turn_an_approval_proposal_into_a_denial(session, cast, in_review):
    actions.do_propose_decision(
        session, cast.caseworker, in_review.id, "approved", ["all met"], override_reason=OVERRIDE
    )
    for decide in (actions.do_decide, actions.do_decision):  # both verbs reach do_decide
        with pytest.raises(ConflictError) as refused:
            decide(session, cast.supervisor, in_review.id, "denied", ["I say no"])
        session.rollback()
        assert refused.value.field == "outcome" and "new proposal" in refused.value.message
    assert _status(session, cast, in_review.id) == "decision_proposed"
    # Nor the other way round: any decision is the outcome proposed.
    actions.do_transition(session, cast.supervisor, in_review.id, "in_review", "look again")
    actions.do_propose_decision(session, cast.caseworker, in_review.id, "denied", ["cut-off"])
    with pytest.raises(ConflictError):
        actions.do_decide(session, cast.supervisor, in_review.id, "approved", ["fine"])


def test_send_back_does_not_let_one_supervisor_propose_and_decide(session, cast, in_review):
    # The probe's path: the supervisor proposes a denial, sends it back, lets a caseworker's
    # approval arrive, and decides a denial alone.
    actions.do_propose_decision(session, cast.supervisor, in_review.id, "denied", ["cut-off"])
    actions.do_transition(session, cast.supervisor, in_review.id, "in_review", "more review")
    actions.do_propose_decision(
        session, cast.caseworker, in_review.id, "approved", ["all met"], override_reason=OVERRIDE
    )
    with pytest.raises(ConflictError):
        actions.do_decide(session, cast.supervisor, in_review.id, "denied", ["cut-off"])
    session.rollback()
    # Sent back again, the supervisor proposes the denial themselves: still not theirs.
    actions.do_transition(session, cast.supervisor, in_review.id, "in_review", "more review")
    actions.do_propose_decision(session, cast.supervisor, in_review.id, "denied", ["cut-off"])
    with pytest.raises(PermissionDeniedError) as refused:
        actions.do_decide(session, cast.supervisor, in_review.id, "denied", ["cut-off"])
    session.rollback()
    assert "four eyes" in refused.value.message
    decided = actions.do_decide(session, cast.supervisor2, in_review.id, "denied", ["cut-off"])
    assert (decided.proposed_by, decided.decided_by) == (cast.supervisor.id, cast.supervisor2.id)
    assert _status(session, cast, in_review.id) == "denied"


@pytest.mark.parametrize("to", ["denied", "approved", "decision_proposed"])
def test_no_transition_single_or_bulk_reaches_a_decision_state(session, cast, in_review, to):
    actions.do_propose_decision(session, cast.caseworker, in_review.id, "denied", ["cut-off"])
    with pytest.raises(ConflictError):
        actions.do_transition(session, cast.supervisor, in_review.id, to, "shortcut")
    session.rollback()
    [outcome] = actions.do_bulk_transition(session, cast.supervisor, [in_review.id], to, "bulk")
    assert outcome.error is not None and outcome.status is None
    assert _status(session, cast, in_review.id) == "decision_proposed"


def test_an_appeal_goes_back_to_review_never_straight_to_a_decision(session, cast, in_review):
    actions.do_propose_decision(session, cast.caseworker, in_review.id, "denied", ["cut-off"])
    actions.do_decide(session, cast.supervisor, in_review.id, "denied", ["cut-off"])
    actions.do_transition(session, cast.caseworker, in_review.id, "appealed", "filed at the desk")
    for to in ("denied", "approved", "withdrawn"):
        with pytest.raises((ConflictError, PermissionDeniedError)):
            actions.do_transition(session, cast.supervisor, in_review.id, to, "appeal decided")
        session.rollback()
    actions.do_transition(session, cast.supervisor, in_review.id, "in_review", "reconsider")
    # The first decision does not count as a proposal for the second.
    with pytest.raises(ConflictError):
        actions.do_decide(session, cast.supervisor2, in_review.id, "denied", ["again"])


@pytest.mark.parametrize("state", ["submitted", "in_review", "information_requested"])
def test_staff_cannot_withdraw_an_open_case_alone(session, cast, state):
    app, _ = actions.do_submit_application(session, cast.applicant, submission())
    if state != "submitted":
        actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    if state == "information_requested":
        actions.do_transition(session, cast.caseworker, app.id, state, "passport copy")
    for officer in (cast.caseworker, cast.supervisor):
        with pytest.raises(PermissionDeniedError) as refused:
            actions.do_transition(session, officer, app.id, "withdrawn", "no answer")
        session.rollback()
        assert "four eyes" in refused.value.message
        [bulk] = actions.do_bulk_transition(session, officer, [app.id], "withdrawn", "tidy up")
        assert bulk.error is not None
    assert _status(session, cast, app.id) == state


def test_staff_withdrawal_is_proposed_by_one_and_decided_by_another(session, cast, in_review):
    reasons = ["the applicant asked at the counter on 2026-11-30 (signed form)"]
    actions.do_propose_decision(session, cast.supervisor, in_review.id, "withdrawn", reasons)
    with pytest.raises(PermissionDeniedError):
        actions.do_decide(session, cast.supervisor, in_review.id, "withdrawn", reasons)
    session.rollback()
    with pytest.raises(ConflictError):  # nor may the withdrawal become a denial
        actions.do_decide(session, cast.supervisor2, in_review.id, "denied", reasons)
    session.rollback()
    decision = actions.do_decide(session, cast.supervisor2, in_review.id, "withdrawn", reasons)
    assert decision.outcome == "withdrawn" and decision.appeal_deadline is None
    assert _status(session, cast, in_review.id) == "withdrawn"


def test_the_applicant_still_withdraws_alone_at_any_open_step(session, cast):
    app, _ = actions.do_submit_application(session, cast.applicant, submission())
    actions.do_transition(session, cast.caseworker, app.id, "in_review", "picked")
    actions.do_propose_decision(session, cast.caseworker, app.id, "denied", ["cut-off"])
    actions.do_transition(session, cast.applicant, app.id, "withdrawn", "I found a job visa")
    assert _status(session, cast, app.id) == "withdrawn"
    proposal = session.scalars(select(Decision).where(Decision.application_id == app.id))
    assert [d.status for d in proposal] == ["superseded"]


def test_an_officer_discards_only_a_draft_of_their_own(session, cast):
    theirs, _ = actions.do_submit_application(session, cast.applicant, submission(), submit=False)
    mine, _ = actions.do_submit_application(session, cast.caseworker, submission(), submit=False)
    with pytest.raises(PermissionDeniedError):
        actions.do_transition(session, cast.caseworker, theirs.id, "withdrawn", "duplicate")
    session.rollback()
    actions.do_transition(session, cast.caseworker, mine.id, "withdrawn", "typed twice")
    assert _status(session, cast, mine.id) == "withdrawn"
