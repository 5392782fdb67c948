"""Fixtures for the permits tests: keys, trust lists, sample permits, a key store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

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
    issuer = TrustedIssuer("COL", issuer_signer.kid, issuer_signer.public_key_der,
                           datetime(2025, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
    return TrustList(operator_signer.public_key_der, [issuer], T0)


@pytest.fixture
def status_list(issuer_signer: PemSigner) -> StatusList:
    sl = StatusList("COL")
    sl.to_json(issuer_signer, issued_at=T0)
    return sl


def make_permit(**changes: Any) -> Permit:
    """A typical full-profile permit; keyword arguments override fields."""
    fields: dict[str, Any] = {
        "permit_id": "COL-7K2M9Q4X1B", "permit_type": "col.ppt", "issuer_country": "COL",
        "holder": Holder("María Fernanda", "Rodríguez", "Gutiérrez", date(1990, 5, 17), "VEN",
                         "F", bytes(range(32))),
        "valid_from": date(2026, 1, 10), "valid_until": date(2028, 1, 9),
        "rights": ("work", "study", "health", "banking"), "status_index": 4242,
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
