"""Trust lists: which issuing-country keys a verifier accepts, signed by a list operator.

A national operator exports its own issuers; a regional hub imports several national lists
(each checked against its operator signature) and re-signs the merged list with its own
key, like the EU gateway aggregated national certificate lists.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from ruta.i18n import N_
from ruta.permits._errors import KeyStoreError, TrustListError
from ruta.permits._keys import Signer, kid_for, load_public_key
from ruta.permits._signed_json import b64d, b64e, sign_document, signature_valid

__all__ = ["TrustList", "TrustedIssuer", "merge_trust_lists"]

_TYPE = "ruta-trust-list"


@dataclass(frozen=True, slots=True)
class TrustedIssuer:
    """One issuing key of one country, and the period in which it may sign permits."""

    country: str
    kid: bytes
    public_key_der: bytes
    valid_from: datetime
    valid_until: datetime | None = None

    def valid_at(self, moment: datetime) -> bool:
        """Whether a permit issued at ``moment`` may carry this key's signature."""
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)

    def to_json(self) -> dict[str, Any]:
        """JSON form used inside trust lists and key stores."""
        return {
            "country": self.country,
            "kid": self.kid.hex(),
            "public_key": b64e(self.public_key_der),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }

    @classmethod
    def from_json(cls, item: Any) -> TrustedIssuer:
        """Parse and check one issuer entry (the kid must match the key)."""
        try:
            der = b64d(item["public_key"])
            load_public_key(der)
            until = item.get("valid_until")
            issuer = cls(
                country=str(item["country"]),
                kid=bytes.fromhex(item["kid"]),
                public_key_der=der,
                valid_from=_utc(item["valid_from"]),
                valid_until=_utc(until) if until else None,
            )
        except (KeyError, TypeError, ValueError, KeyStoreError) as exc:
            raise TrustListError(
                N_(
                    "malformed issuer entry (%(reason)s); expected country, kid, "
                    "public_key, valid_from, valid_until"
                ),
                field="issuers",
                reason=repr(exc),
            ) from None
        if kid_for(der) != issuer.kid:
            raise TrustListError(
                N_("kid %(kid)s does not match its public key"),
                field="issuers.kid",
                kid=issuer.kid.hex(),
            )
        return issuer


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no timezone; expected UTC")
    return moment.astimezone(UTC)


class TrustList:
    """A verified trust list with an index from kid to the keys that carry it.

    Args:
        operator_key_der: The list operator's public key (SPKI DER).
        issuers: The trusted issuing keys.
        issued_at: When the operator signed the list.
    """

    def __init__(
        self, operator_key_der: bytes, issuers: Iterable[TrustedIssuer], issued_at: datetime
    ) -> None:
        self.operator_key_der = operator_key_der
        self.issuers = tuple(issuers)
        self.issued_at = issued_at
        # Several keys may share a kid (8 bytes); the verifier tries each, as in the DCC.
        self._by_kid: dict[bytes, list[tuple[TrustedIssuer, ec.EllipticCurvePublicKey]]] = {}
        for issuer in self.issuers:
            self._by_kid.setdefault(issuer.kid, []).append(
                (issuer, load_public_key(issuer.public_key_der))
            )

    def keys_for(self, kid: bytes) -> list[tuple[TrustedIssuer, ec.EllipticCurvePublicKey]]:
        """The issuers (with loaded public keys) whose kid is ``kid``."""
        return self._by_kid.get(kid, [])

    def to_json(self, signer: Signer) -> str:
        """The list as signed JSON text; ``signer`` must hold the operator key."""
        if signer.public_key_der != self.operator_key_der:
            raise TrustListError(N_("the signer is not this list's operator key"), field="operator")
        doc = {
            "type": _TYPE,
            "version": 1,
            "issued_at": self.issued_at.isoformat(),
            "operator": {"kid": signer.kid.hex(), "public_key": b64e(self.operator_key_der)},
            "issuers": [i.to_json() for i in self.issuers],
        }
        return json.dumps(sign_document(doc, signer), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(
        cls, text: str | bytes, operator_keys: Sequence[bytes] | None = None
    ) -> TrustList:
        """Parse a trust list and check its operator signature.

        Args:
            text: The JSON document.
            operator_keys: Operator public keys (SPKI DER) this verifier pins; ``None`` accepts
                the key named in the list (integrity only: the caller trusts the file source).

        Raises:
            TrustListError: The document is malformed or its signature fails.
        """
        try:
            doc = json.loads(text)
            if doc.get("type") != _TYPE or doc.get("version") != 1:
                raise ValueError(f"type/version must be {_TYPE}/1")
            op_der = b64d(doc["operator"]["public_key"])
            op_key = load_public_key(op_der)
            issued_at = _utc(doc["issued_at"])
            entries = doc["issuers"]
        except (ValueError, KeyError, TypeError, AttributeError, KeyStoreError) as exc:
            raise TrustListError(
                N_("not a Ruta trust list (%(reason)s)"), field="trust_list", reason=repr(exc)
            ) from None
        if operator_keys is not None and op_der not in operator_keys:
            raise TrustListError(
                N_("the list operator key is not one this verifier trusts"),
                field="trust_list.operator",
            )
        if not signature_valid(doc, op_key):
            raise TrustListError(
                N_("the operator signature of the trust list does not verify"),
                field="trust_list.signature",
            )
        if not isinstance(entries, list):
            raise TrustListError(N_("issuers must be a list"), field="trust_list.issuers")
        return cls(op_der, (TrustedIssuer.from_json(e) for e in entries), issued_at)


def merge_trust_lists(
    lists: Iterable[TrustList], operator_key_der: bytes, issued_at: datetime | None = None
) -> TrustList:
    """Union of the issuers of several lists, to be signed by ``operator_key_der``.

    The same key appearing twice keeps the widest validity; a kid whose key differs is
    kept as a separate entry (kids may collide and verifiers try each key).
    """
    merged: dict[tuple[str, bytes], TrustedIssuer] = {}
    for tl in lists:
        for issuer in tl.issuers:
            key = (issuer.country, issuer.public_key_der)
            old = merged.get(key)
            if old is not None:
                until = (
                    None
                    if old.valid_until is None or issuer.valid_until is None
                    else max(old.valid_until, issuer.valid_until)
                )
                issuer = TrustedIssuer(
                    issuer.country,
                    issuer.kid,
                    issuer.public_key_der,
                    min(old.valid_from, issuer.valid_from),
                    until,
                )
            merged[key] = issuer
    ordered = sorted(merged.values(), key=lambda i: (i.country, i.valid_from, i.kid))
    return TrustList(operator_key_der, ordered, issued_at or datetime.now(UTC))
