"""The application workflow: states, allowed transitions and who may make each one.

Examples:
    >>> allowed_targets("in_review")
    ('information_requested', 'decision_proposed', 'withdrawn')
    >>> can_move("caseworker", "submitted", "in_review")
    True
    >>> can_move("caseworker", "decision_proposed", "denied")
    False
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DECISION_STATES",
    "FINAL_STATES",
    "ROLES",
    "STATES",
    "TRANSITIONS",
    "allowed_targets",
    "can_move",
]

ROLES: Final = ("applicant", "caseworker", "supervisor", "auditor", "admin")

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

#: Nothing leaves these except an appeal of a denial.
FINAL_STATES: Final = ("approved", "denied", "withdrawn")

_OFFICERS: Final = frozenset({"caseworker", "supervisor"})
_OPEN: Final = ("submitted", "in_review", "information_requested", "decision_proposed")

#: (from, to) -> roles that may make the move. Withdrawal is the applicant's choice; an
#: officer may record it too (the applicant asked at the counter), with the reason.
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
    **{(s, "withdrawn"): frozenset({"applicant"}) | _OFFICERS for s in _OPEN},
}


def allowed_targets(state: str) -> tuple[str, ...]:
    """States reachable from ``state`` in one step (in workflow order)."""
    return tuple(t for t in STATES if (state, t) in TRANSITIONS)


def can_move(role: str, src: str, dst: str) -> bool:
    """Whether ``role`` may move a case from ``src`` to ``dst``."""
    return role in TRANSITIONS.get((src, dst), frozenset())
