"""Verification: the valid path and every attack of issue 4 section 4."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.permits.conftest import issue_legacy, legacy_claims

from ruta.i18n import LANGUAGES
from ruta.permits import (
    PemSigner,
    Permit,
    StatusList,
    TrustedIssuer,
    TrustList,
    b45decode,
    b45encode,
    generate_private_key,
    issue_permit,
    verify,
)
from ruta.permits._codec import PREFIX, pack
from ruta.permits._cose import encode_sign1
from ruta.permits._payload import claims_from_permit

DURING = datetime(2027, 1, 1, tzinfo=UTC)
PermitFactory = Callable[..., Permit]


def test_valid_permit_gives_rights_and_status_list_age(
    issuer_signer: PemSigner,
    trust: TrustList,
    status_list: StatusList,
    permit_factory: PermitFactory,
) -> None:
    text = issue_permit(permit_factory(), issuer_signer)
    r = verify(text, trust, [status_list], at=DURING)
    assert (r.status, r.reason_code) == ("valid", "ok")
    assert r.rights == ("work", "study", "health", "banking")
    assert r.kid == issuer_signer.kid.hex()
    assert r.permit is not None and r.permit.holder.nationality == "VEN"
    assert r.status_list_age_seconds is not None and r.status_list_age_seconds > 0


@pytest.mark.parametrize("layout", ["standard", "legacy"])
@pytest.mark.parametrize(
    "at,expected",
    [
        (datetime(2026, 1, 9, 23, 59, 59, tzinfo=UTC), "not_yet_valid"),
        (datetime(2026, 1, 10, tzinfo=UTC), "ok"),
        (datetime(2028, 1, 9, 23, 59, 59, tzinfo=UTC), "ok"),
        (datetime(2028, 1, 10, tzinfo=UTC), "expired"),
    ],
)
def test_validity_bounds_in_both_layouts(
    issuer_signer: PemSigner,
    trust: TrustList,
    status_list: StatusList,
    permit_factory: PermitFactory,
    at: datetime,
    expected: str,
    layout: str,
) -> None:
    # Standard: nbf and exp. Legacy (permits issued before the standard claims: the "ruta"
    # text claim and no typ header): ruta.vf and exp. Both must keep verifying.
    p = permit_factory()
    issue = issue_permit if layout == "standard" else issue_legacy
    r = verify(issue(p, issuer_signer), trust, [status_list], at=at)
    assert r.reason_code == expected and r.permit == p


def test_standard_layout_needs_the_permit_typ(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    claims = cbor2.dumps(claims_from_permit(permit_factory()))
    untyped = pack(encode_sign1(claims, issuer_signer, typ=None))
    r = verify(untyped, trust, at=DURING)
    assert (r.status, r.reason_code) == ("invalid", "bad_cose") and "typ" in r.detail
    other = pack(encode_sign1(claims, issuer_signer, typ="application/other+cwt"))
    assert verify(other, trust, at=DURING).reason_code == "bad_cose"
    # A legacy permit carries no typ, and that is fine.
    legacy = pack(
        encode_sign1(cbor2.dumps(legacy_claims(permit_factory())), issuer_signer, typ=None)
    )
    assert verify(legacy, trust, at=DURING).is_valid


def test_protected_header_in_another_order_is_read(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    # Another encoder may write the header map in another order: the general path reads it.
    payload = cbor2.dumps(claims_from_permit(permit_factory()))
    protected = cbor2.dumps({16: "application/ruta-permit+cwt", 4: issuer_signer.kid, 1: -7})
    from ruta.permits._cose import _sig_structure

    sig = issuer_signer.sign(_sig_structure(protected, payload))
    text = pack(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, sig])))
    assert verify(text, trust, at=DURING).is_valid


def test_without_status_list_the_result_says_revocation_was_not_checked(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    r = verify(issue_permit(permit_factory(), issuer_signer), trust, at=DURING)
    assert (r.status, r.reason_code, r.status_list_age_seconds) == (
        "valid",
        "ok_status_not_checked",
        None,
    )


def test_minimal_profile_hides_birth_date_nationality_and_other_rights(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    full = issue_permit(permit_factory(), issuer_signer)
    minimal = issue_permit(permit_factory(profile="minimal"), issuer_signer)
    r = verify(minimal, trust, at=DURING)
    assert r.is_valid and r.permit is not None
    h = r.permit.holder
    assert (h.date_of_birth, h.nationality, h.sex, h.photo_hash) == (None, None, None, None)
    assert h.full_name == "María Fernanda Rodríguez Gutiérrez"
    assert r.rights == ("work", "banking") and r.permit.permit_type is None
    assert len(minimal) < len(full)


@pytest.mark.parametrize("position", ["prefix", "start", "middle", "end"])
def test_single_character_change_is_refused(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory, position: str
) -> None:
    text = issue_permit(permit_factory(), issuer_signer)
    i = {"prefix": 2, "start": len(PREFIX), "middle": len(text) // 2, "end": len(text) - 1}
    idx = i[position]
    new = "0" if text[idx] != "0" else "1"
    r = verify(text[:idx] + new + text[idx + 1 :], trust, at=DURING)
    assert not r.is_valid and r.reason_code != "ok"


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.99])
def test_truncated_payload_is_refused(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory, keep: float
) -> None:
    text = issue_permit(permit_factory(), issuer_signer)
    r = verify(text[: int(len(text) * keep)], trust, at=DURING)
    assert r.status == "invalid"
    assert r.reason_code in {"bad_base45", "bad_compression", "bad_prefix"}


def test_key_not_on_the_list_is_unknown_issuer(
    trust: TrustList, permit_factory: PermitFactory
) -> None:
    stranger = PemSigner(generate_private_key())
    r = verify(issue_permit(permit_factory(), stranger), trust, at=DURING)
    assert (r.status, r.reason_code) == ("unknown_issuer", "unknown_kid")
    assert "trust list" in r.reason("en")


def test_forged_signature_under_a_listed_kid_is_invalid(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    class Impostor:
        """Claims the real kid but signs with another key."""

        _inner = PemSigner(generate_private_key())
        kid = issuer_signer.kid
        public_key_der = issuer_signer.public_key_der

        def sign(self, data: bytes) -> bytes:
            return self._inner.sign(data)

    r = verify(issue_permit(permit_factory(), Impostor()), trust, at=DURING)
    assert (r.status, r.reason_code) == ("invalid", "bad_signature")
    assert r.permit is None  # nothing unsigned is shown


def test_expired_permit_with_a_valid_signature(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    p = permit_factory()
    text = issue_permit(p, issuer_signer)
    after = datetime.combine(p.valid_until, datetime.min.time(), UTC) + timedelta(days=1)
    assert verify(text, trust, at=after - timedelta(seconds=1)).is_valid
    r = verify(text, trust, at=after)
    assert (r.status, r.reason_code) == ("expired", "expired")
    assert r.rights == ()


def test_not_yet_valid(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    r = verify(
        issue_permit(permit_factory(), issuer_signer),
        trust,
        at=datetime(2026, 1, 9, 23, 59, tzinfo=UTC),
    )
    assert (r.status, r.reason_code) == ("not_yet_valid", "not_yet_valid")


@pytest.mark.parametrize("state", ["revoked", "suspended"])
def test_revoked_and_suspended(
    issuer_signer: PemSigner,
    trust: TrustList,
    status_list: StatusList,
    permit_factory: PermitFactory,
    state: str,
) -> None:
    status_list.set(4242, state)  # type: ignore[arg-type]
    r = verify(issue_permit(permit_factory(), issuer_signer), trust, [status_list], at=DURING)
    assert (r.status, r.reason_code) == (state, state)
    assert r.rights == ()


def test_status_index_beyond_the_list_is_not_valid(
    issuer_signer: PemSigner,
    trust: TrustList,
    status_list: StatusList,
    permit_factory: PermitFactory,
) -> None:
    p = permit_factory(status_index=status_list.size)
    r = verify(issue_permit(p, issuer_signer), trust, [status_list], at=DURING)
    assert (r.status, r.reason_code) == ("invalid", "status_index_out_of_range")


def test_status_list_of_another_country_is_not_used(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    other = StatusList("ARG")
    other.set(4242, "revoked")
    r = verify(issue_permit(permit_factory(), issuer_signer), trust, [other], at=DURING)
    assert r.reason_code == "ok_status_not_checked"


def test_key_used_outside_its_validity_period(
    issuer_signer: PemSigner, operator_signer: PemSigner, permit_factory: PermitFactory
) -> None:
    closed = TrustedIssuer(
        "COL",
        issuer_signer.kid,
        issuer_signer.public_key_der,
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, tzinfo=UTC),
    )
    tl = TrustList(operator_signer.public_key_der, [closed], datetime.now(UTC))
    r = verify(issue_permit(permit_factory(), issuer_signer), tl, at=DURING)
    assert (r.status, r.reason_code) == ("invalid", "key_not_valid_at_issue")


def test_key_of_another_country_cannot_sign_for_this_one(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    r = verify(issue_permit(permit_factory(issuer_country="ARG"), issuer_signer), trust, at=DURING)
    assert r.reason_code == "issuer_country_mismatch" and not r.is_valid


def test_oversized_input_is_refused_before_decoding(trust: TrustList) -> None:
    r = verify(PREFIX + "A" * 9000, trust)
    assert (r.status, r.reason_code) == ("invalid", "oversized")


@pytest.mark.parametrize(
    "text,code",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("HC1:NCFOXN", "bad_prefix"),
        ("RUTA1:abc", "bad_base45"),
        ("RUTA1:ÄÖÜ", "bad_base45"),
        ("RUTA1:A", "bad_base45"),
        ("RUTA1:" + b45encode(b"not zlib"), "bad_compression"),
        ("RUTA1:" + b45encode(zlib.compress(b"\xff\xff")), "bad_cbor"),
        ("RUTA1:" + b45encode(zlib.compress(cbor2.dumps([1, 2]))), "bad_cose"),
        ("RUTA1:" + b45encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(98, [])))), "bad_cose"),
    ],
)
def test_garbage_gets_a_reason_never_an_exception(trust: TrustList, text: str, code: str) -> None:
    r = verify(text, trust)
    assert (r.status, r.reason_code) == ("invalid", code)
    for lang in LANGUAGES:
        assert r.reason(lang) and r.reason(lang) != code


def test_zlib_bomb_is_refused(trust: TrustList) -> None:
    bomb = zlib.compress(b"\x00" * 1_000_000, 9)
    assert len(bomb) < 6000
    assert verify(PREFIX + b45encode(bomb), trust).reason_code == "bad_compression"


def test_trailing_bytes_after_the_zlib_stream_are_refused(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    text = issue_permit(permit_factory(), issuer_signer)
    padded = PREFIX + b45encode(b45decode(text[len(PREFIX) :]) + b"\x00")
    assert verify(padded, trust, at=DURING).reason_code == "bad_compression"


def test_payload_claims_not_in_the_ruta_layout(issuer_signer: PemSigner, trust: TrustList) -> None:
    text = pack(encode_sign1(cbor2.dumps({1: "COL", "ruta": {"v": 1}}), issuer_signer))
    r = verify(text, trust, at=DURING)
    assert (r.status, r.reason_code) == ("invalid", "bad_claims")
    assert "RUTA1 layout" in r.to_dict()["detail"]
    text = pack(encode_sign1(cbor2.dumps({1: "COL", -65537: {"v": 2}}), issuer_signer))
    r = verify(text, trust, at=DURING)
    assert (r.status, r.reason_code) == ("invalid", "bad_claims")
    assert "standard layout" in r.to_dict()["detail"]


def test_algorithm_other_than_es256_is_refused(issuer_signer: PemSigner, trust: TrustList) -> None:
    protected = cbor2.dumps({1: -37, 4: issuer_signer.kid})  # PS256
    cose = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, b"\xa0", bytes(64)]))
    assert verify(pack(cose), trust).reason_code == "bad_algorithm"


def test_result_to_dict_carries_reason_in_the_requested_language(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    d = verify(issue_permit(permit_factory(), issuer_signer), trust, at=DURING).to_dict("pt")
    assert d["valid"] is True and d["lang"] == "pt"
    assert d["rights"][0] == {
        "code": "work",
        "label": "Trabalhar (por conta própria ou de terceiros)",
    }
    assert d["permit"]["holder"]["date_of_birth"] == "1990-05-17"


names = st.text(st.characters(categories=["L"]), min_size=1, max_size=30).filter(str.strip)
rights = st.lists(
    st.sampled_from(["work", "study", "health", "banking", "travel"]), unique=True, max_size=5
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    given_names=names,
    surname=names,
    idx=st.integers(0, 131_071),
    rights=rights,
    profile=st.sampled_from(["full", "minimal"]),
    data=st.data(),
)
def test_property_issue_then_verify_is_valid_and_any_mutation_is_not(
    issuer_signer: PemSigner,
    trust: TrustList,
    permit_factory: PermitFactory,
    given_names: str,
    surname: str,
    idx: int,
    rights: list[str],
    profile: str,
    data: st.DataObject,
) -> None:
    from ruta.permits import Holder

    p = permit_factory(
        holder=Holder(given_names, surname), status_index=idx, rights=tuple(rights), profile=profile
    )
    text = issue_permit(p, issuer_signer)
    assert verify(text, trust, at=DURING).is_valid
    # ECDSA signatures are randomised, so the length varies: draw independently of it.
    i = data.draw(st.integers(0, 10**6), label="position") % len(text)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:a"
    c = data.draw(st.sampled_from(alphabet), label="char")
    if c == text[i]:
        c = "a"  # outside Base45 and the prefix: still a change
    r = verify(text[:i] + c + text[i + 1 :], trust, at=DURING)
    assert not r.is_valid, (i, c)


def test_every_mutation_of_the_tail_is_refused(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    """Exhaustive over the last characters, where deflate's ignored padding bits sit:
    without the padding check some of these mutations verified (seen while building)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    for k in range(20):
        text = issue_permit(permit_factory(permit_id=f"COL-{k}", status_index=k), issuer_signer)
        for i in range(len(text) - 12, len(text)):
            for c in alphabet.replace(text[i], ""):
                assert not verify(text[:i] + c + text[i + 1 :], trust, at=DURING).is_valid, (k, i)


