"""The application workflow: states, allowed transitions and who may make each one.

Ending a case against the applicant takes two people (four eyes). A case reaches
``denied``, or ``withdrawn`` on the office's initiative, only through a decision: one
officer proposes exactly that outcome (:data:`PROPOSED_OUTCOMES`), and a supervisor who
is someone else decides it (:func:`four_eyes_problem`). A decision that differs from
the proposal is refused: the case goes back to review for a new proposal. A plain
transition reaches neither state, except the applicant's own withdrawal, or an officer
discarding a draft that the officer started.

Examples:
    >>> allowed_targets("in_review")
    ('information_requested', 'decision_proposed', 'withdrawn')
    >>> can_move("caseworker", "submitted", "in_review")
    True
    >>> can_move("caseworker", "decision_proposed", "denied")
    False
    >>> can_move("caseworker", "in_review", "withdrawn")  # staff withdraw by a decision
    False
    >>> four_eyes_problem("denied", 7, "denied", 8) is None
    True
    >>> four_eyes_problem("approved", 7, "denied", 8)
    'differs'
    >>> four_eyes_problem("denied", 7, "denied", 7)
    'same person'
"""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "DECISION_STATES",
    "FINAL_STATES",
    "FOUR_EYES_OUTCOMES",
    "PROPOSED_OUTCOMES",
    "ROLES",
    "STATES",
    "TRANSITIONS",
    "allowed_targets",
    "can_move",
    "four_eyes_problem",
]

#: ``regional``: a regional forum's reader; sees the published (disclosure-controlled)
#: statistics of every state and nothing else (no case, office or account).
ROLES: Final = ("applicant", "caseworker", "supervisor", "auditor", "admin", "regional")

STATES: Final = (
    "draft",
    "submitted",
    "in_review",
    "information_requested",
    "decision_proposed",
    "approved",
    "denied",
    "withdrawn",
    "appealed",
)

#: Reached only through the decision actions (they need reasons and the legal basis).
DECISION_STATES: Final = ("decision_proposed", "approved", "denied")

#: What a proposal may propose, and so what a final decision may decide.
PROPOSED_OUTCOMES: Final = ("approved", "denied", "withdrawn")

#: Outcomes that end a case against the applicant: never proposed and decided by one person.
FOUR_EYES_OUTCOMES: Final = frozenset({"denied", "withdrawn"})

#: Nothing leaves these except an appeal of a denial.
FINAL_STATES: Final = ("approved", "denied", "withdrawn")

_OFFICERS: Final = frozenset({"caseworker", "supervisor"})
_OPEN: Final = ("submitted", "in_review", "information_requested", "decision_proposed")

#: (from, to) -> roles that may make the move with a plain transition. Withdrawal is the
#: applicant's choice; an officer who records it (the applicant asked at the counter, or
#: stopped answering) proposes ``withdrawn`` and another person decides, as for a denial.
#: Officers may discard a draft, but only one they started themselves (checked by the
#: transition action, which knows who created it).
TRANSITIONS: Final[dict[tuple[str, str], frozenset[str]]] = {
    ("draft", "submitted"): frozenset({"applicant", "caseworker", "supervisor"}),
    ("draft", "withdrawn"): frozenset({"applicant", "caseworker", "supervisor"}),
    ("submitted", "in_review"): _OFFICERS,
    ("in_review", "information_requested"): _OFFICERS,
    ("information_requested", "in_review"): frozenset({"applicant"}) | _OFFICERS,
    ("in_review", "decision_proposed"): _OFFICERS,
    # A supervisor sends a proposal back for more review instead of deciding.
    ("decision_proposed", "in_review"): frozenset({"supervisor"}),
    ("decision_proposed", "approved"): frozenset({"supervisor"}),
    ("decision_proposed", "denied"): frozenset({"supervisor"}),
    ("denied", "appealed"): frozenset({"applicant", "caseworker", "supervisor"}),
    ("appealed", "in_review"): frozenset({"supervisor"}),
    **{(s, "withdrawn"): frozenset({"applicant"}) for s in _OPEN},
}


def allowed_targets(state: str) -> tuple[str, ...]:
    """States reachable from ``state`` in one step (in workflow order)."""
    return tuple(t for t in STATES if (state, t) in TRANSITIONS)


def can_move(role: str, src: str, dst: str) -> bool:
    """Whether ``role`` may move a case from ``src`` to ``dst``."""
    return role in TRANSITIONS.get((src, dst), frozenset())


FourEyesProblem = Literal["differs", "same person"]


def four_eyes_problem(
    proposed: str, proposed_by: int, outcome: str, decider: int
) -> FourEyesProblem | None:
    """What is wrong with deciding ``outcome`` on a proposal of ``proposed``, if anything.

    Returns:
        ``"differs"`` when the decision is not what was proposed (it needs a new proposal),
        ``"same person"`` when the proposer would decide a denial or withdrawal alone,
        ``None`` when the decision may be taken.
    """
    if outcome != proposed:
        return "differs"
    if outcome in FOUR_EYES_OUTCOMES and proposed_by == decider:
        return "same person"
    return None
