"""Offices: create and change an office, with its address and the pathways it takes.

An office *takes* a pathway when it receives that pathway's applicants: the finder offers
"Apply", and the apply pages open, only for a pathway that an office of the host country
takes (:func:`pathways_taken`), and the booking page offers only the offices that take the
application's pathway (a booking elsewhere is refused). The submission action itself does
not refuse another pathway, on purpose: a case also reaches an office by other channels
(docs/operations.md, "Offices").

What an office takes is always an explicit list, stored one row per pathway. An office
created without a list takes every pathway of its country in the packs in use at that
moment, written out, so that the two-field creation of earlier clients keeps working and
the office sees exactly what it takes; a pathway added to the packs later is taken only
when the office adds it (a new programme needs the office's decision, not a default).

An address is shown only with its source (a URL or a document the office names), so
that an applicant, or an auditor, can see where it comes from: Ruta never invents one.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import check_role, office_scope
from ruta.cases.audit import append_event
from ruta.cases.errors import CasesError, ConflictError, NotFoundError
from ruta.i18n import N_, Text
from ruta.pathways import default_catalog
from ruta.store.models import Office, OfficePathway, User

__all__ = [
    "MAX_ADDRESS",
    "MAX_ADDRESS_SOURCE",
    "check_office_takes",
    "country_pathways",
    "do_create_office",
    "do_update_office",
    "get_office",
    "list_offices",
    "offices_taking",
    "pathways_taken",
]

#: Longest address (a few lines) and source (a URL or a document's title) kept.
MAX_ADDRESS = 500
MAX_ADDRESS_SOURCE = 500
_MANAGERS = frozenset({"supervisor"})


def country_pathways(country: str) -> list[str]:
    """The ids of the pathways of ``country`` in the packs in use, in id order.

    Examples:
        >>> country_pathways("ARG")
        ['arg.mercosur-permanent', 'arg.mercosur-temporary']
    """
    return [p.id for p in default_catalog().for_country(country)]


def _clean_pathways(country: str, pathways: Iterable[str]) -> list[str]:
    """``pathways`` without repeats, each checked to be a pathway of ``country``.

    Raises:
        CasesError: naming ``pathways`` and the ids that are not pathways of the country.
    """
    chosen = sorted({p.strip() for p in pathways if p.strip()})
    if any(len(p) > 80 or "\x00" in p for p in chosen):
        raise CasesError(
            N_("a pathway id is at most 80 characters, like col.ppt"), field="pathways"
        )
    known = set(country_pathways(country))
    wrong = [p for p in chosen if p not in known]
    if wrong:
        listed = ", ".join(sorted(known)) or Text(N_("none in the packs in use"))
        raise CasesError(
            N_("not a pathway of %(country)s: %(wrong)s (pathways of %(country)s: %(listed)s)"),
            field="pathways",
            country=country or Text(N_("your country")),
            wrong=", ".join(wrong),
            listed=listed,
        )
    return chosen


def _clean_address(address: str | None, source: str | None) -> tuple[str | None, str | None]:
    """The address and its source, stripped, empty as None; an address needs a source.

    Raises:
        CasesError: naming ``address`` or ``address_source``.
    """
    for field, value in (("address", address), ("address_source", source)):
        if value and "\x00" in value:  # PostgreSQL refuses NUL in text
            raise CasesError(
                N_("the %(name)s contains a NUL character; remove it"), field=field, name=field
            )
    address = (address or "").strip() or None
    source = (source or "").strip() or None
    if address is not None and len(address) > MAX_ADDRESS:
        raise CasesError(
            N_("the address is at most %(limit)s characters"),
            field="address",
            limit=str(MAX_ADDRESS),
        )
    if source is not None and len(source) > MAX_ADDRESS_SOURCE:
        raise CasesError(
            N_("the address source is at most %(limit)s characters"),
            field="address_source",
            limit=str(MAX_ADDRESS_SOURCE),
        )
    if address is not None and source is None:
        raise CasesError(
            N_("say where the address comes from: a URL (https://...) or a document"),
            field="address_source",
        )
    if (
        source is not None
        and source.lower().startswith("http")
        and not source.startswith("https://")
    ):
        raise CasesError(
            N_("a web address as the source must start with https://"), field="address_source"
        )
    return address, source


def _set_pathways(office: Office, pathways: list[str]) -> None:
    kept = {p.pathway_id: p for p in office.pathways}
    office.pathways = [kept.get(p) or OfficePathway(pathway_id=p) for p in pathways]


def do_create_office(
    session: Session,
    actor: User,
    code: str,
    name: str,
    *,
    address: str | None = None,
    address_source: str | None = None,
    pathways: Iterable[str] | None = None,
) -> Office:
    """Create an office in the supervisor's country.

    Args:
        pathways: The pathways the office takes; None for every pathway of the country in
            the packs in use (written out; see the module's note).

    Raises:
        ConflictError: naming ``code`` (empty or taken).
        CasesError: naming ``pathways``, ``address`` or ``address_source``.
    """
    check_role(actor, {"supervisor", "admin"}, N_("create offices"))
    if not code or session.get(Office, code) is not None:
        raise ConflictError(
            N_("office code %(code)s is empty or taken"), field="code", code=repr(code)
        )
    country = actor.country or ""
    taken = _clean_pathways(country, country_pathways(country) if pathways is None else pathways)
    address, address_source = _clean_address(address, address_source)
    office = Office(
        code=code, country=country, name=name, address=address, address_source=address_source
    )
    _set_pathways(office, taken)
    session.add(office)
    data = {"name": name, "address": address, "address_source": address_source, "pathways": taken}
    append_event(session, actor, "office.create", "office", code, data, case=None)
    finish(session)
    return office


def do_update_office(
    session: Session,
    actor: User,
    code: str,
    *,
    name: str,
    address: str | None,
    address_source: str | None,
    pathways: Iterable[str],
) -> Office:
    """Set an office's name, address (with its source) and the pathways it takes
    (supervisors of the office's country; audited with what changed).

    Bookings already made stay: an office that stops taking a pathway receives the people
    it has already given a time, and offers no new times to that pathway's applicants.

    Raises:
        PermissionDeniedError: not a supervisor.
        NotFoundError: no such office in the supervisor's country.
        CasesError: naming ``name``, ``pathways``, ``address`` or ``address_source``.
    """
    check_role(actor, _MANAGERS, N_("change offices"))
    office = get_office(session, actor, code)
    name = name.strip()
    if not name or len(name) > 200 or "\x00" in name:
        raise CasesError(N_("give the office a name of 1 to 200 characters"), field="name")
    taken = _clean_pathways(office.country, pathways)
    address, address_source = _clean_address(address, address_source)
    before = {
        "name": office.name,
        "address": office.address,
        "address_source": office.address_source,
        "pathways": office.pathway_ids,
    }
    after = {
        "name": name,
        "address": address,
        "address_source": address_source,
        "pathways": taken,
    }
    changed = {k: {"from": before[k], "to": v} for k, v in after.items() if before[k] != v}
    if not changed:
        finish(session)  # nothing to write or record; ends the read transaction
        return office
    office.name, office.address, office.address_source = name, address, address_source
    _set_pathways(office, taken)
    append_event(session, actor, "office.update", "office", code, changed, case=None)
    finish(session)
    return office


def list_offices(session: Session, actor: User, country: str | None = None) -> list[Office]:
    """The offices in the actor's scope (of ``country`` when given), by code."""
    query = select(Office).where(office_scope(actor))
    if country:
        query = query.where(Office.country == country)
    return list(session.scalars(query.order_by(Office.code)))


def get_office(session: Session, actor: User, code: str) -> Office:
    """One office in the actor's scope, by code.

    Raises:
        NotFoundError: naming ``office`` (also for another country's office).
    """
    office = None
    if "\x00" not in code:
        office = session.scalar(select(Office).where(Office.code == code, office_scope(actor)))
    if office is None:
        raise NotFoundError(
            N_("no office %(code)s in your scope; check the code"), field="office", code=repr(code)
        )
    return office


def offices_taking(session: Session, country: str, pathway_id: str) -> list[Office]:
    """The offices of ``country`` that take ``pathway_id``, by code.

    Public knowledge (where a programme is received), so no actor: the finder asks it for
    anonymous visitors. Callers that need an actor's scope use :func:`list_offices`.
    """
    query = (
        select(Office)
        .join(OfficePathway, OfficePathway.office_code == Office.code)
        .where(Office.country == country, OfficePathway.pathway_id == pathway_id)
        .order_by(Office.code)
    )
    return list(session.scalars(query))


def _taken_in(country: str) -> Select[str]:
    """The pathway ids taken by the offices of ``country``, a row per office and pathway."""
    return (
        select(OfficePathway.pathway_id)
        .join(Office, Office.code == OfficePathway.office_code)
        .where(Office.country == country)
    )


def pathways_taken(session: Session, country: str) -> set[str]:
    """The ids of the pathways that at least one office of ``country`` takes."""
    return set(session.scalars(_taken_in(country).distinct()))


def check_office_takes(session: Session, country: str, pathway_id: str) -> None:
    """Refuse an application for a pathway that no office of ``country`` takes.

    For a caller that must refuse rather than point elsewhere; the submission action does
    not call it (see the module's note).

    Raises:
        CasesError: naming ``pathway`` (422), saying to apply with the country's
            migration authority instead.
    """
    query = _taken_in(country).where(OfficePathway.pathway_id == pathway_id).limit(1)
    if session.scalar(query) is None:
        raise CasesError(
            N_(
                "no office of %(country)s takes applications for %(pathway)s through this "
                "service; apply with the country's migration authority"
            ),
            field="pathway",
            country=str(country),
            pathway=str(pathway_id),
        )