def test_non_zero_deflate_padding_is_refused(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory
) -> None:
    for k in range(50):
        # Legacy permits compress (fixed Huffman codes, so padding bits); a standard one
        # is usually a stored block, byte-aligned, with no padding bits to flip.
        raw = b45decode(issue_legacy(permit_factory(status_index=k), issuer_signer)[6:])
        last = len(raw) - 5
        if raw[last] & 0x80:
            continue
        flipped = raw[:last] + bytes([raw[last] | 0x80]) + raw[last + 1 :]
        d = zlib.decompressobj()
        try:
            same = d.decompress(flipped) == zlib.decompress(raw) and d.eof
        except zlib.error:  # bit 7 was data here, not padding
            continue
        if same:
            r = verify(PREFIX + b45encode(flipped), trust, at=DURING)
            assert r.reason_code == "bad_compression"
            return
    pytest.fail("no permit with a free top padding bit in 50 tries")


@pytest.mark.parametrize("before", [" ", "  \n", "\u00a0", "\t \r\n"])
def test_whitespace_a_paste_brings_before_the_prefix_is_ignored(
    issuer_signer: PemSigner, trust: TrustList, permit_factory: PermitFactory, before: str
) -> None:
    text = issue_permit(permit_factory(), issuer_signer)
    assert verify(before + text + "\r\n", trust, at=DURING).is_valid
    # After the prefix a space is a Base45 digit: a trailing one changes the data.
    assert not verify(text + " ", trust, at=DURING).is_valid
