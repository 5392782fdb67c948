"""Borderline pairs for the casework review queue (side-by-side records, no web code).

The casework service shows these to a caseworker, who decides "same person" or "not the same
person"; the decision and its audit live in ``ruta.cases``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ruta.i18n import N_
from ruta.linkage._errors import LinkageError
from ruta.linkage._names import fold
from ruta.linkage._registry import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, Registry
from ruta.linkage._text import Text

__all__ = ["ReviewPair", "borderline_pairs", "comparison_key", "read_pairs"]

_PAIR_COLUMNS = ("record_id_l", "record_id_r", "match_probability")
_SHOWN = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
_NAME_COLUMNS = frozenset({"given_names", "surname_1", "surname_2", "place_of_birth"})


@dataclass(frozen=True)
class ReviewPair:
    """Two records the model could not decide on, shown side by side.

    Attributes:
        record_a: The first record, contract column -> value ("" when missing).
        record_b: The second record.
        match_probability: The model's probability that both are the same person.
        differing_fields: Contract columns whose values differ (case and accents ignored).
    """

    record_a: dict[str, str]
    record_b: dict[str, str]
    match_probability: float
    differing_fields: tuple[str, ...]


def read_pairs(path: str | Path) -> pd.DataFrame:
    """Read a scored-pairs CSV (``ruta link dedupe --pairs-out``)."""
    path = Path(path)
    if not path.is_file():
        raise LinkageError(
            Text(N_("%(path)s does not exist; expected a pairs CSV"), path=str(path)),
            field="pairs",
        )
    frame = pd.read_csv(path, dtype={"record_id_l": str, "record_id_r": str})
    missing = [c for c in _PAIR_COLUMNS if c not in frame.columns]
    if missing:
        raise LinkageError(
            Text(
                N_("%(path)s lacks %(missing)s; expected columns %(columns)s"),
                path=str(path),
                missing=", ".join(missing),
                columns=", ".join(_PAIR_COLUMNS),
            ),
            field="pairs",
        )
    return frame


def comparison_key(column: str, value: str) -> str:
    """What a reviewer compares of one field: two values differ when their keys differ.

    Names differ only if they differ after folding (case, accents, particles' spacing);
    other fields are compared as typed, ignoring case and surrounding spaces.

    Examples:
        >>> comparison_key("surname_1", "PEÑA") == comparison_key("surname_1", "Pena")
        True
        >>> comparison_key("document_number", " v123 ")
        'v123'
    """
    if column in _NAME_COLUMNS:
        return fold(value)
    return value.strip().casefold()


def borderline_pairs(
    pairs: pd.DataFrame,
    registry: Registry,
    *,
    low: float = 0.5,
    high: float = 0.95,
    limit: int | None = None,
) -> list[ReviewPair]:
    """Pairs whose match probability lies in ``[low, high)``, most uncertain first.

    Args:
        pairs: ``record_id_l, record_id_r, match_probability`` (``DedupeResult.pairs``).
        registry: The registry the pairs were scored on.
        low: Lower bound of the review band.
        high: Upper bound (exclusive) of the review band.
        limit: At most this many pairs.

    Returns:
        Review pairs ordered by closeness of the probability to 0.5.

    Examples:
        >>> frame = pd.DataFrame({c: ["", ""] for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS})
        >>> frame["record_id"] = ["a", "b"]; frame["surname_1"] = ["Peña", "PENA"]
        >>> frame["given_names"] = ["Ana", "Ana María"]
        >>> pairs = pd.DataFrame({"record_id_l": ["a"], "record_id_r": ["b"],
        ...                       "match_probability": [0.7]})
        >>> [p.differing_fields for p in borderline_pairs(pairs, Registry(frame))]
        [('given_names',)]
    """
    if not 0.0 <= low < high <= 1.0:
        raise LinkageError(
            Text(
                N_("got the band [%(low)s, %(high)s); expected 0 <= low < high <= 1"),
                low=str(low),
                high=str(high),
            ),
            field="band",
        )
    band = pairs[(pairs["match_probability"] >= low) & (pairs["match_probability"] < high)]
    band = band.assign(_u=(band["match_probability"] - 0.5).abs()).sort_values("_u")
    if limit is not None:
        band = band.head(limit)
    records = registry.frame.set_index(registry.frame["record_id"].astype(str))
    out = []
    for left, right, prob in band[list(_PAIR_COLUMNS)].itertuples(index=False):
        if str(left) not in records.index or str(right) not in records.index:
            raise LinkageError(
                Text(
                    N_(
                        "record %(left)s or %(right)s is not in the registry; pairs and "
                        "registry must come from the same run"
                    ),
                    left=str(left),
                    right=str(right),
                ),
                field="pairs",
            )
        a = {c: str(records.at[str(left), c]) for c in _SHOWN if c in records.columns}
        b = {c: str(records.at[str(right), c]) for c in _SHOWN if c in records.columns}
        differing = tuple(
            c
            for c in _SHOWN
            if c != "record_id" and c in a and comparison_key(c, a[c]) != comparison_key(c, b[c])
        )
        out.append(ReviewPair(a, b, float(prob), differing))
    return out
