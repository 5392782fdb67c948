"""The permit as data, and its CWT claims (the contract documented in docs/permits.md).

Two layouts are read; only the standard one is written:

- **standard** (written since issue 9): registered CWT claims (RFC 8392) ``1`` iss = issuing
  country alpha-3, ``4`` exp, ``5`` nbf, ``6`` iat, ``7`` cti = permit id, the Token Status
  List ``65535`` status claim (``{"status_list": {"idx", "uri"}}``), and one private claim
  ``-65537`` (private-use range, RFC 8392 section 9.1) holding a map with short text keys,
  short because every byte grows the QR. Generic CWT libraries check ``nbf`` and ``exp``.
- **legacy** (permits issued before): ``1``, ``4``, ``6`` and the text-keyed claim
  ``"ruta"`` carrying the id, the first and last valid days and the status index. Permits
  already in people's hands keep verifying.

Dates of birth are RFC 8943 CBOR days (tag 100): 5 bytes where an ISO string takes 11.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal, NoReturn

import cbor2

from ruta.i18n import N_, Text
from ruta.permits._errors import PermitsError

__all__ = [
    "MINIMAL_RIGHTS",
    "PRIVATE_CLAIM",
    "STATUS_CLAIM",
    "DisclosureLevel",
    "Holder",
    "Permit",
    "claims_from_permit",
    "iso_birth_date",
    "permit_from_claims",
]

#: How much of the holder a permit discloses (the ``profile`` field): everything, or the
#: minimum a bank or an employer needs.
DisclosureLevel = Literal["full", "minimal"]

# Rights a minimal-disclosure permit may show: it exists for banks and employers.
MINIMAL_RIGHTS = ("work", "banking")

CLAIM_ISS, CLAIM_EXP, CLAIM_NBF, CLAIM_IAT, CLAIM_CTI = 1, 4, 5, 6, 7
# Token Status List (draft-ietf-oauth-status-list) "status" claim of a referenced CWT.
STATUS_CLAIM = 65535
# Private-use CWT claim keys are integers below -65536 (RFC 8392 section 9.1; IANA CWT
# registry): the first of them carries Ruta's own fields.
PRIVATE_CLAIM = -65537
_PRIVATE_VERSION = 2  # the legacy "ruta" map was version 1
_DAY_SECONDS = 86_400
_TAG_DAYS = 100  # RFC 8943: full-date as days since 1970-01-01
_EPOCH = date(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_ONE_DAY = timedelta(days=1)
CLAIM_RUTA = "ruta"  # legacy layout

_ALPHA3 = re.compile(r"^[A-Z]{3}$")
# A birth known only to the year or the month: ISO 8601 reduced precision, as text (the EU
# DCC's ``dob`` does the same); a full date stays a CBOR full-date.
_REDUCED_DOB = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
_RIGHT = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_SEXES = ("F", "M", "X")
_URI = re.compile(r"^https?://[^\s]{1,500}$")


@dataclass(frozen=True, slots=True)
class Holder:
    """The person a permit is for. ``None`` fields are not disclosed (minimal profile).

    ``date_of_birth`` is a ``date``, or the text ``YYYY`` / ``YYYY-MM`` when only the year or
    the month of the birth is known.
    """

    given_names: str
    surname_1: str
    surname_2: str | None = None
    date_of_birth: date | str | None = None
    nationality: str | None = None
    sex: str | None = None
    photo_hash: bytes | None = None

    @property
    def full_name(self) -> str:
        """Given names then surnames, as printed on the card."""
        return " ".join(p for p in (self.given_names, self.surname_1, self.surname_2) if p)


@dataclass(frozen=True, slots=True)
class Permit:
    """A residence permit as signed into the QR.

    Examples:
        >>> p = Permit("COL-X1", "col.ppt", "COL", Holder("Ana", "Pérez"),
        ...            date(2026, 1, 1), date(2028, 1, 1), ("work",), 7,
        ...            issued_at=datetime(2026, 1, 1, tzinfo=UTC))
        >>> permit_from_claims(cbor2.loads(cbor2.dumps(claims_from_permit(p)))) == p
        True
    """

    permit_id: str
    permit_type: str | None
    issuer_country: str
    holder: Holder
    valid_from: date
    valid_until: date
    rights: tuple[str, ...]
    status_index: int
    issued_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    profile: DisclosureLevel = "full"
    # Where verifiers fetch the issuer's status list (the Token Status List ``uri``).
    status_uri: str | None = None
    # Limits on the right to work the permit states (codes, see ruta.permits.restriction_label).
    work_restrictions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Every verification builds a Permit, so the error texts are only formatted when a
        # check fails (an eager f-string per check cost more than the checks themselves).
        if not _ALPHA3.match(self.issuer_country):
            _fail(
                "issuer_country", self.issuer_country, N_("an ISO 3166-1 alpha-3 code such as COL")
            )
        if not 0 < len(self.permit_id) <= 64:
            _fail("permit_id", self.permit_id, N_("1 to 64 characters"))
        if not self.valid_from <= self.valid_until:
            _fail(
                "valid_until",
                self.valid_until,
                N_("a date on or after valid_from %(date)s"),
                date=str(self.valid_from),
            )
        if not self.status_index >= 0:
            _fail("status_index", self.status_index, N_("a non-negative integer"))
        if self.status_uri is not None and not _URI.match(self.status_uri):
            _fail("status_uri", self.status_uri, N_("an absolute https:// or http:// URI"))
        if self.issued_at.tzinfo is None:
            _fail("issued_at", self.issued_at, N_("a timezone-aware UTC datetime"))
        for right in self.rights:
            if not _RIGHT.match(right):
                _fail("rights", right, N_("a lowercase word like 'work'"))
        for code in self.work_restrictions:
            if not _RIGHT.match(code):
                _fail("work_restrictions", code, N_("a lowercase code like 'hours_limited'"))
        h = self.holder
        if not (h.given_names.strip() and h.surname_1.strip()):
            _fail("holder.surname_1", h.surname_1, N_("non-empty given names and first surname"))
        if h.nationality is not None and not _ALPHA3.match(h.nationality):
            _fail("holder.nationality", h.nationality, N_("an ISO 3166-1 alpha-3 code such as VEN"))
        if h.sex is not None and h.sex not in _SEXES:
            _fail("holder.sex", h.sex, N_("one of F, M, X"))
        if isinstance(h.date_of_birth, str) and not _REDUCED_DOB.match(h.date_of_birth):
            _fail(
                "holder.date_of_birth",
                h.date_of_birth,
                N_("a date, or YYYY or YYYY-MM when only the year or the month is known"),
            )

    @property
    def expires_at(self) -> datetime:
        """End of the last valid day, UTC (the CWT ``exp``)."""
        return _day_start(self.valid_until + _ONE_DAY)

    @property
    def not_before(self) -> datetime:
        """Start of the first valid day, UTC (the CWT ``nbf``)."""
        return _day_start(self.valid_from)


# Permits share few distinct validity dates, and datetime.combine showed up in the verify
# profile; the datetimes are immutable, so handing out the same object is safe.
@lru_cache(maxsize=4096)
def _day_start(d: date) -> datetime:
    return datetime.combine(d, time(), UTC)


def _exp_timestamp(valid_until: date) -> int:
    """The CWT ``exp`` of a permit valid until ``valid_until`` (its end of day, UTC)."""
    return (valid_until.toordinal() - _EPOCH_ORDINAL + 1) * 86_400


def _fail(name: str, value: object, expected: str, **values: str) -> NoReturn:
    """Refuse ``value`` of the field ``name``; ``expected`` is a catalog message (``N_``,
    a test checks every call) with its ``values``."""
    raise PermitsError(
        N_("got %(value)s; expected %(expected)s"),
        field=name,
        value=repr(value),
        expected=Text(expected, **values),
    )


def claims_from_permit(p: Permit) -> dict[Any, Any]:
    """The CWT claims map of a permit, in the standard layout (see the module docstring).

    Examples:
        >>> p = Permit("COL-X1", None, "COL", Holder("Ana", "Pérez"),
        ...            date(2026, 1, 1), date(2026, 1, 1), ("work",), 3,
        ...            issued_at=datetime(2026, 1, 1, tzinfo=UTC),
        ...            status_uri="https://ruta.example/permits/status/COL.json")
        >>> c = claims_from_permit(p)
        >>> c[5], c[4] - c[5], c[7], c[65535]["status_list"]["idx"]
        (1767225600, 86400, b'COL-X1', 3)
    """
    h = p.holder
    holder: dict[str, Any] = {"gn": h.given_names, "s1": h.surname_1}
    optional = {
        "s2": h.surname_2,
        "dob": _dob(h.date_of_birth),
        "nat": h.nationality,
        "sex": h.sex,
        "ph": h.photo_hash,
    }
    holder.update({k: v for k, v in optional.items() if v is not None})
    private: dict[str, Any] = {
        "v": _PRIVATE_VERSION,
        "pr": "m" if p.profile == "minimal" else "f",
        "h": holder,
        "r": list(p.rights),
    }
    if p.permit_type is not None:
        private["t"] = p.permit_type
    if p.work_restrictions:
        private["wr"] = list(p.work_restrictions)
    status: dict[str, Any] = {"idx": p.status_index}
    if p.status_uri is not None:
        status["uri"] = p.status_uri
    return {
        CLAIM_ISS: p.issuer_country,
        CLAIM_EXP: _exp_timestamp(p.valid_until),
        CLAIM_NBF: (p.valid_from.toordinal() - _EPOCH_ORDINAL) * _DAY_SECONDS,
        CLAIM_IAT: int(p.issued_at.timestamp()),
        CLAIM_CTI: p.permit_id.encode("utf-8"),
        STATUS_CLAIM: {"status_list": status},
        PRIVATE_CLAIM: private,
    }


def permit_from_claims(claims: Mapping[Any, Any]) -> Permit:
    """Rebuild a permit from decoded claims of either layout.

    Raises:
        PermitsError: naming the first claim that does not follow the layout.
    """
    if not isinstance(claims, Mapping):
        raise PermitsError(N_("claims must be a CBOR map"), field="payload")
    if PRIVATE_CLAIM in claims:
        return _standard(claims)
    return _legacy(claims)


_CLAIM_ERRORS = (KeyError, TypeError, ValueError, AttributeError, OverflowError)


def _holder(h: Mapping[str, Any]) -> Holder:
    return Holder(
        given_names=_text(h["gn"]),
        surname_1=_text(h["s1"]),
        surname_2=_opt_text(h.get("s2")),
        date_of_birth=_dob_claim(h.get("dob")),
        nationality=_opt_text(h.get("nat")),
        sex=_opt_text(h.get("sex")),
        photo_hash=_opt_bytes(h.get("ph")),
    )


def _rights(rights: Any) -> tuple[str, ...]:
    if not isinstance(rights, (list, tuple)):  # a text string is a Sequence too
        raise TypeError("the rights must be an array of text")
    return tuple(_text(x) for x in rights)


def _profile(code: Any) -> DisclosureLevel:
    if code not in ("f", "m"):
        raise ValueError(f"profile must be 'f' or 'm', got {code!r}")
    return "minimal" if code == "m" else "full"


def _standard(claims: Mapping[Any, Any]) -> Permit:
    try:
        r = claims[PRIVATE_CLAIM]
        if r.get("v") != _PRIVATE_VERSION:
            raise PermitsError(
                N_("got %(value)s; expected %(expected)s"),
                field=f"{PRIVATE_CLAIM}.v",
                value=repr(r.get("v")),
                expected=str(_PRIVATE_VERSION),
            )
        nbf, exp = _int(claims[CLAIM_NBF]), _int(claims[CLAIM_EXP])
        # Validity is whole days (UTC): the dates a person reads on the card.
        if nbf % _DAY_SECONDS or exp % _DAY_SECONDS:
            raise ValueError("nbf and exp must be at 00:00:00 UTC (multiples of 86400)")
        cti = claims[CLAIM_CTI]
        if not isinstance(cti, bytes):
            raise TypeError("cti must be a byte string (the permit id in UTF-8)")
        st = claims[STATUS_CLAIM]["status_list"]
        uri = st.get("uri")
        permit = Permit(
            permit_id=cti.decode("utf-8"),
            permit_type=_opt_text(r.get("t")),
            issuer_country=_text(claims[CLAIM_ISS]),
            holder=_holder(r["h"]),
            valid_from=date.fromordinal(_EPOCH_ORDINAL + nbf // _DAY_SECONDS),
            valid_until=date.fromordinal(_EPOCH_ORDINAL + exp // _DAY_SECONDS - 1),
            rights=_rights(r["r"]),
            status_index=_int(st["idx"]),
            issued_at=datetime.fromtimestamp(_int(claims[CLAIM_IAT]), UTC),
            profile=_profile(r.get("pr")),
            status_uri=_opt_text(uri),
            work_restrictions=_rights(r.get("wr", [])),
        )
    except PermitsError:
        raise
    except _CLAIM_ERRORS as exc:
        raise PermitsError(
            N_("claims do not follow the RUTA1 standard layout (%(reason)s)"),
            field="payload",
            reason=repr(exc),
        ) from None
    return permit


def _legacy(claims: Mapping[Any, Any]) -> Permit:
    try:
        r = claims[CLAIM_RUTA]
        if r.get("v") != 1:
            raise PermitsError(
                N_("got %(value)s; expected %(expected)s"),
                field="ruta.v",
                value=repr(r.get("v")),
                expected="1",
            )
        permit = Permit(
            permit_id=_text(r["id"]),
            permit_type=_opt_text(r.get("t")),
            issuer_country=_text(claims[CLAIM_ISS]),
            holder=_holder(r["h"]),
            valid_from=_date(r["vf"]),
            valid_until=_date(r["vu"]),
            rights=_rights(r["r"]),
            status_index=_int(r["st"]["idx"]),
            issued_at=datetime.fromtimestamp(_int(claims[CLAIM_IAT]), UTC),
            profile="minimal" if r["pr"] == "m" else "full",
        )
        exp = _int(claims[CLAIM_EXP])
    except PermitsError:
        raise
    except _CLAIM_ERRORS as exc:
        raise PermitsError(
            N_("claims do not follow the RUTA1 layout (%(reason)s)"),
            field="payload",
            reason=repr(exc),
        ) from None
    if exp != _exp_timestamp(permit.valid_until):
        raise PermitsError(N_("exp does not match ruta.vu"), field="payload")
    return permit


def _days(d: date) -> cbor2.CBORTag:
    return cbor2.CBORTag(_TAG_DAYS, (d - _EPOCH).days)


def iso_birth_date(d: date | str | None) -> str | None:
    """A holder's birth date as ISO text at its precision: ``1990-05-17``, ``1990-05``, ``1990``.

    Examples:
        >>> iso_birth_date(date(1990, 5, 17)), iso_birth_date("1990")
        ('1990-05-17', '1990')
    """
    return d.isoformat() if isinstance(d, date) else d


def _dob(d: date | str | None) -> cbor2.CBORTag | str | None:
    return _days(d) if isinstance(d, date) else d


def _dob_claim(v: Any) -> date | str | None:
    """A holder's ``dob``: a CBOR full-date, or the text YYYY / YYYY-MM."""
    if v is None or type(v) is date:
        return v
    if isinstance(v, str) and _REDUCED_DOB.match(v):
        return v
    raise TypeError(f"expected a CBOR full-date or YYYY / YYYY-MM text, got {v!r}")


def _date(v: Any) -> date:
    # cbor2 turns tag 100 into a date; a datetime (tag 0/1) is not a full-date.
    if type(v) is not date:
        raise TypeError(f"expected a CBOR full-date (tag 100), got {type(v).__name__}")
    return v


def _text(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError(f"expected text, got {type(v).__name__}")
    return v


def _opt_text(v: Any) -> str | None:
    return None if v is None else _text(v)


def _opt_bytes(v: Any) -> bytes | None:
    if v is None or isinstance(v, bytes):
        return v
    raise TypeError(f"expected bytes, got {type(v).__name__}")


def _int(v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise TypeError(f"expected an integer, got {type(v).__name__}")
    return v
