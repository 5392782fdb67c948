"""Synthetic registries of Latin American people with duplicates and a ground-truth person_id.

Names come from Faker's regional locales with their frequency weights (a few surnames very
common, as in real populations); families share both surnames and have close birth years
(hard non-matches); duplicates carry the corruptions registries really show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from faker.providers.person import es_AR, es_CL, es_CO, es_ES, es_MX, pt_BR

from ruta.linkage._corrupt import corrupt_records

__all__ = ["SynthConfig", "synth_people", "synth_registry", "synth_split"]

_SPANISH = (es_CO.Provider, es_MX.Provider, es_AR.Provider, es_CL.Provider, es_ES.Provider)
# (nationality, share, Portuguese names?, document type)
_NATIONALITIES: tuple[tuple[str, float, bool, str], ...] = (
    ("VEN", 0.50, False, "CI"),
    ("COL", 0.18, False, "CC"),
    ("PER", 0.12, False, "DNI"),
    ("BRA", 0.08, True, "CPF"),
    ("ECU", 0.07, False, "CI"),
    ("BOL", 0.05, False, "CI"),
)


@dataclass(frozen=True)
class SynthConfig:
    """Generator settings.

    Attributes:
        seed: Random seed: the same seed gives the same file.
        dup_rate: Share of records that are extra (corrupted) copies of another person.
        family_share: Share of people who have siblings in the registry.
    """

    seed: int = 0
    dup_rate: float = 0.2
    family_share: float = 0.3


def _pool(providers: Sequence[type], attr: str) -> tuple[np.ndarray, np.ndarray]:
    weights: dict[str, float] = {}
    for provider in providers:
        names = getattr(provider, attr)
        if isinstance(names, dict):
            total = float(sum(names.values()))
            items = [(n, w / total) for n, w in names.items()]
        else:
            # Unweighted lists spread evenly; the weighted (frequency) lists then set the skew.
            items = [(n, 1.0 / len(names)) for n in names]
        for name, w in items:
            weights[name] = weights.get(name, 0.0) + w
    keys = np.array(sorted(weights), dtype=object)
    probs = np.array([weights[k] for k in keys], dtype=float)
    return keys, probs / probs.sum()


def _cpf(rng: np.random.Generator, n: int) -> np.ndarray:
    base = rng.integers(0, 10, size=(n, 9))
    d1 = (11 - (base * np.arange(10, 1, -1)).sum(1) % 11) % 11 % 10
    d2 = (11 - ((base * np.arange(11, 2, -1)).sum(1) + 2 * d1) % 11) % 11 % 10
    digits = np.column_stack([base, d1, d2]).astype(str)
    return np.array(["".join(r) for r in digits], dtype=object)


def synth_people(n: int, config: SynthConfig, rng: np.random.Generator) -> pd.DataFrame:
    """Generate ``n`` distinct people (clean records) with families.

    Examples:
        >>> people = synth_people(50, SynthConfig(seed=1), np.random.default_rng(1))
        >>> len(people), people["person_id"].is_unique
        (50, True)
    """
    nat_idx = rng.choice(len(_NATIONALITIES), size=n, p=[x[1] for x in _NATIONALITIES])
    sex = rng.choice(np.array(["F", "M"], dtype=object), size=n)
    portuguese = np.array([_NATIONALITIES[i][2] for i in nat_idx])
    given = np.empty(n, dtype=object)
    s1 = np.empty(n, dtype=object)
    s2 = np.empty(n, dtype=object)
    for is_pt, providers in ((False, _SPANISH), (True, (pt_BR.Provider,))):
        sur, sur_p = _pool(providers, "last_names")
        for sx, attr in (("F", "first_names_female"), ("M", "first_names_male")):
            names, probs = _pool(providers, attr)
            mask = (portuguese == is_pt) & (sex == sx)
            k = int(mask.sum())
            first = rng.choice(names, size=k, p=probs)
            second = rng.choice(names, size=k, p=probs)
            compound = rng.random(k) < 0.35
            given[mask] = np.where(compound & (first != second), first + " " + second, first)
        mask = portuguese == is_pt
        s1[mask] = rng.choice(sur, size=int(mask.sum()), p=sur_p)
        s2[mask] = rng.choice(sur, size=int(mask.sum()), p=sur_p)
    days = rng.integers(0, 60 * 365, size=n)
    # Families: siblings copy the head's surnames and nationality, born within a few years.
    in_family = np.flatnonzero(rng.random(n) < config.family_share)
    heads = in_family[np.arange(len(in_family)) // 3 * 3]
    s1[in_family], s2[in_family] = s1[heads], s2[heads]
    nat_idx[in_family] = nat_idx[heads]
    days[in_family] = days[heads] + rng.integers(-4 * 365, 4 * 365, size=len(in_family))
    dob = pd.Timestamp("1950-01-01") + pd.to_timedelta(days, unit="D")
    nat = np.array([_NATIONALITIES[i][0] for i in nat_idx], dtype=object)
    doc_type = np.array([_NATIONALITIES[i][3] for i in nat_idx], dtype=object)
    doc = rng.integers(3_000_000, 32_000_000, size=n).astype(str).astype(object)
    col = nat == "COL"
    doc[col] = rng.integers(1_000_000_000, 1_100_000_000, size=int(col.sum())).astype(str)
    per = nat == "PER"
    per_docs = rng.integers(1_000_000, 80_000_000, size=int(per.sum())).astype(str)
    if per.any():  # np.char.zfill fails on an empty array (a few records, no Peruvian)
        doc[per] = np.char.zfill(per_docs, 8)
    bra = nat == "BRA"
    doc[bra] = _cpf(rng, int(bra.sum()))
    return pd.DataFrame(
        {
            "person_id": [f"P{i:08d}" for i in range(n)],
            "given_names": given,
            "surname_1": s1,
            "surname_2": s2,
            "sex": sex,
            "date_of_birth": dob.strftime("%Y-%m-%d"),
            "nationality": nat,
            "document_number": doc,
            "document_type": doc_type,
        }
    )


def _finish(records: pd.DataFrame, rng: np.random.Generator, prefix: str) -> pd.DataFrame:
    records = records.iloc[rng.permutation(len(records))].reset_index(drop=True)
    records.insert(0, "record_id", [f"{prefix}{i:08d}" for i in range(len(records))])
    return records


def synth_registry(n: int, config: SynthConfig = SynthConfig()) -> pd.DataFrame:
    """Generate a registry of ``n`` records with duplicates and a ``person_id`` column.

    Args:
        n: Number of records.
        config: Seed, duplicate rate and family share.

    Returns:
        The registry contract's columns plus ``document_type`` and ``person_id``.

    Examples:
        >>> reg = synth_registry(100, SynthConfig(seed=3, dup_rate=0.2))
        >>> len(reg), reg["person_id"].nunique()
        (100, 80)
    """
    rng = np.random.default_rng(config.seed)
    n_people = max(n - round(n * config.dup_rate), 1)
    people = synth_people(n_people, config, rng)
    extra = people.iloc[rng.integers(0, n_people, size=n - n_people)]
    dups = corrupt_records(extra.reset_index(drop=True), rng)
    clean = corrupt_records(people, rng, light=True)
    return _finish(pd.concat([clean, dups], ignore_index=True), rng, "R")


def synth_split(
    n: int, overlap: float, config: SynthConfig = SynthConfig()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate two countries' registries of ``n`` records each sharing ``overlap`` of people.

    Each file holds distinct people; a shared person appears once in each file, corrupted
    independently. Ground truth: equal ``person_id``.

    Examples:
        >>> a, b = synth_split(100, 0.3, SynthConfig(seed=2))
        >>> len(set(a.person_id) & set(b.person_id))
        30
    """
    rng = np.random.default_rng(config.seed)
    shared = round(n * overlap)
    people = synth_people(2 * n - shared, config, rng)
    a = people.iloc[:n].reset_index(drop=True)
    b = people.iloc[n - shared :].reset_index(drop=True)
    a = corrupt_records(a, rng, light=True)
    b = corrupt_records(b, rng)
    return _finish(a, rng, "A"), _finish(b, rng, "B")
