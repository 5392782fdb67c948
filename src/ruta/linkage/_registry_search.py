"""Registry duplicate search: the likely duplicates of a new application, answered in milliseconds.

The index is built once over a registry: for each blocking key (the deduplication model's
keys, most without its nationality scoping; one query can afford the wider joins) it keeps
the sorted 64-bit hashes of the key and the rows they belong to. A query hashes the new
record's keys (one batched call), finds the rows with ``searchsorted`` and scores the few
candidates with match weights shaped like the Splink model's levels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
import pandas as pd

from ruta.i18n import N_
from ruta.linkage._features import FEATURE_COLUMNS, comparison_features, record_features
from ruta.linkage._names import phonetic_key
from ruta.linkage._registry import Registry

__all__ = ["RegistryCandidate", "RegistryIndex"]

_KEYS: tuple[tuple[str, ...], ...] = (
    ("doc",),
    ("dob", "sex"),
    ("dob", "given_first"),
    ("surnames_sorted", "given_first"),
    ("dob_swapped", "sex"),
    ("birth_year", "given_first", "surname_m"),
    ("dob_md", "given_first"),
    ("dob_md", "surname_p"),
    # The keys that survive two errors with the date mistyped or missing, as in dedupe: a
    # typo after the first letter of the given name, and sound-alike spellings of both the
    # given name and the paternal surname (Jesica Gonsales / Jessica González). The phonetic
    # block is wide (a code holds many names), so it keeps dedupe's nationality scoping.
    ("given_initial", "surnames_sorted"),
    ("given_phonetic", "surname_phonetic", "sex", "nationality"),
)
# Prior log2-odds that a new application duplicates one given record (about 1 in 8,000).
_PRIOR = -13.0
Row = Mapping[str, str | None]


@dataclass(frozen=True)
class RegistryCandidate:
    """A registry record that may be the same person as the new application.

    Attributes:
        record: The registry record (contract column -> value).
        probability: Estimated probability that it is the same person.
        reasons: Which fields agree or disagree, for the caseworker.
    """

    record: dict[str, str]
    probability: float
    reasons: tuple[str, ...]


def _hash(frame: pd.DataFrame, key: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    parts = frame[list(key)]
    valid = parts.notna().all(axis=1).to_numpy()
    filled = parts.fillna("").astype(str)
    joined = filled[key[0]]
    for column in key[1:]:
        joined = joined + "\x1f" + filled[column]
    hashes = pd.util.hash_array(joined.to_numpy(dtype=object))
    return hashes, valid


def _phonetic(name: str | None) -> str:
    return phonetic_key(name or "")


def _similar(a: str | None, b: str | None) -> float:
    return SequenceMatcher(None, a or "", b or "").ratio()


def _score(q: Row, r: Row) -> tuple[float, list[str]]:
    w, why = _PRIOR, []

    # Reasons are English message ids of the ``linkage`` catalog: stored with the search,
    # translated where a page shows them.
    def add(weight: float, reason: str) -> None:
        nonlocal w
        w += weight
        why.append(reason)

    if q["given_all"] and r["given_all"]:
        if q["given_all"] == r["given_all"]:
            add(6, N_("given names equal"))
        elif q["given_first"] == r["given_first"]:
            add(3, N_("first given name equal"))
        elif _similar(q["given_all"], r["given_all"]) >= 0.85:
            add(2, N_("given names similar"))
        elif q["given_phonetic"] == r["given_phonetic"]:
            # Below a similar spelling: a code is shared by many given names (u = 0.3 %).
            add(1.5, N_("first given name sounds alike"))
        else:
            add(-4, N_("given names differ"))
    if q["surname_p"] and r["surname_p"]:
        sounds_alike = q["surname_phonetic"] == r["surname_phonetic"]
        if q["surnames_sorted"] == r["surnames_sorted"]:
            add(8, N_("surnames equal (any order)"))
        elif q["surname_p"] == r["surname_p"] and not (q["surname_m"] and r["surname_m"]):
            add(5, N_("first surname equal, second missing"))
        elif _similar(q["surnames_sorted"], r["surnames_sorted"]) >= 0.85:
            add(5, N_("surnames similar"))
        # Sound-alike spellings (Gonsales/González). u from 2 million random pairs of the
        # synthetic 1M registry: 1.3e-5 when both surnames share their codes, 0.5 % for the
        # paternal one alone; the weights stay below log2(m/u), as the others here do.
        elif sounds_alike and not (q["surname_m"] and r["surname_m"]):
            add(3, N_("first surname sounds alike, second missing"))
        elif sounds_alike and _phonetic(q["surname_m"]) == _phonetic(r["surname_m"]):
            add(5, N_("surnames sound alike"))
        elif ({q["surname_p"], q["surname_m"]} - {None}) & {r["surname_p"], r["surname_m"]}:
            add(1, N_("one surname shared"))
        else:
            add(-6, N_("surnames differ"))
    if q["dob"] and r["dob"]:
        if q["dob"] == r["dob"]:
            add(9, N_("date of birth equal"))
        elif q["dob_swapped"] == r["dob"]:
            add(6, N_("day and month swapped"))
        elif sum(map(str.__ne__, q["dob"], r["dob"])) == 1:
            add(4, N_("date of birth one digit off"))
        elif q["dob_md"] == r["dob_md"]:
            add(2, N_("same day and month, other year"))
        else:
            add(-6, N_("date of birth differs"))
    elif q["birth_year"] and r["birth_year"]:
        # A date known only to the month or the year (1990-05, 1990) agrees with a full date
        # in it, more weakly than an exact match can: u is about 1/720 for a month and year
        # over sixty years of births, 1/60 for a year.
        if q["dob_ym"] and r["dob_ym"] and q["dob_ym"] == r["dob_ym"]:
            add(5, N_("same month and year (day unknown)"))
        elif q["birth_year"] == r["birth_year"] and not (q["dob_ym"] and r["dob_ym"]):
            add(3, N_("same year (month or day unknown)"))
        else:
            add(-6, N_("date of birth differs"))
    if q["doc"] and r["doc"]:
        if q["doc"] == r["doc"]:
            add(12 if q["doc_check"] == "valid" else 9, N_("document number equal"))
        elif (
            len(q["doc"]) == len(r["doc"])
            and sum(x != y for x, y in zip(q["doc"], r["doc"], strict=True)) <= 2
        ):
            add(4, N_("document number nearly equal"))
        else:
            add(-2, N_("document number differs"))
    if q["sex"] and r["sex"]:
        if q["sex"] == r["sex"]:
            # As in the model's "equal" levels: about log2(m/u) with u = 1/2 for sex and the
            # sum of squared nationality shares (about 0.3 in the region) for nationality.
            add(1, N_("sex equal"))
        else:
            add(-4, N_("sex differs"))
    if q["nationality"] and r["nationality"] and q["nationality"] == r["nationality"]:
        add(1.5, N_("nationality equal"))
    return w, why


class RegistryIndex:
    """An index over a registry answering "likely duplicates of this new record".

    Examples:
        >>> from ruta.linkage._synth import SynthConfig, synth_registry
        >>> reg = Registry(synth_registry(200, SynthConfig(seed=4)))
        >>> index = RegistryIndex(reg)
        >>> first = reg.frame.iloc[0].to_dict()
        >>> index.search(first)[0].record["record_id"] == first["record_id"]
        True
    """

    def __init__(self, registry: Registry) -> None:
        self._records = registry.frame.reset_index(drop=True)
        features = comparison_features(self._records)
        self._columns = {
            c: features[c].astype(object).where(features[c].notna(), None).to_numpy()
            for c in FEATURE_COLUMNS
        }
        self._index: list[tuple[np.ndarray, np.ndarray]] = []
        for key in _KEYS:
            hashes, valid = _hash(features, key)
            rows = np.flatnonzero(valid)
            order = np.argsort(hashes[rows], kind="stable")
            self._index.append((hashes[rows][order], rows[order]))

    def __len__(self) -> int:
        return len(self._records)

    def _row(self, row: int) -> dict[str, str | None]:
        return {c: values[row] for c, values in self._columns.items()}

    def search(
        self, record: Mapping[str, str], *, min_probability: float = 0.5, limit: int = 10
    ) -> list[RegistryCandidate]:
        """Likely duplicates of ``record`` (contract columns; missing ones count as empty).

        Args:
            record: The new application's identity fields.
            min_probability: Leave out candidates below this probability.
            limit: At most this many candidates, most likely first.
        """
        q = record_features(record)
        probes: list[str] = []
        indexes: list[tuple[np.ndarray, np.ndarray]] = []
        for key, index in zip(_KEYS, self._index, strict=True):
            # The registry is indexed on its swapped dates; the query probes with its own date.
            parts = [q["dob"] if c == "dob_swapped" else q[c] for c in key]
            if any(p is None for p in parts):
                continue
            probes.append("\x1f".join(str(p) for p in parts))
            indexes.append(index)
        rows: set[int] = set()
        if probes:
            # One call for all keys: the same hashes element by element (the build's
            # hash_array), without paying its fixed cost once per key.
            probe_hashes = pd.util.hash_array(np.array(probes, dtype=object))
            for h, (hashes, positions) in zip(probe_hashes, indexes, strict=True):
                lo, hi = np.searchsorted(hashes, h, "left"), np.searchsorted(hashes, h, "right")
                rows.update(positions[lo:hi].tolist())
        found = []
        for row in rows:
            weight, why = _score(q, self._row(row))
            probability = 1.0 / (1.0 + math.pow(2.0, -weight))
            if probability >= min_probability:
                rec = {k: str(v) for k, v in self._records.iloc[row].items()}
                found.append(RegistryCandidate(rec, probability, tuple(why)))
        found.sort(key=lambda c: -c.probability)
        return found[:limit]
