"""A Hypothesis state machine of the workflow against an independent reference table.

Random actors try random moves, proposals and decisions on one application; the actions
must accept exactly what the reference allows, never skip a state, record every step,
and leave an audit chain that verifies.
"""

from __future__ import annotations

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
from ruta.store.models import Transition

ALL_STATES = [
    "draft", "submitted", "in_review", "information_requested", "decision_proposed",
    "approved", "denied", "withdrawn", "appealed",
]  # fmt: skip
A, C, S = "applicant", "caseworker", "supervisor"

# The reference, written from the issue text independently of ruta.cases.workflow:
# state -> target -> roles allowed to move there with a plain transition.
REFERENCE: dict[str, dict[str, set[str]]] = {
    "draft": {"submitted": {A, C, S}, "withdrawn": {A, C, S}},
    "submitted": {"in_review": {C, S}, "withdrawn": {A, C, S}},
    "in_review": {"information_requested": {C, S}, "withdrawn": {A, C, S}},
    "information_requested": {"in_review": {A, C, S}, "withdrawn": {A, C, S}},
    "decision_proposed": {"in_review": {S}, "withdrawn": {A, C, S}},
    "denied": {"appealed": {A, C, S}},
    "appealed": {"in_review": {S}},
    "approved": {},
    "withdrawn": {},
}

ACTORS = ["applicant", "caseworker", "caseworker2", "supervisor", "supervisor2", "auditor"]


def test_workflow_follows_the_reference(session, cast, tmp_path):
    people = {name: getattr(cast, name) for name in ACTORS}

    class Workflow(RuleBasedStateMachine):
        @initialize(submit=st.booleans())
        def create(self, submit: bool) -> None:
            app, _ = actions.do_submit_application(
                session, cast.applicant, submission(), submit=submit
            )
            self.app_id, self.status, self.proposer = app.id, app.status, None

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
            role = people[who].role
            expected = role in REFERENCE[self.status].get(to, set())
            if self._attempt(expected, actions.do_transition, people[who], self.app_id, to, "r"):
                if self.status == "decision_proposed":
                    self.proposer = None
                self.status = to

        @rule(who=st.sampled_from(ACTORS), outcome=st.sampled_from(["approved", "denied"]))
        def propose(self, who: str, outcome: str) -> None:
            expected = self.status == "in_review" and people[who].role in (C, S)
            args = (people[who], self.app_id, outcome, ["why"])
            if self._attempt(expected, actions.do_propose_decision, *args):
                self.status, self.proposer = "decision_proposed", who

        @rule(who=st.sampled_from(ACTORS), outcome=st.sampled_from(["approved", "denied"]))
        def decide(self, who: str, outcome: str) -> None:
            expected = (
                self.status == "decision_proposed"
                and people[who].role == S
                and not (outcome == "denied" and who == self.proposer)
            )
            args = (people[who], self.app_id, outcome, ["why"])
            if self._attempt(expected, actions.do_decide, *args, keys_dir=tmp_path):
                self.status, self.proposer = outcome, None

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
            max_examples=12,
            stateful_step_count=12,
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
