"""Comparison features of a registry: the normalised columns that blocking and scoring use.

Normalisation runs once per distinct value (names repeat heavily in real registries), so a
million records cost about as much as their few hundred thousand distinct names. Every
field of the contract has its columns here, empty (``None``) when the registry lacks it; the
model (:mod:`ruta.linkage._model`) uses only those the registry fills.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from ruta.linkage._documents import normalize_document, normalize_documents
from ruta.linkage._names import (
    PORTUGUESE_ORDER,
    given_name_tokens,
    phonetic_key,
    surname_core,
    surname_pair,
)
from ruta.names import to_latin

__all__ = ["FEATURE_COLUMNS", "comparison_features", "record_features"]

FEATURE_COLUMNS: tuple[str, ...] = (
    "record_id",
    "given_first",
    "given_all",
    "given_initial",
    "given_phonetic",
    "surname_p",
    "surname_m",
    "surnames_sorted",
    "surname_words",
    "surname_phonetic",
    "names_unordered",
    "sex",
    "dob",
    "dob_ym",
    "dob_swapped",
    "dob_md",
    "birth_year",
    "nationality",
    "doc",
    "doc_check",
    "place_of_birth",
    "phone",
    "address",
    "locality",
    "postcode",
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_DIGIT = re.compile(r"[^0-9]+")


def _text(value: str) -> str:
    """Free text (addresses, places) folded like names, but digits kept (house numbers)."""
    text = unicodedata.normalize("NFKC", value).casefold()
    return _NOT_ALNUM.sub(" ", to_latin(text).lower()).strip()


def _postcode(value: str) -> str:
    return _NOT_ALNUM.sub("", to_latin(value).lower())


def _phone(value: str) -> str:
    return _NOT_DIGIT.sub("", value)


def _surname_words(surnames: str) -> str:
    """Every surname word, sorted: a compound surname split otherwise keeps its words."""
    return " ".join(sorted(surnames.split()))


def _names_unordered(given_first: str, paternal: str) -> str:
    """First given name and paternal surname as a set: survives the two exchanged."""
    if not given_first or not paternal:
        return ""
    return " ".join(sorted((given_first, paternal)))


def _per_distinct(values: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """Apply ``func`` once per distinct value and broadcast back."""
    codes, uniques = pd.factorize(values, sort=False)
    mapped = pd.Series([func(str(u)) for u in uniques], dtype=object)
    return pd.Series(mapped.to_numpy()[codes], index=values.index, dtype=object)


def _none_if_empty(series: pd.Series) -> pd.Series:
    """Python strings with ``None`` for empty or missing values, one object per distinct value.

    A feature column holds a few thousand distinct values over a million rows; sharing one
    string object among the rows that hold it keeps the frame at a pointer per cell (about a
    sixth of a string per cell, over a gigabyte at a million records), and the frame stays
    alive beside Splink's tables until scoring is done.
    """
    codes, uniques = pd.factorize(series, sort=False)
    # Missing values get code -1, which indexes the None appended last.
    values = np.array([*(str(u) or None for u in uniques), None], dtype=object)
    return pd.Series(values[codes], index=series.index, dtype=object)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].fillna("").astype(str)
    return pd.Series("", index=frame.index, dtype=object)


def _optional(frame: pd.DataFrame, name: str, func: Callable[[str], str]) -> pd.Series:
    """``func`` of an optional field per distinct value; all missing when the field is absent
    (not normalised a million times as empty text)."""
    if name not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object)
    return _per_distinct(_column(frame, name), func)


def _dates(out: pd.DataFrame, dob: pd.Series) -> None:
    full = dob.str.len() == 10
    out["dob"] = dob.where(full, "")
    out["dob_ym"] = dob.str[:7].where(dob.str.len() >= 7, "")
    swapped = dob.str[:5] + dob.str[8:10] + "-" + dob.str[5:7]
    out["dob_swapped"] = swapped.where(full & (dob.str[8:10].astype(str) <= "12"), "")
    out["dob_md"] = dob.str[5:10].where(full, "")
    out["birth_year"] = dob.str[:4]


def comparison_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Derive the comparison columns from a validated registry frame.

    Missing values become ``None`` (SQL NULL), which Splink treats as "no evidence". A date
    of reduced precision (``1990``, ``1990-05``) fills ``birth_year`` (and ``dob_ym``) but
    not ``dob``: it never agrees exactly with a full date.

    Args:
        frame: :attr:`Registry.frame` (absent fields may be missing columns).

    Returns:
        One row per record with :data:`FEATURE_COLUMNS` (plus ``person_id`` when present).

    Examples:
        >>> df = pd.DataFrame({"record_id": ["1"], "given_names": ["María José"],
        ...     "surname_1": ["Silva"], "surname_2": ["Santos"], "sex": ["F"],
        ...     "date_of_birth": ["1990-03-07"], "nationality": ["BRA"],
        ...     "document_number": ["390.533.447-05"], "document_type": [""]})
        >>> row = comparison_features(df).iloc[0]
        >>> row.given_first, row.surname_p, row.surname_m, row.dob_swapped, row.doc_check
        ('maria', 'santos', 'silva', '1990-07-03', 'valid')
        >>> row.names_unordered, row.phone is None
        ('maria santos', True)
    """
    out = pd.DataFrame({"record_id": frame["record_id"].astype(str)})
    nationality = _column(frame, "nationality")
    given = _per_distinct(_column(frame, "given_names"), lambda v: " ".join(given_name_tokens(v)))
    out["given_all"] = given
    out["given_first"] = given.str.split(" ").str[0]
    first = _per_distinct(_column(frame, "surname_1"), surname_core)
    second = _per_distinct(_column(frame, "surname_2"), surname_core)
    # The same rules as surname_pair, vectorised: both surnames typed in the first field,
    # only the second filled, Portuguese order.
    joined = (second == "") & first.str.contains(" ", regex=False)
    parts = first.str.partition(" ")
    first = first.where(~joined, parts[0])
    second = second.where(~joined, parts[2])
    only_second = (first == "") & (second != "")
    first, second = first.where(~only_second, second), second.where(~only_second, "")
    portuguese = nationality.str.upper().isin(PORTUGUESE_ORDER) & (first != "") & (second != "")
    first, second = first.where(~portuguese, second), second.where(~portuguese, first)
    out["surname_p"] = first
    out["surname_m"] = second
    # Typo- and spelling-tolerant keys for blocking (two errors at once still share them).
    out["given_initial"] = out["given_first"].str[:1]
    out["given_phonetic"] = _per_distinct(out["given_first"], phonetic_key)
    out["surname_phonetic"] = _per_distinct(first, phonetic_key)
    lo = out[["surname_p", "surname_m"]].min(axis=1)
    hi = out[["surname_p", "surname_m"]].max(axis=1)
    # Order-free key so that swapped surnames block together.
    out["surnames_sorted"] = (lo + " " + hi).str.strip()
    out["surname_words"] = _per_distinct(out["surnames_sorted"], _surname_words)
    pair = out["given_first"] + "\x1f" + first
    out["names_unordered"] = _per_distinct(pair, lambda v: _names_unordered(*v.split("\x1f")))
    out["sex"] = _column(frame, "sex")
    _dates(out, _column(frame, "date_of_birth"))
    out["nationality"] = nationality.str.strip().str.upper()
    doc, check = normalize_documents(
        _column(frame, "document_number"), _column(frame, "document_type"), nationality
    )
    out["doc"] = doc
    out["doc_check"] = check
    out["place_of_birth"] = _optional(frame, "place_of_birth", _text)
    out["phone"] = _optional(frame, "phone", _phone)
    out["address"] = _optional(frame, "address", _text)
    out["locality"] = _optional(frame, "locality", _text)
    out["postcode"] = _optional(frame, "postcode", _postcode)
    for col in FEATURE_COLUMNS:
        if col not in ("record_id", "doc_check"):
            out[col] = _none_if_empty(out[col])
    if "person_id" in frame.columns:
        out["person_id"] = frame["person_id"].astype(str)
    return out[[*FEATURE_COLUMNS, *(["person_id"] if "person_id" in out else [])]].reset_index(
        drop=True
    )


