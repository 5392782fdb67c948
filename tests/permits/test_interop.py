"""Interoperability: an independent COSE library (pycose) and nothing from Ruta, following
docs/permits.md alone, verifies Ruta permits and signs permits that Ruta verifies.

The code under test is the worked example of docs/permits.md section 9, executed as it is
printed there: if the documentation drifts from the format, this test fails.
"""

from __future__ import annotations

import json
import re
import types
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import cbor2
import pytest

from ruta.permits import KeyStore, TrustList, issue_for_application, verify
from ruta.permits._signed_json import b64d

DOC = Path(__file__).resolve().parents[2] / "docs" / "permits.md"
HOLDER = {
    "given_names": "Ana María",
    "surname_1": "Pérez",
    "surname_2": "Quispe",
    "date_of_birth": "1990-01-02",
    "nationality": "BOL",
    "sex": "F",
}
NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def example() -> types.ModuleType:
    """The Python block of docs/permits.md section 9, as a module."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- bank-example -->\s*```python\n(.*?)```", text, re.S)
    assert found, "docs/permits.md lost its worked example"
    assert "ruta" not in re.sub(
        r"(?i)ruta-permit|RUTA1:|RUTA =|\[RUTA\]|Ruta ", "", found.group(1)
    ), "the example must not use Ruta's code"
    module = types.ModuleType("bank_example")
    # Why exec: the test must run the documentation exactly as a reader copies it.
    exec(compile(found.group(1), str(DOC), "exec"), module.__dict__)
    return module


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    ks = KeyStore(tmp_path / "keys")
    ks.init("COL")
    return ks


def _issue(store: KeyStore, index: int = 5, **dates: date) -> Any:
    today = NOW.date()
    return issue_for_application(
        application_id="a1",
        pathway_id="col.ppt",
        host_country="COL",
        holder=HOLDER,
        valid_from=dates.get("valid_from", today - timedelta(days=1)),
        valid_until=dates.get("valid_until", today + timedelta(days=700)),
        rights=["work", "banking"],
        status_index=index,
        keys_dir=store.root,
        public_url="https://migracion.example.gov",
    )


def _issuers(example: types.ModuleType, store: KeyStore) -> list[dict[str, Any]]:
    operator = store.operator_signer().public_key_der
    issuers: list[dict[str, Any]] = example.load_trust_list(
        (store.root / "trust-list.json").read_bytes(), operator
    )
    return issuers


def test_pycose_verifies_a_ruta_permit_and_its_standard_claims(
    example: types.ModuleType, store: KeyStore
) -> None:
    issued = _issue(store)
    issuers = _issuers(example, store)
    claims = example.read_permit(issued.payload, issuers, NOW)
    assert claims[7] == issued.permit_id.encode()  # cti
    assert claims[5] == (issued.valid_from - date(1970, 1, 1)).days * 86_400  # nbf
    assert claims[4] == ((issued.valid_until - date(1970, 1, 1)).days + 1) * 86_400  # exp
    uri = claims[65535]["status_list"]["uri"]
    assert uri == "https://migracion.example.gov/permits/status/COL.json"
    status = (store.root / "status" / "COL.json").read_bytes()
    assert example.permit_status(claims, status, issuers) == "valid"
    assert example.what_the_bank_sees(claims) == {
        "permit_id": issued.permit_id,
        "given_names": "Ana María",
        "surnames": ["Pérez", "Quispe"],
        "date_of_birth": "1990-01-02",
        "resides_lawfully_until": issued.valid_until.isoformat(),
    }
    store.set_status("COL", 5, "revoked")
    revoked = (store.root / "status" / "COL.json").read_bytes()
    assert example.permit_status(claims, revoked, issuers) == "revoked"


def test_pycose_refuses_what_ruta_refuses(example: types.ModuleType, store: KeyStore) -> None:
    issuers = _issuers(example, store)
    future = _issue(
        store,
        valid_from=NOW.date() + timedelta(days=3),
        valid_until=NOW.date() + timedelta(days=30),
    )
    with pytest.raises(ValueError, match="not yet valid"):
        example.read_permit(future.payload, issuers, NOW)
    current = _issue(store)
    with pytest.raises(ValueError, match="expired"):
        example.read_permit(current.payload, issuers, NOW + timedelta(days=800))
    # A changed claim: the signature no longer verifies for pycose either.
    tagged = cbor2.loads(zlib.decompress(example.b45decode(current.payload[6:])))
    protected, unprotected, payload, signature = tagged.value
    claims = cbor2.loads(payload)
    claims[-65537]["h"]["gn"] = "Eve"
    forged = cbor2.dumps(
        cbor2.CBORTag(18, [protected, dict(unprotected), cbor2.dumps(claims), signature])
    )
    forged_text = "RUTA1:" + example.b45encode(zlib.compress(forged))
    with pytest.raises(ValueError, match="bad signature"):
        example.read_permit(forged_text, issuers, NOW)
    assert (
        verify(
            forged_text, TrustList.from_json((store.root / "trust-list.json").read_bytes())
        ).reason_code
        == "bad_signature"
    )
    # Another operator: the pinned key refuses the list.
    with pytest.raises(ValueError, match="operator you trust"):
        example.load_trust_list((store.root / "trust-list.json").read_bytes(), b"other")


def test_ruta_verifies_a_permit_pycose_signed_from_the_documented_claims(
    example: types.ModuleType, store: KeyStore
) -> None:
    signer = store.issuer_signer("COL")
    start = NOW.date() - timedelta(days=2)
    days = (start - date(1970, 1, 1)).days
    claims = {
        1: "COL",
        4: (days + 366) * 86_400,
        5: days * 86_400,
        6: int(datetime.now(UTC).timestamp()),
        7: b"COL-PYCOSE0001",
        65535: {
            "status_list": {
                "idx": 9,
                "uri": "https://migracion.example.gov/permits/status/COL.json",
            }
        },
        -65537: {
            "v": 2,
            "pr": "f",
            "t": "col.ppt",
            "r": ["work", "banking"],
            "wr": ["hours_limited"],
            "h": {
                "gn": "Rosa",
                "s1": "Mamani",
                "dob": cbor2.CBORTag(100, 7000),
                "nat": "BOL",
                "sex": "F",
            },
        },
    }
    text = example.sign_permit(claims, signer._key, signer.kid)
    trust = TrustList.from_json((store.root / "trust-list.json").read_bytes())
    status = store.status_list("COL")
    result = verify(text, trust, [status])
    assert (result.status, result.reason_code) == ("valid", "ok")
    permit = result.permit
    assert permit is not None and permit.permit_id == "COL-PYCOSE0001"
    assert (permit.valid_from, permit.valid_until) == (start, start + timedelta(days=365))
    assert permit.holder.full_name == "Rosa Mamani"
    assert permit.holder.date_of_birth == date(1970, 1, 1) + timedelta(days=7000)
    assert permit.work_restrictions == ("hours_limited",)
    assert permit.status_uri == "https://migracion.example.gov/permits/status/COL.json"
    # nbf in the future: Ruta says "not yet valid", as a generic CWT library would.
    later = {**claims, 5: (days + 10) * 86_400}
    early = verify(example.sign_permit(later, signer._key, signer.kid), trust, [status])
    assert early.reason_code == "not_yet_valid"
    # The header pycose wrote carries the documented typ.
    written = cbor2.loads(zlib.decompress(example.b45decode(text[6:])))
    assert cbor2.loads(written.value[0])[16] == "application/ruta-permit+cwt"


def test_signed_lists_are_rfc8785_and_equal_the_sorted_compact_json(store: KeyStore) -> None:
    import rfc8785

    for path in (store.root / "trust-list.json", store.root / "status" / "COL.json"):
        doc = json.loads(path.read_bytes())
        body = {k: v for k, v in doc.items() if k != "signature"}
        legacy = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert rfc8785.dumps(body) == legacy.encode()
        assert len(b64d(doc["signature"]["value"])) == 64
