"""The permit data model and its CWT claims (the contract in docs/permits.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import cbor2
import pytest
from tests.permits.conftest import legacy_claims

from ruta.permits import Holder, Permit, PermitsError, minimal_view
from ruta.permits._payload import (
    PRIVATE_CLAIM,
    STATUS_CLAIM,
    claims_from_permit,
    permit_from_claims,
)

PermitFactory = Callable[..., Permit]


def test_claims_use_the_documented_labels(permit_factory: PermitFactory) -> None:
    uri = "https://ruta.example/permits/status/COL.json"
    claims = claims_from_permit(permit_factory(status_uri=uri))
    assert claims[1] == "COL"
    assert claims[6] == int(datetime(2026, 1, 10, 9, tzinfo=UTC).timestamp())
    # nbf (5): start of the first valid day; exp (4): start of the day after the last one.
    assert claims[5] == int(datetime(2026, 1, 10, tzinfo=UTC).timestamp())
    assert claims[4] == int(datetime(2028, 1, 10, tzinfo=UTC).timestamp())
    assert claims[7] == b"COL-7K2M9Q4X1B"  # cti is a byte string (RFC 8392 3.1.7)
    assert claims[65535] == {"status_list": {"idx": 4242, "uri": uri}}
    assert "ruta" not in claims and set(claims) == {1, 4, 5, 6, 7, 65535, -65537}
    private = cbor2.loads(cbor2.dumps(claims))[-65537]
    assert private["v"] == 2 and private["t"] == "col.ppt" and private["pr"] == "f"
    assert private["h"] == {
        "gn": "María Fernanda",
        "s1": "Rodríguez",
        "s2": "Gutiérrez",
        "dob": date(1990, 5, 17),
        "nat": "VEN",
        "sex": "F",
        "ph": bytes(range(32)),
    }
    # RFC 8943 tag 100 (0xd8 0x64) + days since 1970-01-01: 5 bytes, not an 11-byte string
    assert cbor2.dumps(claims[-65537]["h"]["dob"]) == b"\xd8\x64" + cbor2.dumps(7441)
    assert private["r"] == ["work", "study", "health", "banking"]
    assert set(private) == {"v", "pr", "h", "r", "t"}


def test_private_claim_key_is_in_the_private_use_range() -> None:
    # RFC 8392 section 9.1: integer claim keys below -65536 are reserved for private use.
    assert PRIVATE_CLAIM < -65536 and STATUS_CLAIM == 65535


def test_round_trip_through_cbor(permit_factory: PermitFactory) -> None:
    p = permit_factory(status_uri="https://ruta.example/permits/status/COL.json")
    assert permit_from_claims(cbor2.loads(cbor2.dumps(claims_from_permit(p)))) == p


def test_legacy_layout_is_still_read(permit_factory: PermitFactory) -> None:
    p = permit_factory()
    assert permit_from_claims(cbor2.loads(cbor2.dumps(legacy_claims(p)))) == p
    minimal = minimal_view(p)
    assert permit_from_claims(cbor2.loads(cbor2.dumps(legacy_claims(minimal)))) == minimal


def test_minimal_view_discloses_only_names_validity_and_work_or_banking(
    permit_factory: PermitFactory,
) -> None:
    m = minimal_view(permit_factory(rights=("work", "study", "banking")))
    private = claims_from_permit(m)[-65537]
    assert private["h"] == {"gn": "María Fernanda", "s1": "Rodríguez", "s2": "Gutiérrez"}
    assert private["r"] == ["work", "banking"] and private["pr"] == "m" and "t" not in private


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"issuer_country": "co"}, "issuer_country"),
        ({"permit_id": ""}, "permit_id"),
        ({"valid_until": date(2025, 1, 1)}, "valid_until"),
        ({"status_index": -1}, "status_index"),
        ({"rights": ("Work!",)}, "rights"),
        ({"issued_at": datetime(2026, 1, 1)}, "issued_at"),
        ({"holder": Holder("Ana", "Pérez", nationality="Venezuela")}, "holder.nationality"),
        ({"holder": Holder("Ana", "Pérez", sex="female")}, "holder.sex"),
        ({"holder": Holder(" ", "Pérez")}, "holder.surname_1"),
    ],
)
def test_invalid_permit_names_the_field(
    permit_factory: PermitFactory, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(PermitsError) as err:
        permit_factory(**changes)
    assert err.value.field == field


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c.pop(-65537),
        lambda c: c[-65537].update(v=1),
        lambda c: c[-65537]["h"].update(dob="1990-05-17"),
        lambda c: c[-65537].update(r="work"),
        lambda c: c[-65537].update(pr="x"),
        lambda c: c.update({4: c[4] + 1}),  # exp not at a day boundary
        lambda c: c.update({5: c[5] - 3600}),  # nbf not at a day boundary
        lambda c: c.update({5: c[4] + 86_400}),  # nbf after exp
        lambda c: c.pop(5),
        lambda c: c.update({7: "COL-7K2M9Q4X1B"}),  # cti must be bytes
        lambda c: c.update({7: b"\xff\xfe"}),  # and UTF-8
        lambda c: c[65535]["status_list"].update(idx="7"),
        lambda c: c[65535].pop("status_list"),
        lambda c: c[65535]["status_list"].update(uri="ftp://x"),
    ],
)
def test_standard_claims_outside_the_layout_are_refused(
    permit_factory: PermitFactory, mutate: Callable[[dict[object, object]], object]
) -> None:
    uri = "https://ruta.example/permits/status/COL.json"
    claims = cbor2.loads(cbor2.dumps(claims_from_permit(permit_factory(status_uri=uri))))
    mutate(claims)
    with pytest.raises(PermitsError):
        permit_from_claims(claims)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c.pop("ruta"),
        lambda c: c["ruta"].update(v=2),
        lambda c: c["ruta"]["h"].update(dob="1990-05-17"),
        lambda c: c["ruta"].update(vf=datetime(2026, 1, 1, tzinfo=UTC)),
        lambda c: c["ruta"].update(r="work"),
        lambda c: c.update({4: c[4] + 1}),
        lambda c: c["ruta"]["st"].update(idx="7"),
    ],
)
def test_legacy_claims_outside_the_layout_are_refused(
    permit_factory: PermitFactory, mutate: Callable[[dict[object, object]], object]
) -> None:
    claims = cbor2.loads(cbor2.dumps(legacy_claims(permit_factory())))
    mutate(claims)
    with pytest.raises(PermitsError):
        permit_from_claims(claims)


@pytest.mark.parametrize("born", ["1990", "1990-05"])
def test_a_birth_known_to_the_year_or_month_travels_as_text(
    permit_factory: PermitFactory, born: str
) -> None:
    holder = Holder("Ana", "Pérez", date_of_birth=born, nationality="HTI", sex="F")
    p = permit_factory(holder=holder)
    encoded = cbor2.dumps(claims_from_permit(p))
    # Read back by the CBOR decoder alone: a text string, never a tag-100 day.
    assert cbor2.loads(encoded)[-65537]["h"]["dob"] == born
    assert permit_from_claims(cbor2.loads(encoded)) == p


@pytest.mark.parametrize("born", ["1990-13", "1990-5", "90", "1990-05-17", "1990-00"])
def test_a_malformed_reduced_birth_date_is_refused(
    permit_factory: PermitFactory, born: str
) -> None:
    with pytest.raises(PermitsError) as err:
        permit_factory(holder=Holder("Ana", "Pérez", date_of_birth=born))
    assert err.value.field == "holder.date_of_birth"
    claims = cbor2.loads(cbor2.dumps(claims_from_permit(permit_factory())))
    claims[-65537]["h"]["dob"] = born
    with pytest.raises(PermitsError):
        permit_from_claims(claims)
