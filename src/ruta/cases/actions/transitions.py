"""Actions that move cases: one transition, bulk transitions, assignment.

Every step goes through :func:`check_transition` (the workflow table, the actor's role,
the appeal period), so a bulk action can never do what a single one could not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role, load_application
from ruta.cases.actions._common import check_reason, move
from ruta.cases.actions.notifications import notify_information_request
from ruta.cases.audit import append_event
from ruta.cases.clock import now as clock_now
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, PermissionDeniedError, word
from ruta.cases.workflow import DECISION_STATES, STATES, TRANSITIONS, allowed_targets, can_move
from ruta.i18n import N_, Text
from ruta.store.models import Application, Decision, User

__all__ = [
    "BulkOutcome",
    "check_transition",
    "do_assign",
    "do_bulk_transition",
    "do_transition",
]


def _appeal_open(session: Session, app: Application) -> bool:
    query = (
        select(Decision.appeal_deadline)
        .where(Decision.application_id == app.id, Decision.status == "final")
        .order_by(Decision.id.desc())
        .limit(1)
    )
    deadline = session.scalar(query)
    return deadline is not None and clock_now(session).date() <= deadline


def check_transition(session: Session, actor: User, app: Application, to: str) -> None:
    """Refuse a step the workflow or the actor's role does not allow.

    Raises:
        CasesError: ``to`` is not a state.
        ConflictError: not allowed from the current state (the message lists what is).
        PermissionDeniedError: allowed, but not for this role.
    """
    if to not in STATES:
        raise CasesError(
            N_("%(status)s is not a status; use one of %(statuses)s"),
            field="to",
            status=repr(to),
            statuses=", ".join(STATES),
        )
    if to in DECISION_STATES:
        raise ConflictError(
            N_("%(status)s is reached through POST /applications/{id}/decision, with reasons"),
            field="to",
            status=word(to),
        )
    if (app.status, to) not in TRANSITIONS:
        options = ", ".join(allowed_targets(app.status)) or Text(N_("none"))
        raise ConflictError(
            N_("an application that is %(status)s cannot move to %(to)s; allowed: %(options)s"),
            field="to",
            status=word(app.status),
            to=word(to),
            options=options,
        )
    if to == "withdrawn" and actor.role in OFFICERS and app.status == "draft":
        if app.created_by != actor.id:
            raise PermissionDeniedError(
                N_(
                    "an officer may discard only a draft they started; the applicant's own "
                    "draft is theirs to withdraw"
                ),
                field="to",
            )
    elif to == "withdrawn" and actor.role in OFFICERS:
        raise PermissionDeniedError(
            N_(
                "four eyes: an officer ends a case as withdrawn by proposing the outcome "
                "'withdrawn' with reasons (POST /applications/{id}/decision, from in_review); "
                "a supervisor other than the proposer decides it"
            ),
            field="to",
        )
    if not can_move(actor.role, app.status, to):
        raise PermissionDeniedError(
            N_("a %(role)s may not move %(status)s to %(to)s"),
            field="to",
            role=word(actor.role),
            status=word(app.status),
            to=word(to),
        )
    if to == "appealed" and not _appeal_open(session, app):
        raise ConflictError(N_("the appeal period of this denial has ended"), field="to")


def _transition(
    session: Session, actor: User, application_id: str, to: str, reason: str
) -> Application:
    app = load_application(session, actor, application_id, for_update=True)
    check_transition(session, actor, app, to)
    src = app.status
    if src == "decision_proposed":
        # A proposal sent back (or withdrawn over) is kept for the record, not decided.
        for proposal in session.scalars(
            select(Decision).where(Decision.application_id == app.id, Decision.status == "proposed")
        ):
            proposal.status = "superseded"
    step = move(session, app, to, actor, reason)
    if to == "information_requested":
        session.flush()
        notify_information_request(session, app, step.id, reason, step.at)
    data = {"from": src, "to": to, "reason": reason}
    append_event(session, actor, "application.transition", "application", app.id, data)
    return app


def do_transition(
    session: Session, actor: User, application_id: str, to: str, reason: str
) -> Application:
    """Move one application to ``to`` with a reason (see :func:`check_transition`)."""
    text = check_reason(reason)
    app = _transition(session, actor, application_id, to, text)
    finish(session)
    return app


@dataclass(frozen=True)
class BulkOutcome:
    """Per-application result of a bulk action: ``error`` is ``None`` on success."""

    application_id: str
    status: str | None
    error: str | None = None


def do_bulk_transition(
    session: Session, actor: User, application_ids: list[str], to: str, reason: str
) -> list[BulkOutcome]:
    """Apply one transition to many applications, each through the same checks.

    A refused item does not stop the others (each runs in its own savepoint); all the
    accepted ones commit together.
    """
    text = check_reason(reason)
    if len(application_ids) > 500:
        raise CasesError(N_("send at most 500 applications per bulk action"), field="ids")
    outcomes = []
    for app_id in application_ids:
        try:
            with session.begin_nested():
                app = _transition(session, actor, app_id, to, text)
            outcomes.append(BulkOutcome(app_id, app.status))
        except CasesError as exc:
            outcomes.append(BulkOutcome(app_id, None, str(exc)))
    finish(session)
    return outcomes


def do_assign(
    session: Session, actor: User, application_id: str, assignee_id: int, reason: str
) -> Application:
    """Assign a case: a supervisor to any officer of the country, a caseworker to self."""
    check_role(actor, OFFICERS, N_("assign cases"))
    text = check_reason(reason)
    app = load_application(session, actor, application_id, for_update=True)
    if actor.role == "caseworker" and assignee_id != actor.id:
        raise PermissionDeniedError(
            N_("a caseworker may only take a case for themselves"), field="assignee"
        )
    assignee = session.get(User, assignee_id)
    if assignee is None or assignee.role not in OFFICERS or assignee.country != app.host_country:
        raise NotFoundError(
            N_("no officer %(officer)s in %(country)s"),
            field="assignee",
            officer=str(assignee_id),
            country=app.host_country,
        )
    previous = app.assigned_to
    app.assigned_to = assignee.id
    app.updated_at = clock_now(session)
    data = {"from": previous, "to": assignee.id, "reason": text}
    append_event(session, actor, "application.assign", "application", app.id, data)
    finish(session)
    return app
