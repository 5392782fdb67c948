"""The issuance hook casework calls, and the status functions behind revoke/suspend."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from ruta.permits import (
    KeyStore,
    PermitsError,
    StatusList,
    StatusListError,
    issue_for_application,
    reinstate_permit,
    revoke_permit,
    suspend_permit,
    verify,
)

HOLDER: dict[str, Any] = {
    "given_names": "José Luis",
    "surname_1": "Pérez",
    "surname_2": "Mora",
    "date_of_birth": "1988-02-29",
    "nationality": "VEN",
    "sex": "M",
}
AT = datetime(2027, 6, 1, tzinfo=UTC)


def _issue(store: KeyStore, **changes: Any) -> Any:
    args: dict[str, Any] = {
        "application_id": "app-1",
        "pathway_id": "col.ppt",
        "host_country": "COL",
        "holder": HOLDER,
        "valid_from": date(2026, 11, 1),
        "valid_until": date(2028, 10, 31),
        "rights": ["work", "study", "health", "banking"],
        "status_index": 17,
        "keys_dir": store.root,
    }
    args.update(changes)
    return issue_for_application(**args)


def _statuses_of(store: KeyStore, country: str) -> list[StatusList]:
    trust = store.trust_list()
    return [StatusList.from_json((store.root / "status" / f"{country}.json").read_bytes(), trust)]


def _statuses(store: KeyStore) -> list[StatusList]:
    return _statuses_of(store, "COL")


def test_issued_permit_matches_the_agreed_shape_and_verifies(store: KeyStore) -> None:
    issued = _issue(store)
    assert issued.payload.startswith("RUTA1:")
    assert issued.permit_id.startswith("COL-") and len(issued.permit_id) == 14
    assert (issued.valid_from, issued.valid_until) == (date(2026, 11, 1), date(2028, 10, 31))
    assert issued.kid == store.issuer_signer("COL").kid.hex()
    r = verify(issued.payload, store.trust_list(), _statuses(store), at=AT)
    assert r.is_valid and r.permit is not None
    assert r.permit.permit_id == issued.permit_id and r.permit.permit_type == "col.ppt"
    assert r.permit.holder.date_of_birth == date(1988, 2, 29)
    assert "app-1" not in str(r.to_dict())  # the case file id never leaves casework


def test_revoke_suspend_reinstate_change_what_verifiers_see(store: KeyStore) -> None:
    issued = _issue(store)
    suspend_permit(keys_dir=store.root, country="COL", status_index=17)
    assert verify(issued.payload, store.trust_list(), _statuses(store), at=AT).status == "suspended"
    reinstate_permit(keys_dir=store.root, country="COL", status_index=17)
    assert verify(issued.payload, store.trust_list(), _statuses(store), at=AT).is_valid
    assert revoke_permit(keys_dir=store.root, country="COL", status_index=17) == "valid"
    assert verify(issued.payload, store.trust_list(), _statuses(store), at=AT).status == "revoked"
    with pytest.raises(StatusListError):
        reinstate_permit(keys_dir=store.root, country="COL", status_index=17)


def test_minimal_profile(store: KeyStore) -> None:
    issued = _issue(store, profile="minimal")
    r = verify(issued.payload, store.trust_list(), at=AT)
    assert r.rights == ("work", "banking") and r.permit is not None
    assert r.permit.holder.nationality is None


def test_issuance_beyond_the_status_list_grows_it(store: KeyStore) -> None:
    issued = _issue(store, status_index=140_000)
    r = verify(issued.payload, store.trust_list(), _statuses(store), at=AT)
    assert r.reason_code == "ok"


def test_a_birth_known_only_to_the_month_is_signed_and_verified_as_such(store: KeyStore) -> None:
    issued = _issue(store, holder={**HOLDER, "date_of_birth": "1988-02"})
    r = verify(issued.payload, store.trust_list(), _statuses(store), at=AT)
    assert r.is_valid and r.permit is not None
    assert r.permit.holder.date_of_birth == "1988-02"
    assert r.to_dict()["permit"]["holder"]["date_of_birth"] == "1988-02"


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"holder": {k: v for k, v in HOLDER.items() if k != "surname_1"}}, "holder.surname_1"),
        ({"holder": {**HOLDER, "date_of_birth": "29/02/1988"}}, "holder"),
        ({"holder": {**HOLDER, "date_of_birth": "1988-2"}}, "holder.date_of_birth"),
        ({"holder": {**HOLDER, "nationality": "Venezuela"}}, "holder.nationality"),
        ({"application_id": ""}, "application_id"),
        ({"valid_until": date(2020, 1, 1)}, "valid_until"),
    ],
)
def test_bad_input_names_the_field(store: KeyStore, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(PermitsError) as err:
        _issue(store, **changes)
    assert err.value.field == field


def test_development_key_is_created_on_first_use(tmp_path: Path) -> None:
    fresh = KeyStore(tmp_path / "fresh")
    issued = _issue(fresh, host_country="ARG", development_keys=True)
    assert verify(issued.payload, fresh.trust_list(), _statuses_of(fresh, "ARG"), at=AT).is_valid


def test_production_never_creates_a_key(store: KeyStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # The package reads no environment: even with RUTA_ENV unset, only the caller's
    # development_keys=True (casework outside production) creates a key.
    monkeypatch.delenv("RUTA_ENV", raising=False)
    with pytest.raises(PermitsError, match="keys init --country ARG"):
        _issue(store, host_country="ARG")
    assert not (store.root / "issuers" / "ARG").exists()
