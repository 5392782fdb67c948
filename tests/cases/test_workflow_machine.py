"""A Hypothesis state machine of the workflow against an independent reference table.

Random actors (an applicant, two caseworkers, two supervisors, an auditor) try random
moves, bulk moves, proposals and decisions on one application; the actions must accept
exactly what the reference allows, never skip a state, record every step, and leave an
audit chain that verifies. Whatever the order, the stored history must show four eyes on
every ending against the applicant (issue 16): each step into ``denied``, or into
``withdrawn`` by an officer from a submitted case, follows a proposal of that same outcome
by someone else.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from tests.cases.conftest import submission

from ruta.cases import actions, verify_chain
from ruta.cases.errors import CasesError
from ruta.store.models import Decision, Transition, User

ALL_STATES = [
    "draft", "submitted", "in_review", "information_requested", "decision_proposed",
    "approved", "denied", "withdrawn", "appealed",
]  # fmt: skip
A, C, S = "applicant", "caseworker", "supervisor"

# The reference, written from the issue text independently of ruta.cases.workflow:
# state -> target -> roles allowed to move there with a plain transition. Officers end an
# open case as withdrawn only by a decision (four eyes); they may discard a draft they
# started themselves (the drafts here are the applicant's, so officers may not).
REFERENCE: dict[str, dict[str, set[str]]] = {
    "draft": {"submitted": {A, C, S}, "withdrawn": {A, C, S}},
    "submitted": {"in_review": {C, S}, "withdrawn": {A}},
    "in_review": {"information_requested": {C, S}, "withdrawn": {A}},
    "information_requested": {"in_review": {A, C, S}, "withdrawn": {A}},
    "decision_proposed": {"in_review": {S}, "withdrawn": {A}},
    "denied": {"appealed": {A, C, S}},
    "appealed": {"in_review": {S}},
    "approved": {},
    "withdrawn": {},
}

ACTORS = ["applicant", "caseworker", "caseworker2", "supervisor", "supervisor2", "auditor"]
OUTCOMES = ["approved", "denied", "withdrawn"]


def allowed_move(role: str, status: str, to: str) -> bool:
    """The reference, with the one rule that depends on the case: an officer may discard
    only a draft they created (the machine's drafts are the applicant's)."""
    if to == "withdrawn" and status == "draft" and role in (C, S):
        return False
    return role in REFERENCE[status].get(to, set())


def assert_four_eyes_in_history(session, app_id: str) -> None:
    """Every ending against the applicant in the stored history had a distinct proposer
    of that very outcome (read from the database, not from the machine's model)."""
    roles = dict(session.execute(select(User.id, User.role)).tuples().all())
    steps = session.scalars(
        select(Transition).where(Transition.application_id == app_id).order_by(Transition.id)
    ).all()
    for before, step in itertools.pairwise(steps):
        staff_withdrawal = (
            step.to_status == "withdrawn"
            and roles[step.actor_id] in (C, S)
            and step.from_status != "draft"
        )
        if step.to_status == "denied" or staff_withdrawal:
            assert before.to_status == "decision_proposed", (before, step)
            assert before.reason.startswith(f"proposed {step.to_status}:"), before.reason
            assert before.actor_id != step.actor_id, "one person proposed and decided"
    for decision in session.scalars(
        select(Decision).where(Decision.application_id == app_id, Decision.status == "final")
    ):
        if decision.outcome in ("denied", "withdrawn"):
            assert decision.proposed_by != decision.decided_by


def test_workflow_follows_the_reference(session, cast, tmp_path):
    people = {name: getattr(cast, name) for name in ACTORS}

    class Workflow(RuleBasedStateMachine):
        @initialize(submit=st.booleans())
        def create(self, submit: bool) -> None:
            app, _ = actions.do_submit_application(
                session, cast.applicant, submission(), submit=submit
            )
            self.app_id, self.status = app.id, app.status
            self.proposer: str | None = None
            self.proposed: str | None = None

        def _attempt(self, expected: bool, action, *args, **kwargs) -> bool:
            try:
                action(session, *args, **kwargs)
            except CasesError:
                session.rollback()  # a request boundary: the failed request leaves nothing
                assert not expected, "the reference allows this step"
                return False
            assert expected, "the reference forbids this step"
            return True

        @rule(who=st.sampled_from(ACTORS), to=st.sampled_from(ALL_STATES))
        def move(self, who: str, to: str) -> None:
            expected = allowed_move(people[who].role, self.status, to)
            if self._attempt(expected, actions.do_transition, people[who], self.app_id, to, "r"):
                if self.status == "decision_proposed":
                    self.proposer = self.proposed = None
                self.status = to

        @rule(who=st.sampled_from(ACTORS), to=st.sampled_from(ALL_STATES))
        def bulk_move(self, who: str, to: str) -> None:
            expected = allowed_move(people[who].role, self.status, to)
            try:
                [outcome] = actions.do_bulk_transition(
                    session, people[who], [self.app_id], to, "bulk"
                )
            except CasesError:
                session.rollback()
                assert not expected, "the reference allows this step"
                return
            assert (outcome.error is None) == expected, outcome
            if outcome.error is None:
                if self.status == "decision_proposed":
                    self.proposer = self.proposed = None
                self.status = to

        @rule(who=st.sampled_from(ACTORS), outcome=st.sampled_from(OUTCOMES))
        def propose(self, who: str, outcome: str) -> None:
            expected = self.status == "in_review" and people[who].role in (C, S)
            args = (people[who], self.app_id, outcome, ["why"])
            # The machine's case is undetermined by the engine: an approval is an override.
            why = {"override_reason": "why anyway"} if outcome == "approved" else {}
            if self._attempt(expected, actions.do_propose_decision, *args, **why):
                self.status, self.proposer, self.proposed = "decision_proposed", who, outcome

        @rule(who=st.sampled_from(ACTORS), outcome=st.sampled_from(OUTCOMES))
        def decide(self, who: str, outcome: str) -> None:
            # Written from the issue: only a supervisor, only the outcome proposed, and a
            # denial or withdrawal never by its proposer.
            expected = (
                self.status == "decision_proposed"
                and people[who].role == S
                and outcome == self.proposed
                and not (outcome in ("denied", "withdrawn") and who == self.proposer)
            )
            args = (people[who], self.app_id, outcome, ["why"])
            why = {"override_reason": "why anyway"} if outcome == "approved" else {}
            if self._attempt(expected, actions.do_decide, *args, keys_dir=tmp_path, **why):
                self.status, self.proposer, self.proposed = outcome, None, None

        @invariant()
        def no_ending_against_the_applicant_without_a_second_person(self) -> None:
            assert_four_eyes_in_history(session, self.app_id)

        @invariant()
        def stored_status_matches_and_no_state_is_skipped(self) -> None:
            app = actions.get_application(session, cast.supervisor, self.app_id)
            assert app.status == self.status
            steps = session.scalars(
                select(Transition)
                .where(Transition.application_id == self.app_id)
                .order_by(Transition.id)
            ).all()
            previous = "draft"
            for step in steps:
                assert step.from_status == previous and step.reason and step.actor_id
                previous = step.to_status
            assert previous == self.status

        def teardown(self) -> None:
            assert verify_chain(session).intact

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


@pytest.mark.parametrize("state", ALL_STATES)
def test_reference_and_workflow_table_agree(state):
    from ruta.cases.workflow import DECISION_STATES, can_move

    for to in ALL_STATES:
        if to in DECISION_STATES:
            continue
        for role in (A, C, S, "auditor", "admin"):
            assert can_move(role, state, to) == (role in REFERENCE[state].get(to, set())), (
                state,
                to,
                role,
            )
