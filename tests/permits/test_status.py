"""Status lists: bit layout, final revocation, growth, signature against the trust list."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from ruta.permits import (
    PemSigner,
    StatusList,
    StatusListError,
    TrustList,
    generate_private_key,
)
from ruta.permits._status import CHUNK_ENTRIES


def test_two_bits_per_entry_in_ietf_order() -> None:
    sl = StatusList("COL")
    sl.set(0, "revoked")
    sl.set(1, "suspended")
    sl.set(5, "suspended")
    assert sl._data[0] == 0b1001 and sl._data[1] == 0b1000
    assert [sl.get(i) for i in range(6)] == [
        "revoked",
        "suspended",
        "valid",
        "valid",
        "valid",
        "suspended",
    ]


def test_suspension_can_be_lifted_but_revocation_is_final() -> None:
    sl = StatusList("COL")
    sl.set(9, "suspended")
    sl.set(9, "valid")
    assert sl.get(9) == "valid"
    sl.set(9, "revoked")
    with pytest.raises(StatusListError, match="final"):
        sl.set(9, "valid")


def test_list_grows_by_whole_chunks() -> None:
    sl = StatusList("COL")
    assert sl.size == CHUNK_ENTRIES and sl.get(CHUNK_ENTRIES) is None
    sl.set(CHUNK_ENTRIES + 3, "revoked")
    assert sl.size == 2 * CHUNK_ENTRIES and sl.get(CHUNK_ENTRIES + 3) == "revoked"
    with pytest.raises(StatusListError):
        sl.set(-1, "revoked")


def test_signed_list_round_trips_and_is_small(issuer_signer: PemSigner, trust: TrustList) -> None:
    sl = StatusList("COL")
    for i in (3, 77, 100_000):
        sl.set(i, "revoked")
    text = sl.to_json(issuer_signer, issued_at=datetime(2026, 5, 1, tzinfo=UTC))
    assert len(json.loads(text)["lst"]) < 400  # 131,072 entries, a few revoked
    back = StatusList.from_json(text, trust)
    assert back.get(77) == "revoked" and back.get(78) == "valid"
    assert back.issued_at == datetime(2026, 5, 1, tzinfo=UTC)


def test_list_signed_by_a_key_not_on_the_trust_list_is_refused(trust: TrustList) -> None:
    text = StatusList("COL").to_json(PemSigner(generate_private_key()))
    with pytest.raises(StatusListError, match="not signed by a key of COL"):
        StatusList.from_json(text, trust)


def test_list_for_another_country_signed_by_this_key_is_refused(
    issuer_signer: PemSigner, trust: TrustList
) -> None:
    text = StatusList("ARG").to_json(issuer_signer)
    with pytest.raises(StatusListError):
        StatusList.from_json(text, trust)


def test_tampered_bits_are_refused(issuer_signer: PemSigner, trust: TrustList) -> None:
    sl = StatusList("COL")
    sl.set(5, "revoked")
    doc = json.loads(sl.to_json(issuer_signer))
    doc["lst"] = json.loads(StatusList("COL").to_json(issuer_signer))["lst"]
    with pytest.raises(StatusListError):
        StatusList.from_json(json.dumps(doc), trust)


@pytest.mark.parametrize("text", ["{}", "[1]", "nope", '{"type": "ruta-status-list"}'])
def test_malformed_list(text: str, trust: TrustList) -> None:
    with pytest.raises(StatusListError):
        StatusList.from_json(text, trust)
