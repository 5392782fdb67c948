"""Who may see which case files: record scope per role.

Scope is applied in the query itself (:func:`scope_filter`), so a list can never leak a
record, and a single fetch outside scope is "not found" rather than "forbidden".

- applicant: applications they created or that name them as the applicant;
- caseworker: their country, and their office when they have one;
- supervisor, auditor: their country;
- admin: manages users and sees no case files (least privilege).

Offices and their slots are in the same country scope (:func:`office_scope`): officers
and auditors see their country's offices, an applicant the offices of the countries
where they have an application; nobody books a slot of another country's office for a
case.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from ruta.cases.errors import NotFoundError, PermissionDeniedError, word
from ruta.i18n import N_, Text
from ruta.store.models import Applicant, Application, Office, User

__all__ = ["OFFICERS", "check_role", "load_application", "office_scope", "scope_filter"]

OFFICERS = frozenset({"caseworker", "supervisor"})


def scope_filter(user: User) -> ColumnElement[bool]:
    """A SQL condition selecting the applications ``user`` may see."""
    if user.role == "applicant":
        own = select(Applicant.id).where(Applicant.user_id == user.id)
        return or_(Application.created_by == user.id, Application.applicant_id.in_(own))
    if user.role in ("caseworker", "supervisor", "auditor"):
        if user.country is None:
            return false()
        cond = Application.host_country == user.country
        if user.role == "caseworker" and user.office:
            cond = cond & or_(Application.office == user.office, Application.office.is_(None))
        return cond
    return false()


def office_scope(user: User) -> ColumnElement[bool]:
    """A SQL condition selecting the offices (and so the slots) ``user`` may see and use."""
    if user.role in ("caseworker", "supervisor", "auditor"):
        return Office.country == user.country if user.country else false()
    if user.role == "applicant":
        countries = select(Application.host_country).where(scope_filter(user))
        return Office.country.in_(countries)
    return false()


def load_application(
    session: Session, user: User, application_id: str, *, for_update: bool = False
) -> Application:
    """Fetch an application within ``user``'s scope.

    Raises:
        NotFoundError: no such application, or it is outside the caller's scope.
    """
    if "\x00" in application_id:  # PostgreSQL refuses NUL in text; no id contains one
        raise NotFoundError(
            N_("no application with a NUL character in its id"), field="application_id"
        )
    query = select(Application).where(Application.id == application_id, scope_filter(user))
    if for_update:
        # Why: serialise concurrent transitions of one case on PostgreSQL.
        query = query.with_for_update(of=Application)
    app = session.execute(query).unique().scalar_one_or_none()
    if app is None:
        raise NotFoundError(
            N_("no application %(id)s in your scope; check the id"),
            field="application_id",
            id=repr(application_id),
        )
    return app


def check_role(user: User, roles: frozenset[str] | set[str], doing: str) -> None:
    """Refuse ``doing`` unless ``user`` has one of ``roles``.

    ``doing`` is a catalog message (``N_("write notes")``): the refusal says it in the
    reader's language.

    Raises:
        PermissionDeniedError: naming the roles that may do it.
    """
    if user.role not in roles:
        allowed = ", ".join(sorted(roles))
        raise PermissionDeniedError(
            N_("a %(role)s may not %(doing)s; this needs one of: %(allowed)s"),
            field="role",
            role=word(user.role),
            doing=Text(doing),
            allowed=allowed,
        )
