"""Actions on applications: submit (idempotent), read, list, transition, bulk, assign.

Each ``do_*`` checks permission, validates, writes, appends the audit event and commits;
reads of a case file (``get_application``) are audited too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role, load_application, scope_filter
from ruta.cases.actions._common import check_reason, move
from ruta.cases.audit import append_event
from ruta.cases.eligibility import evaluate_for
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, PermissionDeniedError
from ruta.cases.schemas import ApplicationCreate
from ruta.cases.workflow import DECISION_STATES, STATES, TRANSITIONS, allowed_targets, can_move
from ruta.pathways import ProfileError, UnknownPathwayError
from ruta.store.models import Applicant, Application, Decision, HouseholdMember, User

__all__ = [
    "BulkOutcome",
    "check_transition",
    "do_assign",
    "do_bulk_transition",
    "do_submit_application",
    "do_transition",
    "get_application",
    "list_applications",
]

_SUBMITTERS = frozenset({"applicant", "caseworker", "supervisor"})


def _request_hash(data: ApplicationCreate) -> str:
    body = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _by_key(session: Session, actor: User, key: str) -> Application | None:
    query = select(Application).where(
        Application.created_by == actor.id, Application.idempotency_key == key
    )
    return session.execute(query).unique().scalar_one_or_none()


def _check_household(data: ApplicationCreate, today: date) -> None:
    names = {"applicant"} | {f"{m.given_names} {m.surname_1}" for m in data.household}
    for i, member in enumerate(data.household):
        dob = member.date_of_birth
        age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        if age < 18 and member.guardian not in names:
            raise CasesError(
                "a minor needs a guardian: 'applicant' or the full name of a household member",
                field=f"household.{i}.guardian",
            )


def do_submit_application(
    session: Session,
    actor: User,
    data: ApplicationCreate,
    *,
    idempotency_key: str | None = None,
    submit: bool = True,
) -> tuple[Application, bool]:
    """Create an application, evaluate it with the engine and (by default) submit it.

    The same ``idempotency_key`` from the same user returns the first application and
    creates nothing; with a different body it is a conflict.

    Returns:
        The application and whether it was created now.

    Raises:
        UnknownPathwayError: ``field="pathway"``.
        ProfileError: ``field="profile.<path>"``.
        ConflictError: the key was used for a different submission.
    """
    check_role(actor, _SUBMITTERS, "submit applications")
    digest = _request_hash(data)
    try:
        profile, evaluation = evaluate_for(data.pathway, data.profile)
    except UnknownPathwayError as exc:
        raise UnknownPathwayError(exc.message, field="pathway") from None
    except ProfileError as exc:
        raise ProfileError(exc.message, field=f"profile.{exc.field or ''}".rstrip(".")) from None
    country = str(profile["host_country"])
    if actor.role in OFFICERS and actor.country != country:
        raise PermissionDeniedError(
            f"you take applications for {actor.country}; {data.pathway} is a {country} pathway",
            field="pathway",
        )
    _check_household(data, datetime.now(UTC).date())
    a = data.applicant
    applicant = Applicant(
        user_id=actor.id if actor.role == "applicant" else None,
        given_names=a.given_names,
        surname_1=a.surname_1,
        surname_2=a.surname_2,
        date_of_birth=a.date_of_birth,
        sex=a.sex,
        nationality=a.nationality,
        document_type=a.document.type,
        document_number=a.document.number,
        email=a.email,
        phone=a.phone,
        languages=list(a.languages),
    )
    now = datetime.now(UTC)
    app = Application(
        applicant=applicant,
        pathway_id=data.pathway,
        host_country=country,
        office=data.office or (actor.office if actor.role in OFFICERS else None),
        status="draft",
        profile=profile,
        eligibility=evaluation.result,
        engine_version=evaluation.engine_version,
        packs_version=evaluation.packs_version,
        evaluated_at=now,
        created_by=actor.id,
        idempotency_key=idempotency_key,
        request_hash=digest,
        household=[
            HouseholdMember(
                given_names=m.given_names,
                surname_1=m.surname_1,
                surname_2=m.surname_2,
                date_of_birth=m.date_of_birth,
                relationship=m.relationship,
                nationality=m.nationality,
                guardian=m.guardian,
            )
            for m in data.household
        ],
    )
    session.add(app)
    try:
        session.flush()
    except IntegrityError:
        # Why no look-up before the insert: replays are rare and the unique constraint
        # answers them (and concurrent retries) for free; the common path saves a query.
        session.rollback()
        found = _by_key(session, actor, idempotency_key or "")
        if found is None:
            raise
        if found.request_hash != digest:
            raise ConflictError(
                "this Idempotency-Key was used for a different submission; use a new key",
                field="Idempotency-Key",
            ) from None
        return found, False
    if submit:
        move(session, app, "submitted", actor, "submitted by the applicant or at intake")
    append_event(
        session,
        actor,
        "application.create",
        "application",
        app.id,
        {"status": app.status, "pathway": app.pathway_id, "packs": app.packs_version},
    )
    finish(session)
    return app, True


def get_application(session: Session, actor: User, application_id: str) -> Application:
    """Read one case file (audited as ``application.read``).

    Raises:
        NotFoundError: unknown or outside the caller's scope.
    """
    app = load_application(session, actor, application_id)
    append_event(session, actor, "application.read", "application", app.id)
    finish(session)
    return app


def list_applications(
    session: Session,
    actor: User,
    *,
    status: str | None = None,
    pathway: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[Application], int]:
    """A page of the applications in scope, oldest submission first (the work queue).

    Returns:
        The page and the total count matching the filters.
    """
    if status is not None and status not in STATES:
        raise CasesError(
            f"{status!r} is not a status; use one of {', '.join(STATES)}", field="status"
        )
    if page < 1:
        raise CasesError(f"pages start at 1 (got {page})", field="page")
    cond = scope_filter(actor)
    if status:
        cond = cond & (Application.status == status)
    if pathway:
        cond = cond & (Application.pathway_id == pathway)
    total = int(session.scalar(select(func.count()).select_from(Application).where(cond)) or 0)
    query = (
        select(Application)
        .where(cond)
        .order_by(Application.submitted_at.asc().nulls_last(), Application.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    items = list(session.execute(query).unique().scalars())
    filters = {"status": status, "pathway": pathway, "page": page, "returned": len(items)}
    append_event(session, actor, "application.list", "application", "*", filters)
    finish(session)
    return items, total


def _appeal_open(session: Session, app: Application) -> bool:
    query = (
        select(Decision.appeal_deadline)
        .where(Decision.application_id == app.id, Decision.status == "final")
        .order_by(Decision.id.desc())
        .limit(1)
    )
    deadline = session.scalar(query)
    return deadline is not None and datetime.now(UTC).date() <= deadline


def check_transition(session: Session, actor: User, app: Application, to: str) -> None:
    """Refuse a step the workflow or the actor's role does not allow.

    Raises:
        CasesError: ``to`` is not a state.
        ConflictError: not allowed from the current state (the message lists what is).
        PermissionDeniedError: allowed, but not for this role.
    """
    if to not in STATES:
        raise CasesError(f"{to!r} is not a status; use one of {', '.join(STATES)}", field="to")
    if to in DECISION_STATES:
        raise ConflictError(
            f"{to} is reached through POST /applications/{{id}}/decision, with reasons",
            field="to",
        )
    if (app.status, to) not in TRANSITIONS:
        options = ", ".join(allowed_targets(app.status)) or "none"
        raise ConflictError(
            f"an application that is {app.status} cannot move to {to}; allowed: {options}",
            field="to",
        )
    if not can_move(actor.role, app.status, to):
        raise PermissionDeniedError(f"a {actor.role} may not move {app.status} to {to}", field="to")
    if to == "appealed" and not _appeal_open(session, app):
        raise ConflictError("the appeal period of this denial has ended", field="to")


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
    move(session, app, to, actor, reason)
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
        raise CasesError("send at most 500 applications per bulk action", field="ids")
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
    check_role(actor, OFFICERS, "assign cases")
    text = check_reason(reason)
    app = load_application(session, actor, application_id, for_update=True)
    if actor.role == "caseworker" and assignee_id != actor.id:
        raise PermissionDeniedError(
            "a caseworker may only take a case for themselves", field="assignee"
        )
    assignee = session.get(User, assignee_id)
    if assignee is None or assignee.role not in OFFICERS or assignee.country != app.host_country:
        raise NotFoundError(f"no officer {assignee_id} in {app.host_country}", field="assignee")
    previous = app.assigned_to
    app.assigned_to = assignee.id
    app.updated_at = datetime.now(UTC)
    data = {"from": previous, "to": assignee.id, "reason": text}
    append_event(session, actor, "application.assign", "application", app.id, data)
    finish(session)
    return app
