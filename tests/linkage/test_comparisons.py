"""The comparisons' SQL: the cheaper edit-distance level takes exactly Splink's pairs."""

from __future__ import annotations

import random

import duckdb
import pytest
import splink.comparison_level_library as cll
from hypothesis import given, settings
from hypothesis import strategies as st
from splink.internals.dialects import SplinkDialect

from ruta.linkage._comparisons import EditsLevel

_ALPHABET = "abcñé-0 "


def _edited(text: str, rng: random.Random, edits: int) -> str:
    """``text`` after ``edits`` random substitutions, insertions, deletions or swaps."""
    chars = list(text)
    for _ in range(edits):
        kind = rng.choice("sidt")
        at = rng.randrange(len(chars) + 1)
        if kind == "i" or not chars:
            chars.insert(at, rng.choice(_ALPHABET))
        elif kind == "s":
            chars[min(at, len(chars) - 1)] = rng.choice(_ALPHABET)
        elif kind == "d":
            del chars[min(at, len(chars) - 1)]
        elif len(chars) > 1:
            at = min(at, len(chars) - 2)
            chars[at], chars[at + 1] = chars[at + 1], chars[at]
    return "".join(chars)


def _pairs(seed: int, n: int = 400) -> list[tuple[str | None, str | None]]:
    rng = random.Random(seed)
    pairs: list[tuple[str | None, str | None]] = [(None, "ana"), ("ana", None), (None, None)]
    for _ in range(n):
        base = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(0, 9)))
        pairs.append((base, _edited(base, rng, rng.randrange(0, 4))))
    return pairs


@pytest.mark.parametrize("k", [1, 2])
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_edits_level_takes_the_pairs_of_splinks(k: int, seed: int) -> None:
    duckdb_dialect = SplinkDialect.from_string("duckdb")
    ours = EditsLevel("x", k).create_sql(duckdb_dialect)
    theirs = cll.DamerauLevenshteinLevel("x", k).create_sql(duckdb_dialect)
    assert ours != theirs  # the guard is there
    con = duckdb.connect()
    con.execute("create table t (x_l varchar, x_r varchar)")
    con.executemany("insert into t values (?, ?)", _pairs(seed))
    rows = con.execute(
        f"select x_l, x_r, coalesce({ours}, false), coalesce({theirs}, false) from t"
    ).fetchall()
    assert [r[:2] for r in rows if r[2] != r[3]] == []
    assert any(r[3] for r in rows) and not all(r[3] for r in rows)


def test_other_dialects_and_the_label_are_splinks() -> None:
    spark = SplinkDialect.from_string("spark")
    assert EditsLevel("doc", 1).create_sql(spark) == cll.DamerauLevenshteinLevel(
        "doc", 1
    ).create_sql(spark)
    assert (
        EditsLevel("doc", 1).create_label_for_charts()
        == cll.DamerauLevenshteinLevel("doc", 1).create_label_for_charts()
    )
