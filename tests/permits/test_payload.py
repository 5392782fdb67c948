"""The permit data model and its CWT claims (the contract in docs/permits.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import cbor2
import pytest

from ruta.permits import Holder, Permit, PermitsError, minimal_view
from ruta.permits._payload import claims_from_permit, permit_from_claims

PermitFactory = Callable[..., Permit]


def test_claims_use_the_documented_labels(permit_factory: PermitFactory) -> None:
    claims = claims_from_permit(permit_factory())
    assert claims[1] == "COL"
    assert claims[6] == int(datetime(2026, 1, 10, 9, tzinfo=UTC).timestamp())
    assert 5 not in claims  # no nbf: ruta.vf is the first valid day
    assert claims[4] == int(datetime(2028, 1, 10, tzinfo=UTC).timestamp())
    ruta = cbor2.loads(cbor2.dumps(claims))["ruta"]
    assert ruta["v"] == 1 and ruta["id"] == "COL-7K2M9Q4X1B" and ruta["t"] == "col.ppt"
    assert ruta["h"] == {"gn": "María Fernanda", "s1": "Rodríguez", "s2": "Gutiérrez",
                         "dob": date(1990, 5, 17), "nat": "VEN", "sex": "F",
                         "ph": bytes(range(32))}
    assert (ruta["vf"], ruta["vu"]) == (date(2026, 1, 10), date(2028, 1, 9))
    # RFC 8943 tag 100 (0xd8 0x64) + days since 1970-01-01: 5 bytes, not an 11-byte string
    assert cbor2.dumps(claims["ruta"]["vf"]) == b"\xd8\x64" + cbor2.dumps(20463)
    assert ruta["r"] == ["work", "study", "health", "banking"]
    assert ruta["st"] == {"idx": 4242} and ruta["pr"] == "f"


def test_round_trip_through_cbor(permit_factory: PermitFactory) -> None:
    p = permit_factory()
    assert permit_from_claims(cbor2.loads(cbor2.dumps(claims_from_permit(p)))) == p


def test_minimal_view_discloses_only_names_validity_and_work_or_banking(
        permit_factory: PermitFactory) -> None:
    m = minimal_view(permit_factory(rights=("work", "study", "banking")))
    ruta = claims_from_permit(m)["ruta"]
    assert ruta["h"] == {"gn": "María Fernanda", "s1": "Rodríguez", "s2": "Gutiérrez"}
    assert ruta["r"] == ["work", "banking"] and ruta["pr"] == "m" and "t" not in ruta


@pytest.mark.parametrize("changes,field", [
    ({"issuer_country": "co"}, "issuer_country"),
    ({"permit_id": ""}, "permit_id"),
    ({"valid_until": date(2025, 1, 1)}, "valid_until"),
    ({"status_index": -1}, "status_index"),
    ({"rights": ("Work!",)}, "rights"),
    ({"issued_at": datetime(2026, 1, 1)}, "issued_at"),
    ({"holder": Holder("Ana", "Pérez", nationality="Venezuela")}, "holder.nationality"),
    ({"holder": Holder("Ana", "Pérez", sex="female")}, "holder.sex"),
    ({"holder": Holder(" ", "Pérez")}, "holder.surname_1"),
])
def test_invalid_permit_names_the_field(permit_factory: PermitFactory, changes: dict[str, object],
                                        field: str) -> None:
    with pytest.raises(PermitsError) as err:
        permit_factory(**changes)
    assert err.value.field == field


@pytest.mark.parametrize("mutate", [
    lambda c: c.pop("ruta"),
    lambda c: c["ruta"].update(v=2),
    lambda c: c["ruta"]["h"].update(dob="1990-05-17"),
    lambda c: c["ruta"].update(vf=datetime(2026, 1, 1, tzinfo=UTC)),
    lambda c: c["ruta"].update(r="work"),
    lambda c: c.update({4: c[4] + 1}),
    lambda c: c["ruta"]["st"].update(idx="7"),
])
def test_claims_outside_the_layout_are_refused(permit_factory: PermitFactory,
                                               mutate: Callable[[dict[object, object]], object],
                                               ) -> None:
    claims = cbor2.loads(cbor2.dumps(claims_from_permit(permit_factory())))
    mutate(claims)
    with pytest.raises(PermitsError):
        permit_from_claims(claims)


@pytest.mark.parametrize("born", ["1990", "1990-05"])
def test_a_birth_known_to_the_year_or_month_travels_as_text(permit_factory: PermitFactory,
                                                            born: str) -> None:
    holder = Holder("Ana", "Pérez", date_of_birth=born, nationality="HTI", sex="F")
    p = permit_factory(holder=holder)
    encoded = cbor2.dumps(claims_from_permit(p))
    # Read back by the CBOR decoder alone: a text string, never a tag-100 day.
    assert cbor2.loads(encoded)["ruta"]["h"]["dob"] == born
    assert permit_from_claims(cbor2.loads(encoded)) == p


@pytest.mark.parametrize("born", ["1990-13", "1990-5", "90", "1990-05-17", "1990-00"])
def test_a_malformed_reduced_birth_date_is_refused(permit_factory: PermitFactory,
                                                   born: str) -> None:
    with pytest.raises(PermitsError) as err:
        permit_factory(holder=Holder("Ana", "Pérez", date_of_birth=born))
    assert err.value.field == "holder.date_of_birth"
    claims = cbor2.loads(cbor2.dumps(claims_from_permit(permit_factory())))
    claims["ruta"]["h"]["dob"] = born
    with pytest.raises(PermitsError):
        permit_from_claims(claims)
