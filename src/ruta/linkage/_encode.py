"""``ruta link encode``: a registry to keyed, hardened encodings with no raw identifiers.

Output (Parquet): ``record_id``, ``clk`` (fixed-size binary), ``block_1..block_3`` (coarse
keyed buckets, 12 bits each), ``document_token`` (keyed HMAC of the normalised document, or
null). The file's metadata records the encoding parameters so ``match`` can check that both
sides used the same ones.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ruta.i18n import N_
from ruta.linkage._atomic import write_parquet_atomic
from ruta.linkage._clk import CLK_BITS, CLK_SOURCES, clk_matrix
from ruta.linkage._errors import LinkageError
from ruta.linkage._features import comparison_features
from ruta.linkage._harden import Hardening, balance, blip
from ruta.linkage._keys import derive_key, keyed_digest
from ruta.linkage._registry import Registry
from ruta.linkage._text import Text

__all__ = [
    "BLOCK_BITS",
    "METADATA_KEY",
    "EncodedFields",
    "EncodingParams",
    "encode_registry",
    "encoding_fields",
    "with_columns",
    "write_encoded",
]

METADATA_KEY = b"ruta.linkage.encoding"
# 4,096 buckets per key: each bucket mixes many birth dates / name prefixes, so a bucket
# reveals little about any one person while cutting the pairs to compare ~4,000-fold.
BLOCK_BITS = 12


@dataclass(frozen=True)
class EncodingParams:
    """Encoding parameters, stored in the file and checked by ``match``.

    Attributes:
        hardening: ``none``, ``balance`` or ``blip``.
        blip_flip: Bit-flip probability when hardening is ``blip``.
        bits: Bloom filter length before hardening.
        version: Encoding scheme version (2: every script transliterated, reduced-precision
            dates, the fields encoded are listed).
        fields: The fields in the Bloom filter, in order (both states must encode the same).
    """

    hardening: Hardening = "balance"
    blip_flip: float = 0.05
    bits: int = CLK_BITS
    version: int = 2
    fields: tuple[str, ...] = ("given_names", "surnames", "date_of_birth", "sex")


@dataclass(frozen=True)
class EncodedFields:
    """The fields chosen for the encoding, and those left out with the reason."""

    fields: tuple[str, ...]
    dropped: list[tuple[str, str]] = field(default_factory=list)


_FROM: dict[str, tuple[str, ...]] = {
    "given_names": ("given_names",),
    "surnames": ("surname_1", "surname_2"),
}


def encoding_fields(registry: Registry, spec: str | None = None) -> EncodedFields:
    """The fields to encode: those asked for (``a,b``), or every one the registry fills.

    Raises:
        LinkageError: An unknown field, or one the registry does not have.

    Examples:
        >>> import pandas as pd
        >>> reg = Registry(pd.DataFrame({"record_id": ["1"], "given_names": ["Ana"],
        ...     "surname_1": ["Paz"], "date_of_birth": [""]}))
        >>> chosen = encoding_fields(reg)
        >>> chosen.fields, chosen.dropped[0]
        (('given_names', 'surnames'), ('date_of_birth', 'no data'))
    """
    present = registry.present
    has = {name: any(f in present for f in _FROM.get(name, (name,))) for name in CLK_SOURCES}
    if spec is None:
        chosen = tuple(name for name in CLK_SOURCES if has[name])
        return EncodedFields(chosen, [(n, "no data") for n in CLK_SOURCES if not has[n]])
    asked = tuple(dict.fromkeys(p.strip() for p in spec.split(",") if p.strip()))
    unknown = [name for name in asked if name not in CLK_SOURCES]
    if unknown or not asked:
        raise LinkageError(
            Text(
                N_("got %(value)s; expected fields among %(fields)s"),
                value=repr(spec),
                fields=", ".join(CLK_SOURCES),
            ),
            field="fields",
        )
    empty = [name for name in asked if not has[name]]
    if empty:
        raise LinkageError(
            Text(
                N_(
                    "the registry has no data for %(fields)s; leave it out of --fields, or map "
                    "its column with --columns"
                ),
                fields=", ".join(empty),
            ),
            field="fields",
        )
    return EncodedFields(asked, [(n, "not asked for") for n in CLK_SOURCES if n not in asked])


def with_columns(table: pa.Table, kept: pd.DataFrame) -> pa.Table:
    """The encoded table with the kept columns added as they are (row-aligned)."""
    for name in kept.columns:
        table = table.append_column(name, pa.array(kept[name].astype(str).to_numpy()))
    return table


def _buckets(key: bytes, values: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(values, sort=False)
    mask = (1 << BLOCK_BITS) - 1
    table = np.array(
        [int.from_bytes(keyed_digest(key, str(u))[:4], "big") & mask for u in uniques],
        dtype=np.int16,
    )
    out: np.ndarray = table[codes]
    out[(values == "").to_numpy()] = -1  # no key: the record is not blocked on this pass
    return out


def _block_keys(features: pd.DataFrame, secret: bytes) -> dict[str, np.ndarray]:
    f = features.fillna("")
    dob = f["dob"]
    day_month = np.where(
        dob != "",
        np.minimum(dob.str[5:7], dob.str[8:10]) + "|" + np.maximum(dob.str[5:7], dob.str[8:10]),
        "",
    )
    day_month = pd.Series(day_month, index=f.index)
    g2 = f["given_first"].str[:2]
    initials = (
        np.minimum(f["surname_p"].str[:3], f["surname_m"].str[:3])
        + "|"
        + np.maximum(f["surname_p"].str[:3], f["surname_m"].str[:3])
    )
    keys = {
        # birth year and the unordered day/month: catches exact dates and day/month swaps
        "block_1": (f["birth_year"] + "|" + day_month).where(dob != "", ""),
        # day/month and given-name prefix: catches mistyped years
        "block_2": (day_month + "|" + g2).where((dob != "") & (g2 != ""), ""),
        # name prefixes only: catches missing or badly mistyped dates
        "block_3": (f["given_first"].str[:3] + "|" + initials).where(g2 != "", ""),
    }
    return {
        name: _buckets(derive_key(secret, f"block:{name}"), values) for name, values in keys.items()
    }


def encode_registry(
    registry: Registry,
    secret: bytes,
    params: EncodingParams = EncodingParams(),
    *,
    seed: int | None = None,
) -> pa.Table:
    """Encode a registry for privacy-preserving matching.

    Args:
        registry: The validated registry.
        secret: The shared secret (see :func:`ruta.linkage.read_secret`).
        params: Hardening choice and parameters.
        seed: Only for reproducible BLIP in tests.

    Returns:
        An Arrow table with no raw name, date or document number.
    """
    if params.hardening not in ("none", "balance", "blip"):
        raise LinkageError(
            Text(N_("got %(value)s; expected none, balance or blip"), value=repr(params.hardening)),
            field="hardening",
        )
    if not 0.0 <= params.blip_flip < 0.5:
        raise LinkageError(
            Text(
                N_("got %(value)s; expected a probability in [0, 0.5)"), value=str(params.blip_flip)
            ),
            field="blip_flip",
        )
    unknown = [f for f in params.fields if f not in CLK_SOURCES]
    if unknown or not params.fields:
        raise LinkageError(
            Text(
                N_("got %(value)s; expected fields among %(fields)s"),
                value=repr(params.fields),
                fields=", ".join(CLK_SOURCES),
            ),
            field="fields",
        )
    features = comparison_features(registry.frame)
    features["dob_any"] = features["dob"].fillna(features["dob_ym"]).fillna(features["birth_year"])
    clks = clk_matrix(features, secret, params.fields)
    if params.hardening == "balance":
        clks = balance(clks, secret)
    elif params.hardening == "blip":
        clks = blip(clks, params.blip_flip, seed)
    width = clks.shape[1] * 8
    clk_col = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(clks), [None, pa.py_buffer(np.ascontiguousarray(clks).tobytes())]
    )
    doc_key = derive_key(secret, "token:document")
    docs = features["doc"].fillna("") + "|" + features["nationality"].fillna("")
    codes, uniques = pd.factorize(docs, sort=False)
    tokens = np.array(
        [keyed_digest(doc_key, u)[:16].hex() if not u.startswith("|") else None for u in uniques],
        dtype=object,
    )
    columns: dict[str, pa.Array] = {
        "record_id": pa.array(features["record_id"].astype(str)),
        "clk": clk_col,
        **{name: pa.array(values) for name, values in _block_keys(features, secret).items()},
        "document_token": pa.array(tokens[codes] if len(codes) else [], type=pa.string()),
    }
    meta = {METADATA_KEY: json.dumps({**asdict(params), "fields": list(params.fields)}).encode()}
    return pa.table(columns).replace_schema_metadata(meta)


def write_encoded(table: pa.Table, out: str | Path) -> Path:
    """Write an encoded table to Parquet atomically (no half-written file on failure)."""
    return write_parquet_atomic(table, Path(out))
