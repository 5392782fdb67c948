"""The case file as an officer or an auditor reads it: one read action, audited once.

:func:`read_case` loads the application once (in the reader's scope), gathers everything
the case page shows from it and says which next steps the workflow allows this reader
(:class:`NextSteps`), so that a page renders a :class:`CaseFile` and decides nothing
about roles itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role, load_application
from ruta.cases.actions.appointments import AppointmentView, bookings_of
from ruta.cases.actions.decisions import current_decision
from ruta.cases.actions.documents import ChecklistItem, checklist_of
from ruta.cases.actions.duplicates import duplicate_checking_off, duplicate_view
from ruta.cases.actions.notes import notes_of, steps_of
from ruta.cases.actions.notifications import outbox_of
from ruta.cases.assessment import Assessment, assess_at_intake, assess_today
from ruta.cases.audit import append_event
from ruta.cases.override import against_engine, engine_assessment
from ruta.cases.registries import RegistryIndexes
from ruta.cases.workflow import allowed_targets, can_move
from ruta.i18n import N_
from ruta.store.models import Application, Decision, Note, OutboxMessage, Transition, User

__all__ = ["READERS", "CaseFile", "NextSteps", "next_steps", "read_case"]

#: Who reads case files: the officers who work them and the auditors who check them.
READERS = OFFICERS | {"auditor"}


@dataclass(frozen=True)
class NextSteps:
    """What the reader may do next on the case, from the workflow and the reader's role.

    Attributes:
        work: Upload and verify documents, record attendance, add notes (officers).
        start_review: Move the case to ``in_review``.
        request_information: Ask the applicant for information.
        propose_decision: Propose an outcome (a case in review, officers).
        decide: Confirm the proposed decision or send it back (supervisors).
        take: Take the case (a caseworker it is not assigned to).
        assign: Assign the case to an officer (supervisors).
    """

    work: bool = False
    start_review: bool = False
    request_information: bool = False
    propose_decision: bool = False
    decide: bool = False
    take: bool = False
    assign: bool = False


def next_steps(actor: User, app: Application) -> NextSteps:
    """The steps the workflow allows ``actor`` on ``app`` now (the actions check again).

    Examples:
        >>> cw = User(id=1, role="caseworker")
        >>> steps = next_steps(cw, Application(status="submitted", assigned_to=None))
        >>> steps.start_review, steps.request_information, steps.take, steps.decide
        (True, False, True, False)
        >>> next_steps(User(id=2, role="auditor"), Application(status="in_review"))
        NextSteps(work=False, start_review=False, request_information=False, propose_decision=False, decide=False, take=False, assign=False)
    """  # noqa: E501 - a doctest's output is one line
    role, status = actor.role, app.status
    targets = {t for t in allowed_targets(status) if can_move(role, status, t)}
    officer = role in OFFICERS
    return NextSteps(
        work=officer,
        start_review=officer and "in_review" in targets and status != "decision_proposed",
        request_information=officer and "information_requested" in targets,
        propose_decision=officer and status == "in_review",
        decide=role == "supervisor" and status == "decision_proposed",
        take=role == "caseworker" and app.assigned_to != actor.id,
        assign=role == "supervisor",
    )


@dataclass(frozen=True)
class CaseFile:
    """Everything a case page shows about one case, read once.

    Attributes:
        application: The application, with its applicant and household.
        assessment: The engine's result in the reader's language (at intake or today).
        documents: The pack's required documents with the best status among the uploads.
        notes: Officers' notes, oldest first.
        history: The workflow steps, oldest first.
        decision: The latest proposed or final decision.
        engine_status: The engine's assessment at intake (``eligible``, ``ineligible`` or
            ``undetermined``): what a decision is compared with, whatever ``rules`` shows.
        decision_against_engine: The pending proposal goes against the engine (the
            supervisor gives an override reason too).
        appointments: Every booking, newest first.
        messages: The messages sent or withheld, oldest first.
        duplicates: The stored registry search with each candidate's review status, or
            None (no search recorded, or a reader who may not see other people's records).
        duplicates_off: True when the reader must be told duplicate checking is off.
        officers: The host country's active officers (who the case may be assigned to).
        next_steps: What the reader may do next.
    """

    application: Application
    assessment: Assessment
    documents: list[ChecklistItem]
    notes: list[Note]
    history: list[Transition]
    decision: Decision | None
    engine_status: str
    decision_against_engine: bool
    appointments: list[AppointmentView]
    messages: list[OutboxMessage]
    duplicates: dict[str, Any] | None
    duplicates_off: bool
    officers: list[User]
    next_steps: NextSteps


def _officers(session: Session, country: str) -> list[User]:
    # User names only (no case data): the choice of assignee; do_assign checks it again.
    query = select(User).where(
        User.role.in_(sorted(OFFICERS)), User.country == country, User.active.is_(True)
    )
    return list(session.scalars(query))


def read_case(
    session: Session,
    actor: User,
    application_id: str,
    *,
    registries: RegistryIndexes,
    lang: str = "en",
    rules: Literal["intake", "today"] = "intake",
) -> CaseFile:
    """Read a case file for an officer or an auditor (one ``application.read`` audit event).

    Args:
        session: The request's session.
        actor: The reader.
        application_id: The case.
        registries: The process's registries (whether duplicate checking is off).
        lang: The reader's language, for the engine's texts and the document labels.
        rules: ``intake`` (the rules of the intake date, as stored) or ``today`` (what
            today's rules say; read-only).

    Raises:
        PermissionDeniedError: not an officer or an auditor.
        NotFoundError: no such application in the reader's scope.
    """
    check_role(actor, READERS, N_("read case files"))
    app = load_application(session, actor, application_id)
    append_event(session, actor, "application.read", "application", app.id)
    finish(session)  # the read is recorded even if the page fails to render later
    assess = assess_today if rules == "today" else assess_at_intake
    decision = current_decision(session, app)
    engine_status = str(engine_assessment(app)["status"])
    return CaseFile(
        application=app,
        assessment=assess(app, lang),
        documents=checklist_of(session, app, lang),
        notes=notes_of(session, actor, app),
        history=steps_of(session, app),
        decision=decision,
        engine_status=engine_status,
        decision_against_engine=decision is not None
        and decision.status == "proposed"
        and against_engine(decision.outcome, engine_status),
        appointments=bookings_of(session, app),
        messages=outbox_of(session, app),
        duplicates=duplicate_view(session, actor, app),
        duplicates_off=duplicate_checking_off(actor, app, registries),
        officers=_officers(session, app.host_country),
        next_steps=next_steps(actor, app),
    )
