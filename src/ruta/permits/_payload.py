"""The permit as data, and its CWT claims (the contract documented in docs/permits.md).

CWT claims (RFC 8392): ``1`` iss = issuing country alpha-3, ``6`` iat, ``4`` exp, plus the
private claim ``"ruta"``: a map with short text keys, short because every byte grows the
QR. Dates are RFC 8943 CBOR days (tag 100): 5 bytes where an ISO string takes 11.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal, NoReturn

import cbor2

from ruta.permits._errors import PermitsError

__all__ = [
    "MINIMAL_RIGHTS",
    "Holder",
    "Permit",
    "Profile",
    "claims_from_permit",
    "iso_birth_date",
    "permit_from_claims",
]

Profile = Literal["full", "minimal"]

# Rights a minimal-disclosure permit may show: it exists for banks and employers.
MINIMAL_RIGHTS = ("work", "banking")

CLAIM_ISS, CLAIM_EXP, CLAIM_IAT = 1, 4, 6
_TAG_DAYS = 100  # RFC 8943: full-date as days since 1970-01-01
_EPOCH = date(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_ONE_DAY = timedelta(days=1)
CLAIM_RUTA = "ruta"

_ALPHA3 = re.compile(r"^[A-Z]{3}$")
# A birth known only to the year or the month: ISO 8601 reduced precision, as text (the EU
# DCC's ``dob`` does the same); a full date stays a CBOR full-date.
_REDUCED_DOB = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
_RIGHT = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_SEXES = ("F", "M", "X")


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
    profile: Profile = "full"

    def __post_init__(self) -> None:
        # Every verification builds a Permit, so the error texts are only formatted when a
        # check fails (an eager f-string per check cost more than the checks themselves).
        if not _ALPHA3.match(self.issuer_country):
            _fail("issuer_country", self.issuer_country,
                  "an ISO 3166-1 alpha-3 code such as COL")
        if not 0 < len(self.permit_id) <= 64:
            _fail("permit_id", self.permit_id, "1 to 64 characters")
        if not self.valid_from <= self.valid_until:
            _fail("valid_until", self.valid_until,
                  f"a date on or after valid_from {self.valid_from}")
        if not self.status_index >= 0:
            _fail("status_index", self.status_index, "a non-negative integer")
        if self.issued_at.tzinfo is None:
            _fail("issued_at", self.issued_at, "a timezone-aware UTC datetime")
        for right in self.rights:
            if not _RIGHT.match(right):
                _fail("rights", right, "a lowercase word like 'work'")
        h = self.holder
        if not (h.given_names.strip() and h.surname_1.strip()):
            _fail("holder.surname_1", h.surname_1, "non-empty given names and first surname")
        if h.nationality is not None and not _ALPHA3.match(h.nationality):
            _fail("holder.nationality", h.nationality, "an ISO 3166-1 alpha-3 code such as VEN")
        if h.sex is not None and h.sex not in _SEXES:
            _fail("holder.sex", h.sex, "one of F, M, X")
        if isinstance(h.date_of_birth, str) and not _REDUCED_DOB.match(h.date_of_birth):
            _fail("holder.date_of_birth", h.date_of_birth,
                  "a date, or YYYY or YYYY-MM when only the year or the month is known")

    @property
    def expires_at(self) -> datetime:
        """End of the last valid day, UTC (the CWT ``exp``)."""
        return _day_start(self.valid_until + _ONE_DAY)

    @property
    def not_before(self) -> datetime:
        """Start of the first valid day, UTC (from ``ruta.vf``)."""
        return _day_start(self.valid_from)


# Permits share few distinct validity dates, and datetime.combine showed up in the verify
# profile; the datetimes are immutable, so handing out the same object is safe.
@lru_cache(maxsize=4096)
def _day_start(d: date) -> datetime:
    return datetime.combine(d, time(), UTC)


def _exp_timestamp(valid_until: date) -> int:
    """The CWT ``exp`` of a permit valid until ``valid_until`` (its end of day, UTC)."""
    return (valid_until.toordinal() - _EPOCH_ORDINAL + 1) * 86_400


def _fail(name: str, value: object, expected: str) -> NoReturn:
    raise PermitsError(f"got {value!r}; expected {expected}", field=name)


def claims_from_permit(p: Permit) -> dict[Any, Any]:
    """The CWT claims map of a permit (see the module docstring for the labels)."""
    h = p.holder
    holder: dict[str, Any] = {"gn": h.given_names, "s1": h.surname_1}
    optional = {"s2": h.surname_2, "dob": _dob(h.date_of_birth),
                "nat": h.nationality, "sex": h.sex, "ph": h.photo_hash}
    holder.update({k: v for k, v in optional.items() if v is not None})
    ruta: dict[str, Any] = {
        "v": 1, "id": p.permit_id, "pr": "m" if p.profile == "minimal" else "f",
        "h": holder, "vf": _days(p.valid_from), "vu": _days(p.valid_until),
        "r": list(p.rights), "st": {"idx": p.status_index},
    }
    if p.permit_type is not None:
        ruta["t"] = p.permit_type
    return {
        CLAIM_ISS: p.issuer_country,
        CLAIM_IAT: int(p.issued_at.timestamp()),
        CLAIM_EXP: _exp_timestamp(p.valid_until),
        CLAIM_RUTA: ruta,
    }


def permit_from_claims(claims: Mapping[Any, Any]) -> Permit:
    """Rebuild a permit from decoded claims; ``PermitsError`` names the first bad claim."""
    try:
        r = claims[CLAIM_RUTA]
        h = r["h"]
        if r.get("v") != 1:
            raise PermitsError(f"got {r.get('v')!r}; expected 1", field="ruta.v")
        dob = h.get("dob")
        holder = Holder(
            given_names=_text(h["gn"]), surname_1=_text(h["s1"]),
            surname_2=_opt_text(h.get("s2")),
            date_of_birth=_dob_claim(dob),
            nationality=_opt_text(h.get("nat")), sex=_opt_text(h.get("sex")),
            photo_hash=_opt_bytes(h.get("ph")),
        )
        rights: Sequence[Any] = r["r"]
        if not isinstance(rights, (list, tuple)):  # a text string is a Sequence too
            raise TypeError("ruta.r must be an array of rights")
        permit = Permit(
            permit_id=_text(r["id"]), permit_type=_opt_text(r.get("t")),
            issuer_country=_text(claims[CLAIM_ISS]), holder=holder,
            valid_from=_date(r["vf"]), valid_until=_date(r["vu"]),
            rights=tuple(_text(x) for x in rights), status_index=_int(r["st"]["idx"]),
            issued_at=datetime.fromtimestamp(_int(claims[CLAIM_IAT]), UTC),
            profile="minimal" if r["pr"] == "m" else "full",
        )
        exp = _int(claims[CLAIM_EXP])
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise PermitsError(f"claims do not follow the RUTA1 layout ({exc!r})",
                           field="payload") from None
    if exp != _exp_timestamp(permit.valid_until):
        raise PermitsError("exp does not match ruta.vu", field="payload")
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
