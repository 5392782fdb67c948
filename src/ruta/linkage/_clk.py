"""Cryptographic long-term keys (CLK): keyed Bloom-filter encodings of a person's identifiers.

Given names and surnames contribute padded bigrams; the date of birth contributes positional
unigrams (plus an order-free day/month token so that swaps still share bits); sex one token;
addresses, places and postcodes padded bigrams, a phone its last seven digits by position.
Each token sets ``k`` positions drawn from an HMAC keyed per field (independent positions,
not double hashing, which leaks through its arithmetic structure). Both surnames share one
key, so swapped surnames encode identically.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ruta.linkage._keys import derive_key, keyed_digest

__all__ = ["CLK_BITS", "CLK_SOURCES", "FIELD_WEIGHTS", "clk_matrix", "field_tokens"]

CLK_BITS = 1024
WORDS = CLK_BITS // 64
# Positions set per token: surnames discriminate most, then given names, then the date.
# Address fields weigh less than names: households share them.
FIELD_WEIGHTS: dict[str, int] = {
    "surname": 12,
    "given": 10,
    "dob": 12,
    "sex": 6,
    "address": 6,
    "locality": 4,
    "postcode": 6,
    "place": 4,
    "phone": 6,
}
#: Encoded field (as named in EncodingParams.fields) -> (hash key, feature columns).
CLK_SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "given_names": ("given", ("given_all",)),
    "surnames": ("surname", ("surname_p", "surname_m")),
    # The date at the precision known (1990-05-17, 1990-05 or 1990): a year-only date shares
    # the year's bits with a full one.
    "date_of_birth": ("dob", ("dob_any",)),
    "sex": ("sex", ("sex",)),
    "address": ("address", ("address",)),
    "locality": ("locality", ("locality",)),
    "postcode": ("postcode", ("postcode",)),
    "place_of_birth": ("place", ("place_of_birth",)),
    "phone": ("phone", ("phone",)),
}
_CLASSIC = ("given_names", "surnames", "date_of_birth", "sex")


def _bigrams(value: str) -> list[str]:
    out: list[str] = []
    for word in value.split(" "):
        if word:
            padded = f"_{word}_"
            out.extend(padded[i : i + 2] for i in range(len(padded) - 1))
    return out


def field_tokens(field: str, value: str) -> list[str]:
    """Tokens of one field value (already normalised).

    Examples:
        >>> field_tokens("surname", "paz")
        ['_p', 'pa', 'az', 'z_']
        >>> field_tokens("dob", "1990-07-03")[:3], field_tokens("dob", "1990-07-03")[-1]
        (['0:1', '1:9', '2:9'], 'dm:03|07')
    """
    if not value:
        return []
    if field == "dob":
        digits = value.replace("-", "")
        tokens = [f"{i}:{d}" for i, d in enumerate(digits)]
        if len(digits) == 8:
            tokens.append("dm:" + "|".join(sorted((digits[4:6], digits[6:8]))))
        return tokens
    if field == "sex":
        return [value]
    if field == "phone":
        return [f"{i}:{d}" for i, d in enumerate(value[-7:])]
    return _bigrams(value)


def _masks(field: str, values: np.ndarray, secret: bytes) -> np.ndarray:
    """One Bloom-filter mask (``WORDS`` uint64) per distinct value of a field."""
    key = derive_key(secret, f"clk:{field}")
    k = FIELD_WEIGHTS[field]
    cache: dict[str, np.ndarray] = {}
    masks = np.zeros((len(values), WORDS), dtype=np.uint64)
    for row, value in enumerate(values):
        for token in field_tokens(field, str(value)):
            positions = cache.get(token)
            if positions is None:
                digest = np.frombuffer(keyed_digest(key, token), dtype=">u2")[:k]
                positions = (digest % CLK_BITS).astype(np.int64)
                cache[token] = positions
            np.bitwise_or.at(
                masks[row],
                positions >> 6,
                np.left_shift(np.uint64(1), (positions & 63).astype(np.uint64)),
            )
    return masks


def clk_matrix(
    features: pd.DataFrame, secret: bytes, fields: tuple[str, ...] = _CLASSIC
) -> np.ndarray:
    """Encode every record into a CLK: an ``(n, 16)`` uint64 matrix.

    ``features`` are :func:`ruta.linkage._features.comparison_features` columns; ``fields``
    the encoded fields (:data:`CLK_SOURCES`). Each field is encoded once per distinct value
    and the record's CLK is the OR of its field masks.

    Examples:
        >>> df = pd.DataFrame({"given_all": ["ana"], "surname_p": ["paz"],
        ...     "surname_m": ["ruiz"], "dob_any": ["1990-07-03"], "sex": ["F"]})
        >>> swapped = df.assign(surname_p=["ruiz"], surname_m=["paz"])
        >>> a, b = clk_matrix(df, b"k" * 16), clk_matrix(swapped, b"k" * 16)
        >>> a.shape, bool((a == b).all())
        ((1, 16), True)
    """
    sources = [(CLK_SOURCES[name][0], column) for name in fields for column in CLK_SOURCES[name][1]]
    out = np.zeros((len(features), WORDS), dtype=np.uint64)
    clean: Callable[[pd.Series], pd.Series] = lambda s: s.fillna("").astype(str)  # noqa: E731  # tiny local helper
    for field, column in sources:
        codes, uniques = pd.factorize(clean(features[column]), sort=False)
        masks = _masks(field, np.asarray(uniques, dtype=object), secret)
        out |= masks[codes]
    return out
