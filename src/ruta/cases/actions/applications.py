"""Actions on applications: submit (idempotent), read and list (moves: ``transitions``).

Each ``do_*`` checks permission, validates, writes, appends the audit event and commits;
reads of a case file (``get_application``) are audited too.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role, load_application, scope_filter
from ruta.cases.actions.duplicates import record_duplicate_search

# Re-exported: pages written against the first layout import the moves from here.
from ruta.cases.actions.transitions import (
    BulkOutcome,
    check_transition,
    do_assign,
    do_bulk_transition,
    do_transition,
)
from ruta.cases.audit import append_event
from ruta.cases.clock import now as clock_now
from ruta.cases.eligibility import Evaluation, evaluate_for
from ruta.cases.errors import CasesError, ConflictError, PermissionDeniedError
from ruta.cases.registries import RegistryIndexes
from ruta.cases.schemas import ApplicationCreate
from ruta.cases.workflow import FINAL_STATES, STATES
from ruta.i18n import N_
from ruta.partial_dates import ages_on, parse_partial_date, partial_bounds
from ruta.pathways import ProfileError, UnknownPathwayError
from ruta.store.models import Applicant, Application, HouseholdMember, Transition, User

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
_APPLICANTS = cast(Table, Applicant.__table__)
_APPLICATIONS = cast(Table, Application.__table__)
_TRANSITIONS = cast(Table, Transition.__table__)
_MEMBERS = cast(Table, HouseholdMember.__table__)


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
        youngest, _oldest = ages_on(member.date_of_birth, today)
        # A birth known only to the year or the month counts as a minor while any day it may
        # be would make the person under 18: a child is never left without a guardian on a
        # guess about their birthday.
        if youngest < 18 and member.guardian not in names:
            raise CasesError(
                N_("a minor needs a guardian: 'applicant' or the full name of a household member"),
                field=f"household.{i}.guardian",
            )


def _with_birth_date(profile: dict[str, Any], born: str) -> dict[str, Any]:
    """The profile carrying the applicant's date of birth, the one the case stands on.

    The profile describes the applicant, so the engine must judge the birth date the
    applicant gives (and signs) on the form, which the finder's answer prefilled; an answer
    the form made more precise (or less) follows the form.

    Raises:
        CasesError: the profile states a birth date that cannot be the same day
            (``field="applicant.date_of_birth"``).
    """
    stated = profile.get("date_of_birth")
    if stated is not None:
        try:
            first, last = partial_bounds(parse_partial_date(stated))
        except ValueError:
            return profile  # the engine names the malformed profile field
        born_first, born_last = partial_bounds(born)
        if born_last < first or last < born_first:
            raise CasesError(
                N_(
                    "%(born)s cannot be the date of birth given in the eligibility answers "
                    "(%(stated)s); correct one of them"
                ),
                field="applicant.date_of_birth",
                born=str(born),
                stated=str(stated),
            )
    return {**profile, "date_of_birth": born}


def do_submit_application(
    session: Session,
    actor: User,
    data: ApplicationCreate,
    *,
    idempotency_key: str | None = None,
    submit: bool = True,
    registries: RegistryIndexes | None = None,
) -> tuple[Application, bool]:
    """Create an application, evaluate it with the engine and (by default) submit it.

    The same ``idempotency_key`` from the same user returns the first application and
    creates nothing; with a different body it is a conflict.

    With ``registries`` (the process's, from the web app or the CLI), the application is
    searched against its host state's registry for duplicates
    (:func:`ruta.cases.actions.duplicates.record_duplicate_search`).

    Returns:
        The application and whether it was created now.

    The applicant's ``date_of_birth`` (``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` when only
    the month or the year is known) becomes the profile's, so that the engine judges the
    date the case stands on; a minor in the household, or a member who may be one while
    the day is unknown, names a guardian.

    Raises:
        UnknownPathwayError: ``field="pathway"``.
        ProfileError: ``field="profile.<path>"``.
        CasesError: ``field="applicant.date_of_birth"`` when the profile states a birth
            date that cannot be the same day; ``household.<i>.guardian`` for a minor
            without a guardian.
        ConflictError: the key was used for a different submission.
    """
    check_role(actor, _SUBMITTERS, N_("submit applications"))
    digest = _request_hash(data)
    now = clock_now(session)
    try:
        profile, evaluation = evaluate_for(
            data.pathway,
            _with_birth_date(data.profile, data.applicant.date_of_birth),
            as_of=now.date(),
        )
    except UnknownPathwayError as exc:
        raise UnknownPathwayError(exc.message, field="pathway") from None
    except ProfileError as exc:
        raise ProfileError(exc.message, field=f"profile.{exc.field or ''}".rstrip(".")) from None
    country = str(profile["host_country"])
    if actor.role in OFFICERS and actor.country != country:
        raise PermissionDeniedError(
            N_("you take applications for %(yours)s; %(pathway)s is a %(country)s pathway"),
            field="pathway",
            yours=str(actor.country),
            pathway=data.pathway,
            country=str(country),
        )
    _check_household(data, now.date())
    app, household = _new_case_file(actor, data, profile, evaluation, now, submit=submit)
    app.idempotency_key, app.request_hash = idempotency_key, digest
    try:
        _insert_case_file(session, app, household, actor, submitted=submit)
    except IntegrityError:
        # Why no look-up before the insert: replays are rare and the unique constraint
        # answers them (and concurrent retries) for free; the common path saves a query.
        session.rollback()
        found = _by_key(session, actor, idempotency_key or "")
        if found is None:
            raise
        if found.request_hash != digest:
            raise ConflictError(
                N_("this Idempotency-Key was used for a different submission; use a new key"),
                field="Idempotency-Key",
            ) from None
        return found, False
    # A no-op without a registry for the country.
    record_duplicate_search(session, actor, app, registries)
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


def _new_case_file(
    actor: User,
    data: ApplicationCreate,
    profile: dict[str, Any],
    evaluation: Evaluation,
    now: datetime,
    *,
    submit: bool,
) -> tuple[Application, list[HouseholdMember]]:
    """The application with its applicant, and its household, every column set."""
    a = data.applicant
    applicant = Applicant(
        id=str(uuid.uuid4()),
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
        created_at=now,
    )
    app = Application(
        id=str(uuid.uuid4()),
        applicant_id=applicant.id,
        applicant=applicant,
        pathway_id=data.pathway,
        host_country=str(profile["host_country"]),
        office=data.office or (actor.office if actor.role in OFFICERS else None),
        status="submitted" if submit else "draft",
        profile=profile,
        eligibility=evaluation.stored(),  # the typed result becomes JSON only here
        engine_version=evaluation.engine_version,
        packs_version=evaluation.packs_version,
        evaluated_at=now,
        created_by=actor.id,
        assigned_to=None,
        created_at=now,
        updated_at=now,
        submitted_at=now if submit else None,
        decided_at=None,
        duplicate_search=None,
    )
    members = [
        HouseholdMember(
            application_id=app.id,
            given_names=m.given_names,
            surname_1=m.surname_1,
            surname_2=m.surname_2,
            date_of_birth=m.date_of_birth,
            relationship=m.relationship,
            nationality=m.nationality,
            guardian=m.guardian,
        )
        for m in data.household
    ]
    return app, members


def _values(table: Table, prefix: str) -> dict[str, Any]:
    """Every column but a serial id as a named bind parameter ``<prefix><column>``.

    Why named: the case file's INSERTs are parts of one statement on PostgreSQL, so each
    needs parameter names of its own.
    """
    return {
        c.key: bindparam(prefix + c.key, type_=c.type)
        for c in table.columns
        if c is not table.autoincrement_column
    }


def _params(obj: Any, table: Table, prefix: str) -> dict[str, Any]:
    return {prefix + key: getattr(obj, key) for key in _KEYS[table.name]}


_KEYS = {t.name: list(_values(t, "")) for t in (_APPLICANTS, _APPLICATIONS, _MEMBERS)}


_INSERT_APPLICANT = insert(_APPLICANTS).values(_values(_APPLICANTS, "a_"))
_INSERT_APPLICATION = insert(_APPLICATIONS).values(_values(_APPLICATIONS, "p_"))
_INSERT_STEP = insert(_TRANSITIONS).values(_values(_TRANSITIONS, "t_"))
# PostgreSQL: the three rows in one statement (one round trip). A foreign key is checked
# at the end of the statement, so the application may name the applicant inserted
# beside it; a reused idempotency key still fails the whole statement.
_INSERT_CASE_FILE = _INSERT_STEP.add_cte(
    _INSERT_APPLICANT.cte("new_applicant"), _INSERT_APPLICATION.cte("new_application")
)
_INSERT_DRAFT = _INSERT_APPLICATION.add_cte(_INSERT_APPLICANT.cte("new_applicant"))
_INSERT_MEMBERS = (
    insert(_MEMBERS)
    .values(_values(_MEMBERS, "m_"))
    .returning(_MEMBERS.c.id, sort_by_parameter_order=True)
)


def _insert_case_file(
    session: Session,
    app: Application,
    household: list[HouseholdMember],
    actor: User,
    *,
    submitted: bool,
) -> None:
    """INSERT the case file's rows, then attach the objects to the session as loaded.

    Why not ``session.add`` and a flush: the unit of work costs more CPU than the rest of
    a submission together (it sorts, diffs and flushes three rows in two rounds, then
    UPDATEs the status that ``move`` changed). Here every value is known up front (ids
    are made here), the application goes in already submitted with its first workflow
    step, nothing is read back but household ids, and on PostgreSQL the applicant, the
    application and the step are one statement.

    Raises:
        IntegrityError: the idempotency key was used before (nothing is attached).
    """
    conn = session.connection()
    params = {
        **_params(app.applicant, _APPLICANTS, "a_"),
        **_params(app, _APPLICATIONS, "p_"),
        "t_application_id": app.id,
        "t_from_status": "draft",
        "t_to_status": "submitted",
        "t_actor_id": actor.id,
        "t_at": app.submitted_at,
        "t_reason": "submitted by the applicant or at intake",
        # The case's first step: nothing has followed it yet.
        "t_ended_at": None,
        "t_closed_at": None,
        "t_decision_id": None,
    }
    if conn.dialect.name == "postgresql":
        conn.execute(_INSERT_CASE_FILE if submitted else _INSERT_DRAFT, params)
    else:
        conn.execute(_INSERT_APPLICANT, params)
        conn.execute(_INSERT_APPLICATION, params)
        if submitted:
            conn.execute(_INSERT_STEP, params)
    if household:
        rows = [_params(m, _MEMBERS, "m_") for m in household]
        ids = conn.execute(_INSERT_MEMBERS, rows).scalars()
        for member, member_id in zip(household, ids, strict=True):
            member.id = member_id
    # As if loaded: later changes in this session (the intake search, a batch's next
    # action) are tracked and flushed as UPDATEs, and nothing is inserted twice.
    for obj in (app.applicant, *household, app):
        make_transient_to_detached(obj)
    set_committed_value(app, "household", household)
    session.add(app)


def get_application(session: Session, actor: User, application_id: str) -> Application:
    """Read one case file (audited as ``application.read``).

    Raises:
        NotFoundError: unknown or outside the caller's scope.
    """
    app = load_application(session, actor, application_id)
    append_event(session, actor, "application.read", "application", app.id)
    finish(session)
    return app


def _escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``\\`` as escape: ``%`` and ``_`` match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_applications(
    session: Session,
    actor: User,
    *,
    status: str | None = None,
    pathway: str | None = None,
    page: int = 1,
    page_size: int = 50,
    search: str | None = None,
    assigned_to: int | None = None,
    open_only: bool = False,
) -> tuple[list[Application], int]:
    """A page of the applications in scope, oldest submission first (the work queue).

    Args:
        session: The database session.
        actor: Who lists; the scope rules apply unchanged.
        status: Only this status.
        pathway: Only this pathway.
        page: The page, from 1.
        page_size: Cases per page.
        search: Part of the applicant's name, of the reference (the application id) or of
            the identity document number, case-insensitive; wildcards are taken literally.
        assigned_to: Only cases assigned to this user id.
        open_only: Leave out decided and withdrawn cases.

    Returns:
        The page and the total count matching the filters.
    """
    if status is not None and status not in STATES:
        raise CasesError(
            N_("%(status)s is not a status; use one of %(statuses)s"),
            field="status",
            status=repr(status),
            statuses=", ".join(STATES),
        )
    if page < 1:
        raise CasesError(N_("pages start at 1 (got %(page)s)"), field="page", page=str(page))
    if pathway and "\x00" in pathway:
        raise CasesError(N_("remove the NUL character from the pathway filter"), field="pathway")
    if search and "\x00" in search:
        raise CasesError(N_("remove the NUL character from the search"), field="search")
    cond = scope_filter(actor)
    if status:
        cond = cond & (Application.status == status)
    if pathway:
        cond = cond & (Application.pathway_id == pathway)
    if open_only:
        cond = cond & Application.status.not_in(FINAL_STATES)
    if assigned_to is not None:
        cond = cond & (Application.assigned_to == assigned_to)
    words = (search or "").split()
    for word in words[:6]:
        # Every word must match somewhere (name parts, reference or document), so that
        # "maria perez" finds María José Pérez Quispe; % and _ typed are plain characters.
        like = "%" + _escape_like(word.lower()) + "%"
        applicant_matches = (
            select(Applicant.id)
            .where(
                or_(
                    func.lower(Applicant.given_names).like(like, escape="\\"),
                    func.lower(Applicant.surname_1).like(like, escape="\\"),
                    func.lower(func.coalesce(Applicant.surname_2, "")).like(like, escape="\\"),
                    func.lower(Applicant.document_number).like(like, escape="\\"),
                )
            )
            .scalar_subquery()
        )
        cond = cond & or_(
            func.lower(Application.id).like(like, escape="\\"),
            Application.applicant_id.in_(applicant_matches),
        )
    total = int(session.scalar(select(func.count()).select_from(Application).where(cond)) or 0)
    query = (
        select(Application)
        .where(cond)
        .order_by(Application.submitted_at.asc().nulls_last(), Application.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    items = list(session.execute(query).unique().scalars())
    filters = {
        "status": status,
        "pathway": pathway,
        "page": page,
        "returned": len(items),
        # The audit says that a search was made, not what was searched (it may be a name).
        "searched": bool(words),
        "assigned_to": assigned_to,
        "open_only": open_only,
    }
    append_event(session, actor, "application.list", "application", "*", filters)
    finish(session)
    return items, total
