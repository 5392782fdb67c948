"""Trust lists: operator signature, pinning, kid/key consistency, merging."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from ruta.permits import (
    PemSigner,
    TrustedIssuer,
    TrustList,
    TrustListError,
    generate_private_key,
    merge_trust_lists,
)


def _issuer(country: str, signer: PemSigner, year: int = 2025) -> TrustedIssuer:
    return TrustedIssuer(
        country,
        signer.kid,
        signer.public_key_der,
        datetime(year, 1, 1, tzinfo=UTC),
        datetime(year + 5, 1, 1, tzinfo=UTC),
    )


def test_signed_list_round_trips(trust: TrustList, operator_signer: PemSigner) -> None:
    back = TrustList.from_json(trust.to_json(operator_signer))
    assert back.issuers == trust.issuers and back.issued_at == trust.issued_at


def test_tampered_list_is_refused(trust: TrustList, operator_signer: PemSigner) -> None:
    doc = json.loads(trust.to_json(operator_signer))
    doc["issuers"][0]["valid_until"] = "2099-01-01T00:00:00+00:00"
    with pytest.raises(TrustListError, match="signature") as err:
        TrustList.from_json(json.dumps(doc))
    assert err.value.field == "trust_list.signature"


def test_list_signed_by_another_operator_fails_pinning(
    trust: TrustList, operator_signer: PemSigner
) -> None:
    other = PemSigner(generate_private_key())
    text = TrustList(other.public_key_der, trust.issuers, trust.issued_at).to_json(other)
    TrustList.from_json(text)  # self-consistent ...
    with pytest.raises(TrustListError, match="not one this verifier trusts"):
        TrustList.from_json(text, operator_keys=[operator_signer.public_key_der])


def test_only_the_operator_can_sign(trust: TrustList) -> None:
    with pytest.raises(TrustListError, match="operator"):
        trust.to_json(PemSigner(generate_private_key()))


def test_kid_must_match_the_key(trust: TrustList, operator_signer: PemSigner) -> None:
    doc = json.loads(trust.to_json(operator_signer))
    doc["issuers"][0]["kid"] = "00" * 8
    body = TrustList(operator_signer.public_key_der, [], trust.issued_at)
    signed = json.loads(body.to_json(operator_signer))
    signed["issuers"] = doc["issuers"]
    from ruta.permits._signed_json import sign_document

    resigned = sign_document({k: v for k, v in signed.items() if k != "signature"}, operator_signer)
    with pytest.raises(TrustListError, match="does not match"):
        TrustList.from_json(json.dumps(resigned))


@pytest.mark.parametrize(
    "text", ["", "[]", "{}", '{"type": "ruta-trust-list", "version": 1}', "not json"]
)
def test_malformed_list_is_a_trust_list_error(text: str) -> None:
    with pytest.raises(TrustListError):
        TrustList.from_json(text)


def test_merge_is_a_union_with_widest_validity() -> None:
    col, arg = PemSigner(generate_private_key()), PemSigner(generate_private_key())
    hub = PemSigner(generate_private_key())
    op = PemSigner(generate_private_key()).public_key_der
    now = datetime(2026, 6, 1, tzinfo=UTC)
    a = TrustList(op, [_issuer("COL", col, 2025)], now)
    b = TrustList(op, [_issuer("COL", col, 2026), _issuer("ARG", arg)], now)
    merged = merge_trust_lists([a, b], hub.public_key_der, now)
    assert [i.country for i in merged.issuers] == ["ARG", "COL"]
    col_entry = merged.issuers[1]
    assert col_entry.valid_from.year == 2025 and col_entry.valid_until is not None
    assert col_entry.valid_until.year == 2031
    again = TrustList.from_json(merged.to_json(hub), [hub.public_key_der])
    assert len(again.keys_for(col.kid)) == 1


def test_validity_window_is_half_open() -> None:
    s = PemSigner(generate_private_key())
    i = _issuer("COL", s)
    assert i.valid_at(datetime(2025, 1, 1, tzinfo=UTC))
    assert not i.valid_at(datetime(2030, 1, 1, tzinfo=UTC))
    assert not i.valid_at(datetime(2024, 12, 31, tzinfo=UTC))
