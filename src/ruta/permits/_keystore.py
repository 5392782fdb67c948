"""Development key store: key files, the local trust list and status lists in one directory.

Layout (all written atomically; ``issuers.json`` and status lists are updated under a lock
so two casework processes cannot lose each other's revocations)::

    operator.pem               trust-list operator key
    issuers/<CTRY>/<kid>.pem   issuing keys (rotation adds one; the old stays trusted)
    issuers.json               local issuers with validity periods
    imported.json              issuers imported from other operators' lists
    trust-list.json            signed trust list to hand to verifiers
    status/<CTRY>.json         signed status list of each issuing country

Production keeps issuing keys in the state's PKI; only the ``Signer`` changes.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ruta.i18n import N_
from ruta.permits._errors import KeyStoreError, TrustListError, reason_of
from ruta.permits._keys import PemSigner, generate_private_key
from ruta.permits._status import PermitStatus, StatusList
from ruta.permits._trust import TrustedIssuer, TrustList, merge_trust_lists

__all__ = ["KeyStore", "write_atomic"]

# Development keys sign for five years; a state's PKI sets its own policy.
_KEY_LIFETIME = timedelta(days=5 * 365 + 1)


def write_atomic(path: Path, data: str | bytes, mode: int = 0o644) -> None:
    """Write via a temporary file in the same directory, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class KeyStore:
    """Keys, trust list and status lists under ``root`` (``./var/keys`` by default)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def init(
        self, country: str | None = None, *, rotate: bool = False, now: datetime | None = None
    ) -> TrustedIssuer | None:
        """Create the operator key and, for ``country``, an issuing key and a status list.

        Idempotent unless ``rotate``: then a new key signs new permits and the previous
        one stays on the trust list, closed at ``now``, so old permits keep verifying.
        """
        now = now or datetime.now(UTC).replace(microsecond=0)
        if country is not None and (
            len(country) != 3 or not country.isalpha() or not country.isupper()
        ):
            raise KeyStoreError(
                N_("got %(value)s; expected an ISO 3166-1 alpha-3 code like COL"),
                field="country",
                value=repr(country),
            )
        with self._locked():
            if not (self.root / "operator.pem").exists():
                self._new_key(self.root / "operator.pem")
            issuer = None
            if country is not None:
                issuers = self.local_issuers()
                current = [i for i in issuers if i.country == country and i.valid_at(now)]
                if current and not rotate:
                    issuer = current[-1]
                else:
                    issuer = self._add_issuer(country, issuers, now)
                if not (self.root / "status" / f"{country}.json").exists():
                    self._write_status(StatusList(country), country)
            self._write_trust_list(now)
        return issuer

    def _new_key(self, path: Path) -> PemSigner:
        signer = PemSigner(generate_private_key())
        write_atomic(path, signer.to_pem(), 0o600)  # private key: owner only
        return signer

    def _add_issuer(
        self, country: str, issuers: list[TrustedIssuer], now: datetime
    ) -> TrustedIssuer:
        tmp = self._new_key(self.root / "issuers" / country / ".new.pem")
        path = self.root / "issuers" / country / f"{tmp.kid.hex()}.pem"
        os.replace(self.root / "issuers" / country / ".new.pem", path)
        closed = [
            TrustedIssuer(
                i.country,
                i.kid,
                i.public_key_der,
                i.valid_from,
                now if i.country == country and i.valid_at(now) else i.valid_until,
            )
            for i in issuers
        ]
        new = TrustedIssuer(country, tmp.kid, tmp.public_key_der, now, now + _KEY_LIFETIME)
        self._write_issuers([*closed, new], "issuers.json")
        return new

    def _write_issuers(self, issuers: list[TrustedIssuer], name: str) -> None:
        write_atomic(self.root / name, json.dumps([i.to_json() for i in issuers], indent=2) + "\n")

    def _read_issuers(self, name: str) -> list[TrustedIssuer]:
        path = self.root / name
        if not path.exists():
            return []
        try:
            return [TrustedIssuer.from_json(x) for x in json.loads(path.read_text())]
        except (ValueError, TypeError, TrustListError) as exc:
            raise KeyStoreError(
                N_("%(path)s is not a list of issuers (%(reason)s)"),
                field="dir",
                path=str(path),
                reason=reason_of(exc),
            ) from None

    def local_issuers(self) -> list[TrustedIssuer]:
        """Issuing keys created in this store, oldest first."""
        return self._read_issuers("issuers.json")

    def operator_signer(self) -> PemSigner:
        """The trust-list operator key; run ``keys init`` first."""
        return PemSigner.from_file(self._need(self.root / "operator.pem"))

    def issuer_signer(self, country: str, at: datetime | None = None) -> PemSigner:
        """The key that signs ``country``'s permits at ``at`` (default now)."""
        at = at or datetime.now(UTC)
        keys = [i for i in self.local_issuers() if i.country == country and i.valid_at(at)]
        if not keys:
            raise KeyStoreError(
                N_(
                    "no signing key for %(country)s valid at %(date)s in %(dir)s; run "
                    "`ruta permits keys init --country %(country)s`"
                ),
                field="country",
                country=country,
                date=f"{at:%Y-%m-%d}",
                dir=str(self.root),
            )
        return PemSigner.from_file(self.root / "issuers" / country / f"{keys[-1].kid.hex()}.pem")

    def _need(self, path: Path) -> Path:
        if not path.exists():
            raise KeyStoreError(
                N_("%(path)s does not exist; run `ruta permits keys init --dir %(dir)s` first"),
                field="dir",
                path=str(path),
                dir=str(self.root),
            )
        return path

    def trust_list(self) -> TrustList:
        """The signed trust list of this store, as a verifier would load it."""
        return TrustList.from_json(self._need(self.root / "trust-list.json").read_bytes())

    def _write_trust_list(self, now: datetime | None = None) -> None:
        op = self.operator_signer()
        local = TrustList(op.public_key_der, self.local_issuers(), now or datetime.now(UTC))
        imported = TrustList(
            op.public_key_der, self._read_issuers("imported.json"), local.issued_at
        )
        merged = merge_trust_lists([local, imported], op.public_key_der, local.issued_at)
        write_atomic(self.root / "trust-list.json", merged.to_json(op))

    def import_trust_list(self, other: TrustList) -> int:
        """Add a verified foreign list's issuers and re-sign; returns how many were new."""
        with self._locked():
            known = {
                (i.country, i.public_key_der)
                for i in self.local_issuers() + self._read_issuers("imported.json")
            }
            fresh = [i for i in other.issuers if (i.country, i.public_key_der) not in known]
            self._write_issuers(self._read_issuers("imported.json") + fresh, "imported.json")
            self._write_trust_list()
        return len(fresh)

    def status_list(self, country: str) -> StatusList:
        """The current status list of ``country`` (as written by this store)."""
        path = self._need(self.root / "status" / f"{country}.json")
        return StatusList.from_json(path.read_bytes(), None)

    def _status_signer(self, country: str) -> PemSigner:
        # The newest key of the country signs its status list: verifiers check status-list
        # signatures against the trust list, not against a permit-signing period.
        newest = [i for i in self.local_issuers() if i.country == country]
        if not newest:
            raise KeyStoreError(
                N_(
                    "no key for %(country)s in %(dir)s; run `ruta permits keys init "
                    "--country %(country)s`"
                ),
                field="country",
                country=country,
                dir=str(self.root),
            )
        return PemSigner.from_file(self.root / "issuers" / country / f"{newest[-1].kid.hex()}.pem")

    def _write_status(self, sl: StatusList, country: str) -> None:
        write_atomic(
            self.root / "status" / f"{country}.json", sl.to_json(self._status_signer(country))
        )

    def signed_status_list(self, country: str) -> str:
        """The country's status list re-signed now: what verifiers download, with a fresh
        ``issued_at`` that attests the list is current."""
        return self.status_list(country).to_json(self._status_signer(country))

    def set_status(self, country: str, index: int, status: PermitStatus) -> PermitStatus:
        """Change one permit's status, re-sign and store the list; returns the old status."""
        with self._locked():
            sl = self.status_list(country)
            old = sl.get(index) or "valid"
            sl.set(index, status)
            self._write_status(sl, country)
        return old

    def ensure_status_capacity(self, country: str, index: int) -> None:
        """Grow ``country``'s status list so that a newly issued ``index`` is covered."""
        with self._locked():
            sl = self.status_list(country)
            if sl.get(index) is None:
                sl.ensure_capacity(index)
                self._write_status(sl, country)
