"""Fixtures for the permits tests: keys, trust lists, sample permits, a key store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import cbor2
import pytest

from ruta.permits import (
    Holder,
    KeyStore,
    PemSigner,
    Permit,
    StatusList,
    TrustedIssuer,
    TrustList,
    generate_private_key,
)
from ruta.permits._codec import pack
from ruta.permits._cose import encode_sign1

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
DURING = datetime(2027, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def issuer_signer() -> PemSigner:
    return PemSigner(generate_private_key())


@pytest.fixture(scope="session")
def operator_signer() -> PemSigner:
    return PemSigner(generate_private_key())


@pytest.fixture(scope="session")
def trust(issuer_signer: PemSigner, operator_signer: PemSigner) -> TrustList:
    issuer = TrustedIssuer(
        "COL",
        issuer_signer.kid,
        issuer_signer.public_key_der,
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2030, 1, 1, tzinfo=UTC),
    )
    return TrustList(operator_signer.public_key_der, [issuer], T0)


@pytest.fixture
def status_list(issuer_signer: PemSigner) -> StatusList:
    sl = StatusList("COL")
    sl.to_json(issuer_signer, issued_at=T0)
    return sl


def make_permit(**changes: Any) -> Permit:
    """A typical full-profile permit; keyword arguments override fields."""
    fields: dict[str, Any] = {
        "permit_id": "COL-7K2M9Q4X1B",
        "permit_type": "col.ppt",
        "issuer_country": "COL",
        "holder": Holder(
            "María Fernanda",
            "Rodríguez",
            "Gutiérrez",
            date(1990, 5, 17),
            "VEN",
            "F",
            bytes(range(32)),
        ),
        "valid_from": date(2026, 1, 10),
        "valid_until": date(2028, 1, 9),
        "rights": ("work", "study", "health", "banking"),
        "status_index": 4242,
        "issued_at": T0,
    }
    fields.update(changes)
    return Permit(**fields)


@pytest.fixture(scope="session")
def permit_factory() -> Callable[..., Permit]:
    return make_permit


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    ks = KeyStore(tmp_path / "keys")
    ks.init("COL")
    return ks


def legacy_claims(p: Permit) -> dict[Any, Any]:
    """The claims of ``p`` in the layout issued before the standard claims (docs/permits.md
    section 3.2), written out by hand here so the tests do not depend on the reader."""
    h = p.holder
    holder: dict[str, Any] = {"gn": h.given_names, "s1": h.surname_1}
    dob = (
        cbor2.CBORTag(100, (h.date_of_birth - date(1970, 1, 1)).days)
        if isinstance(h.date_of_birth, date)
        else h.date_of_birth
    )
    extra = {"s2": h.surname_2, "dob": dob, "nat": h.nationality, "sex": h.sex, "ph": h.photo_hash}
    holder.update({k: v for k, v in extra.items() if v is not None})
    ruta: dict[str, Any] = {
        "v": 1,
        "id": p.permit_id,
        "pr": "m" if p.profile == "minimal" else "f",
        "h": holder,
        "vf": cbor2.CBORTag(100, (p.valid_from - date(1970, 1, 1)).days),
        "vu": cbor2.CBORTag(100, (p.valid_until - date(1970, 1, 1)).days),
        "r": list(p.rights),
        "st": {"idx": p.status_index},
    }
    if p.permit_type is not None:
        ruta["t"] = p.permit_type
    exp = datetime.combine(p.valid_until, datetime.min.time(), UTC).timestamp() + 86_400
    return {1: p.issuer_country, 6: int(p.issued_at.timestamp()), 4: int(exp), "ruta": ruta}


def issue_legacy(p: Permit, signer: PemSigner) -> str:
    """A ``RUTA1:`` text as issued before the standard claims: no typ, the "ruta" claim."""
    return pack(encode_sign1(cbor2.dumps(legacy_claims(p)), signer, typ=None))
