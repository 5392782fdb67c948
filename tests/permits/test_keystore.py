"""The development key store: layout, idempotence, rotation, import, status changes."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ruta.permits import (
    KeyStore,
    KeyStoreError,
    PemSigner,
    Permit,
    StatusList,
    StatusListError,
    TrustList,
    issue_permit,
    verify,
)

PermitFactory = Callable[..., Permit]


def test_init_creates_private_keys_readable_only_by_the_owner(store: KeyStore) -> None:
    root = store.root
    assert (root / "trust-list.json").exists() and (root / "status" / "COL.json").exists()
    for pem in [root / "operator.pem", *root.glob("issuers/COL/*.pem")]:
        assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    trust = store.trust_list()
    assert [i.country for i in trust.issuers] == ["COL"]
    assert trust.operator_key_der == store.operator_signer().public_key_der


def test_init_is_idempotent_without_rotate(store: KeyStore) -> None:
    kid = store.issuer_signer("COL").kid
    again = store.init("COL")
    assert again is not None and again.kid == kid
    assert len(store.local_issuers()) == 1


def test_rotation_signs_new_permits_with_the_new_key_and_old_ones_still_verify(
    store: KeyStore, permit_factory: PermitFactory
) -> None:
    before = datetime.now(UTC) - timedelta(minutes=5)
    old_signer = store.issuer_signer("COL")
    old_permit = issue_permit(
        permit_factory(issued_at=datetime.now(UTC).replace(microsecond=0)), old_signer
    )
    new_issuer = store.init("COL", rotate=True, now=datetime.now(UTC) + timedelta(seconds=2))
    assert new_issuer is not None and new_issuer.kid != old_signer.kid
    later = datetime.now(UTC) + timedelta(seconds=3)
    assert store.issuer_signer("COL", at=later).kid == new_issuer.kid
    trust = store.trust_list()
    assert len(trust.issuers) == 2
    at = datetime(2027, 1, 1, tzinfo=UTC)
    assert verify(old_permit, trust, at=at).is_valid
    # A permit the old key signs after rotation is refused: the key was closed then.
    late = issue_permit(permit_factory(issued_at=later.replace(microsecond=0)), old_signer)
    assert verify(late, trust, at=at).reason_code == "key_not_valid_at_issue"
    assert before < trust.issuers[0].valid_from


def test_unknown_country_and_bad_code(store: KeyStore) -> None:
    with pytest.raises(KeyStoreError, match="keys init --country ARG"):
        store.issuer_signer("ARG")
    with pytest.raises(KeyStoreError) as err:
        store.init("Colombia")
    assert err.value.field == "country"


def test_missing_store_tells_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError, match="keys init"):
        KeyStore(tmp_path / "none").trust_list()


def test_import_adds_foreign_issuers_and_resigns(store: KeyStore, tmp_path: Path) -> None:
    other = KeyStore(tmp_path / "arg")
    other.init("ARG")
    foreign = TrustList.from_json((other.root / "trust-list.json").read_text())
    assert store.import_trust_list(foreign) == 1
    assert store.import_trust_list(foreign) == 0
    mine = store.trust_list()
    assert sorted(i.country for i in mine.issuers) == ["ARG", "COL"]
    assert mine.operator_key_der == store.operator_signer().public_key_der
    store.init("COL", rotate=True)  # rewriting the list keeps imported issuers
    assert sorted(i.country for i in store.trust_list().issuers) == ["ARG", "COL", "COL"]


def test_status_changes_are_signed_and_persisted(store: KeyStore) -> None:
    assert store.set_status("COL", 12, "suspended") == "valid"
    assert store.set_status("COL", 12, "valid") == "suspended"
    store.set_status("COL", 13, "revoked")
    text = (store.root / "status" / "COL.json").read_text()
    sl = StatusList.from_json(text, store.trust_list())
    assert (sl.get(12), sl.get(13)) == ("valid", "revoked")
    with pytest.raises(StatusListError, match="final"):
        store.set_status("COL", 13, "valid")
    assert StatusList.from_json(text, store.trust_list()).get(13) == "revoked"


def test_capacity_grows_for_new_indexes(store: KeyStore) -> None:
    store.ensure_status_capacity("COL", 200_000)
    assert store.status_list("COL").get(200_000) == "valid"


def test_corrupt_issuers_file_is_a_clear_error(store: KeyStore) -> None:
    (store.root / "issuers.json").write_text(json.dumps([{"country": "COL"}]))
    with pytest.raises(KeyStoreError):
        store.local_issuers()


def test_pem_signer_loads_from_file(store: KeyStore, tmp_path: Path) -> None:
    path = next(store.root.glob("issuers/COL/*.pem"))
    assert PemSigner.from_file(path).kid.hex() == path.stem
    (tmp_path / "bad.pem").write_text("nope")
    with pytest.raises(KeyStoreError, match="not a readable PEM"):
        PemSigner.from_file(tmp_path / "bad.pem")
    with pytest.raises(KeyStoreError, match="does not exist"):
        PemSigner.from_file(tmp_path / "missing.pem")


def _revoke_range(root: str, start: int) -> None:
    store = KeyStore(Path(root))
    for i in range(start, start + 10):
        store.set_status("COL", i, "revoked")


def test_concurrent_status_changes_are_not_lost(store: KeyStore) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_revoke_range, args=(str(store.root), s)) for s in (0, 100)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    sl = store.status_list("COL")
    assert all(sl.get(i) == "revoked" for i in [*range(10), *range(100, 110)])
