"""Realistic corruptions of registry records (the errors deduplication must see through)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["corrupt_records"]

_LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _typo(text: str, rng: np.random.Generator) -> str:
    if len(text) < 3:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:  # substitution
        return text[:i] + str(rng.choice(_LETTERS)) + text[i + 1 :]
    if kind == 1:  # deletion
        return text[:i] + text[i + 1 :]
    if kind == 2:  # insertion
        return text[:i] + str(rng.choice(_LETTERS)) + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]  # transposition


def _digit_typo(text: str, rng: np.random.Generator) -> str:
    if len(text) < 2:
        return text
    i = int(rng.integers(0, len(text)))
    if rng.random() < 0.5 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + str(int(rng.integers(0, 10))) + text[i + 1 :]


def _apply(
    out: pd.DataFrame,
    col: str,
    mask: np.ndarray,
    func: Callable[[str, np.random.Generator], str],
    rng: np.random.Generator,
) -> None:
    values = out[col].to_numpy(copy=True)
    for i in np.flatnonzero(mask):
        values[i] = func(str(values[i]), rng)
    out[col] = values


def corrupt_records(
    people: pd.DataFrame, rng: np.random.Generator, *, light: bool = False
) -> pd.DataFrame:
    """Return a corrupted copy of ``people`` (one output row per input row).

    ``light`` applies only the formatting noise every registry has (upper case, dropped
    accents); otherwise typos, swapped or missing surnames, shortened compound names,
    day/month swaps and mistyped or missing dates and document numbers are added.

    Examples:
        >>> df = pd.DataFrame({"given_names": ["José Luis"], "surname_1": ["Pérez"],
        ...     "surname_2": ["Gómez"], "sex": ["M"], "date_of_birth": ["1990-01-02"],
        ...     "nationality": ["VEN"], "document_number": ["12345678"],
        ...     "document_type": ["CI"], "person_id": ["P1"]})
        >>> corrupt_records(df, np.random.default_rng(0)).shape
        (1, 9)
    """
    out = people.copy().reset_index(drop=True)
    for col in out.columns:
        out[col] = out[col].astype(object)
    n = len(out)

    def p(rate: float) -> np.ndarray:
        return rng.random(n) < rate

    for col in ("given_names", "surname_1", "surname_2"):
        _apply(out, col, p(0.25 if light else 0.4), lambda v, _r: _strip_accents(v), rng)
    if not light:
        _apply(out, "given_names", p(0.15), _typo, rng)
        _apply(out, "surname_1", p(0.10), _typo, rng)
        _apply(out, "surname_2", p(0.10), _typo, rng)
        compound = out["given_names"].str.contains(" ").to_numpy()
        _apply(out, "given_names", compound & p(0.25), lambda v, _r: v.split(" ")[0], rng)
        swap = p(0.08)
        s1 = out["surname_1"].to_numpy().copy()
        out.loc[swap, "surname_1"] = out.loc[swap, "surname_2"]
        out.loc[swap, "surname_2"] = s1[swap]
        out.loc[p(0.15), "surname_2"] = ""
        dob = out["date_of_birth"]
        day_ok = (dob.str[8:10] <= "12").to_numpy()
        swap_dm = day_ok & p(0.05)
        out.loc[swap_dm, "date_of_birth"] = (dob.str[:5] + dob.str[8:10] + "-" + dob.str[5:7])[
            swap_dm
        ]
        # A mistyped date must still be a date (registries validate input), so only the year.
        # (29 February is left alone: another year would usually not have it.)
        year_typo = p(0.04) & (out["date_of_birth"].str[5:10] != "02-29").to_numpy()
        shift = rng.choice(np.array([-10, -1, 1, 10]), size=n)
        years = out["date_of_birth"].str[:4].astype(int) + shift
        out.loc[year_typo, "date_of_birth"] = (years.astype(str) + out["date_of_birth"].str[4:])[
            year_typo
        ]
        out.loc[p(0.02), "date_of_birth"] = ""
        _apply(out, "document_number", p(0.06), _digit_typo, rng)
        other_doc = p(0.10)
        out.loc[other_doc, "document_number"] = rng.integers(10_000_000, 99_999_999, size=n).astype(
            str
        )[other_doc]
        out.loc[other_doc, "document_type"] = "PASSPORT"
        out.loc[p(0.08), "document_number"] = ""
    upper = p(0.3)
    for col in ("given_names", "surname_1", "surname_2"):
        out.loc[upper, col] = out.loc[upper, col].str.upper()
    return out