def record_features(record: Mapping[str, str]) -> dict[str, str | None]:
    """The comparison features of one record, without pandas (the duplicate search's hot path).

    Must agree with :func:`comparison_features` (a property test checks it).

    Examples:
        >>> f = record_features({"record_id": "1", "given_names": "José Luis",
        ...     "surname_1": "Pérez Gómez", "date_of_birth": "1990-03-07"})
        >>> f["given_first"], f["surnames_sorted"], f["dob_swapped"], f["doc"]
        ('jose', 'gomez perez', '1990-07-03', None)
    """

    def get(name: str) -> str:
        return str(record.get(name, "") or "").strip()

    given = " ".join(given_name_tokens(get("given_names")))
    nationality = get("nationality").upper()
    paternal, maternal = surname_pair(get("surname_1"), get("surname_2"), get("nationality"))
    dob = get("date_of_birth")
    full = len(dob) == 10
    doc, check = normalize_document(
        get("document_number"), get("document_type"), get("nationality")
    )
    swapped = dob[:5] + dob[8:10] + "-" + dob[5:7] if full and dob[8:10] <= "12" else ""
    surnames = " ".join(sorted((paternal, maternal))).strip()
    out: dict[str, str | None] = {
        "record_id": get("record_id"),
        "given_first": given.split(" ")[0],
        "given_all": given,
        "given_initial": given[:1],
        "given_phonetic": phonetic_key(given.split(" ")[0]),
        "surname_p": paternal,
        "surname_m": maternal,
        "surnames_sorted": surnames,
        "surname_words": _surname_words(surnames),
        "surname_phonetic": phonetic_key(paternal),
        "names_unordered": _names_unordered(given.split(" ")[0], paternal),
        "sex": get("sex").upper(),
        "dob": dob if full else "",
        "dob_ym": dob[:7] if len(dob) >= 7 else "",
        "dob_swapped": swapped,
        "dob_md": dob[5:10] if full else "",
        "birth_year": dob[:4],
        "nationality": nationality,
        "doc": doc,
        "doc_check": check,
        "place_of_birth": _text(get("place_of_birth")),
        "phone": _phone(get("phone")),
        "address": _text(get("address")),
        "locality": _text(get("locality")),
        "postcode": _postcode(get("postcode")),
    }
    return {k: (v if v or k in ("record_id", "doc_check") else None) for k, v in out.items()}
