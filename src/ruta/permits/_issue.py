"""Issuing permits and changing their status: the functions casework actions call.

``ruta.permits`` holds no database: casework stores the permit row and allocates the
status index; these functions sign, and keep the issuer's status list file current.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import cbor2

from ruta.i18n import N_
from ruta.permits._codec import MAX_INPUT_BYTES, pack
from ruta.permits._cose import encode_sign1
from ruta.permits._errors import PermitsError
from ruta.permits._keys import Signer
from ruta.permits._keystore import KeyStore
from ruta.permits._payload import (
    MINIMAL_RIGHTS,
    DisclosureLevel,
    Holder,
    Permit,
    claims_from_permit,
)
from ruta.permits._status import PermitStatus

__all__ = [
    "IssuedPermit",
    "holder_from_mapping",
    "issue_for_application",
    "issue_permit",
    "minimal_view",
    "new_permit_id",
    "reinstate_permit",
    "revoke_permit",
    "status_list_uri",
    "suspend_permit",
]

_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


@dataclass(frozen=True, slots=True)
class IssuedPermit:
    """What casework stores after issuance."""

    permit_id: str
    payload: str
    valid_from: date
    valid_until: date
    kid: str


def new_permit_id(country: str) -> str:
    """A random, unguessable permit id such as ``COL-7K2M9Q4X1B``."""
    return f"{country}-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))


def minimal_view(permit: Permit) -> Permit:
    """The minimal-disclosure form: names, validity and only work/banking rights."""
    h = permit.holder
    return replace(
        permit,
        profile="minimal",
        permit_type=None,
        holder=Holder(h.given_names, h.surname_1, h.surname_2),
        rights=tuple(r for r in permit.rights if r in MINIMAL_RIGHTS),
    )


def issue_permit(permit: Permit, signer: Signer) -> str:
    """Sign a permit and return the ``RUTA1:`` text that goes into the QR.

    The signer's country is not checked here; the verifier checks it against the trust list.
    """
    if permit.profile == "minimal":
        permit = minimal_view(permit)
    text = pack(encode_sign1(cbor2.dumps(claims_from_permit(permit)), signer))
    if len(text) > MAX_INPUT_BYTES:
        raise PermitsError(
            N_(
                "the signed permit is %(length)s characters; verifiers accept at most "
                "%(limit)s (shorten names or rights)"
            ),
            field="holder",
            length=str(len(text)),
            limit=str(MAX_INPUT_BYTES),
        )
    return text


def holder_from_mapping(holder: Mapping[str, Any]) -> Holder:
    """Build a holder from casework's mapping (given_names, surname_1, surname_2,
    date_of_birth ISO (YYYY-MM-DD, or YYYY-MM / YYYY when only the month or the year is
    known), nationality alpha-3, sex, optional photo_hash hex)."""
    try:
        dob = holder.get("date_of_birth")
        photo = holder.get("photo_hash")
        return Holder(
            given_names=str(holder["given_names"]),
            surname_1=str(holder["surname_1"]),
            surname_2=holder.get("surname_2") or None,
            # A birth known only to the year or the month stays so (YYYY / YYYY-MM).
            date_of_birth=date.fromisoformat(dob)
            if isinstance(dob, str) and len(dob) == 10
            else dob,
            nationality=holder.get("nationality"),
            sex=holder.get("sex"),
            photo_hash=bytes.fromhex(photo) if isinstance(photo, str) else photo,
        )
    except KeyError as exc:
        raise PermitsError(
            N_(
                "missing %(name)s; expected given_names, surname_1, date_of_birth, nationality, sex"
            ),
            field=f"holder.{exc.args[0]}",
            name=str(exc.args[0]),
        ) from None
    except ValueError as exc:
        raise PermitsError(
            N_("%(reason)s; expected ISO dates and a hex photo hash"),
            field="holder",
            reason=str(exc),
        ) from None


def status_list_uri(base_url: str, country: str) -> str:
    """Where a country's status list is published under a service's public address.

    Examples:
        >>> status_list_uri("https://ruta.example/", "COL")
        'https://ruta.example/permits/status/COL.json'
    """
    return f"{base_url.rstrip('/')}/permits/status/{country}.json"


def issue_for_application(
    *,
    application_id: str,
    pathway_id: str,
    host_country: str,
    holder: Mapping[str, Any],
    valid_from: date,
    valid_until: date,
    rights: Sequence[str],
    status_index: int,
    keys_dir: Path,
    profile: DisclosureLevel = "full",
    public_url: str | None = None,
    development_keys: bool = False,
) -> IssuedPermit:
    """Issue the permit of an approved application with the store's current key.

    ``public_url`` is the address verifiers reach the issuing service at; the permit's
    status reference then carries the URI of the country's status list there.

    With ``development_keys`` (the caller's settings say this is not production) a country
    without a key gets a development key on first use, so a fresh checkout can approve a
    demo case; otherwise a missing key is an error.

    ``application_id`` is not written into the payload (it would link the QR to the case
    file); casework keeps the link in its permit row.
    """
    if not application_id:
        raise PermitsError(N_("got ''; expected the application id"), field="application_id")
    store = KeyStore(keys_dir)
    if development_keys and not any(i.country == host_country for i in store.local_issuers()):
        # Development and demo: "keys generated at first run". Production provisions the
        # state's keys and must fail loudly instead of signing with an unlisted key.
        store.init(host_country)
    signer = store.issuer_signer(host_country)
    permit = Permit(
        permit_id=new_permit_id(host_country),
        permit_type=pathway_id,
        issuer_country=host_country,
        holder=holder_from_mapping(holder),
        valid_from=valid_from,
        valid_until=valid_until,
        rights=tuple(rights),
        status_index=status_index,
        profile=profile,
        issued_at=datetime.now(UTC).replace(microsecond=0),
        status_uri=status_list_uri(public_url, host_country) if public_url else None,
    )
    payload = issue_permit(permit, signer)
    store.ensure_status_capacity(host_country, status_index)
    return IssuedPermit(permit.permit_id, payload, valid_from, valid_until, signer.kid.hex())


def _change(keys_dir: Path, country: str, index: int, status: PermitStatus) -> PermitStatus:
    return KeyStore(keys_dir).set_status(country, index, status)


def revoke_permit(*, keys_dir: Path, country: str, status_index: int) -> PermitStatus:
    """Mark a permit revoked (final) in its country's status list; returns the old status."""
    return _change(keys_dir, country, status_index, "revoked")


def suspend_permit(*, keys_dir: Path, country: str, status_index: int) -> PermitStatus:
    """Mark a permit suspended; :func:`reinstate_permit` undoes it."""
    return _change(keys_dir, country, status_index, "suspended")


def reinstate_permit(*, keys_dir: Path, country: str, status_index: int) -> PermitStatus:
    """Lift a suspension (a revoked permit cannot be reinstated)."""
    return _change(keys_dir, country, status_index, "valid")
