"""The comparisons of the deduplication model, one per field, with their levels.

Each builder takes ``filled`` (feature column -> has data) and leaves out the levels that
need a column the registry does not fill, so a registry with one surname or no dates gets a
model without levels that could never be reached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect

__all__ = ["COMPARISONS", "RARE_LEVELS", "comparison_needs"]

Filled = dict[str, bool]
Levels = list[ComparisonLevelCreator | dict[str, Any]]

_EXCHANGED = "given_first_l = surname_p_r and surname_p_l = given_first_r"
_GIVEN_EXCHANGED = "given name and surname exchanged"
_SURNAME_EXCHANGED = "exchanged with the given name"
_SURNAME_WORDS = "same surname words, split otherwise"

#: Levels that two different people reach almost never, whatever the population: both names
#: written crosswise, or the same surname words split otherwise. Splink's u estimate keeps
#: sampling a comparison until each of its levels has been seen 100 times, so one such level
#: makes it score all 10^6 sampled pairs where it could stop at the first 10^4 (given names:
#: a quarter of a 100,000-record file's training). Their u comes from the default model's
#: million pairs instead (``ruta.linkage._training.estimate_u``), where it is bounded the
#: same way (not seen: 10^-6). Named by (comparison, level label), as the saved models are.
RARE_LEVELS: frozenset[tuple[str, str]] = frozenset(
    {
        ("given_names", _GIVEN_EXCHANGED),
        ("surnames", _SURNAME_EXCHANGED),
        ("surnames", _SURNAME_WORDS),
    }
)


class EditsLevel(cll.DamerauLevenshteinLevel):
    """Splink's Damerau-Levenshtein level, the same pairs and label, computed fewer times.

    DuckDB's ``damerau_levenshtein`` costs about 1.6 µs a pair, ten times Jaro-Winkler and
    four times ``levenshtein``, and most candidate pairs reach these levels (every pair that
    no earlier level took). Two conditions that every pair within ``k`` edits meets come
    first, so that DuckDB computes the distance only for the few pairs they let through:
    lengths within ``k`` (an edit changes the length by at most one) and a Levenshtein
    distance within ``2k`` (a transposition is two Levenshtein edits). Both functions count
    characters, as ``damerau_levenshtein`` does. Other dialects get Splink's SQL unchanged.
    """

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        """The level's condition in ``sql_dialect``."""
        sql = super().create_sql(sql_dialect)
        if sql_dialect.sql_dialect_str != "duckdb":
            return sql
        left, right, k = (
            self.col_expression.name_l,
            self.col_expression.name_r,
            self.distance_threshold,
        )
        return (
            f"abs(length({left}) - length({right})) <= {k} "
            f"and levenshtein({left}, {right}) <= {2 * k} and {sql}"
        )


def _given_names(filled: Filled) -> cl.CustomComparison:
    levels: Levels = [
        cll.NullLevel("given_all"),
        cll.ExactMatchLevel("given_all").configure(tf_adjustment_column="given_all"),
        # A compound name shortened to its first name ("María José" -> "María").
        cll.CustomLevel("given_first_l = given_first_r", "first given name equal"),
    ]
    if filled.get("surname_p"):
        # Given name and surname written in each other's place: the evidence of both names
        # counts here once (the surnames comparison gives this level a neutral weight).
        levels.append(cll.CustomLevel(_EXCHANGED, _GIVEN_EXCHANGED))
    levels += [
        cll.JaroWinklerLevel("given_all", 0.92),
        # One typo in a short name ("jose"/"jase") is far below any Jaro-Winkler threshold
        # that still separates "ana" from "ada"; an edit count does not care about length.
        EditsLevel("given_first", 1),
        cll.JaroWinklerLevel("given_first", 0.88),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(output_column_name="given_names", comparison_levels=levels)


def _surnames(filled: Filled) -> cl.CustomComparison:
    two = bool(filled.get("surname_m"))
    levels: Levels = [cll.NullLevel("surname_p")]
    if filled.get("given_first"):
        # Counted once, in the given-names comparison: m = u here, a weight of zero.
        levels.append(
            cll.CustomLevel(_EXCHANGED, _SURNAME_EXCHANGED).configure(
                m_probability=0.01,
                u_probability=0.01,
                fix_m_probability=True,
                fix_u_probability=True,
            )
        )
    levels += [
        # Same two surnames in either order (swaps are common at data entry); the frequency
        # adjustment makes "gonzalez rodriguez" weaker evidence than a rare pair.
        cll.ExactMatchLevel("surnames_sorted").configure(
            tf_adjustment_column="surnames_sorted", tf_minimum_u_value=1e-6
        ),
    ]
    if two:
        levels += [
            # A compound surname split otherwise ("García López" | "" vs "García" | "López").
            cll.CustomLevel("surname_words_l = surname_words_r", _SURNAME_WORDS),
            cll.CustomLevel(
                "surname_p_l = surname_p_r and (surname_m_l is null or surname_m_r is null)",
                "paternal equal, one maternal missing",
            ),
            cll.And(cll.JaroWinklerLevel("surname_p", 0.9), cll.JaroWinklerLevel("surname_m", 0.9)),
            # A typo in each surname ("audo doaz" / "agudo diaz"): short surnames fall below
            # the Jaro-Winkler level with a single edit.
            cll.And(
                EditsLevel("surname_p", 1),
                EditsLevel("surname_m", 1),
            ).configure(label_for_charts="each surname within one edit"),
            # Typos in swapped surnames: the alphabetical pair is still close.
            cll.JaroWinklerLevel("surnames_sorted", 0.92),
        ]
    one_missing = "(surname_m_l is null or surname_m_r is null)"
    # The null test first: most pairs have both maternal surnames, and DuckDB evaluates the
    # string distance only for the rows the first condition lets through.
    levels += [
        cll.And(cll.CustomLevel(one_missing), cll.JaroWinklerLevel("surname_p", 0.88)).configure(
            label_for_charts="paternal similar, one maternal missing"
        ),
        cll.And(cll.CustomLevel(one_missing), EditsLevel("surname_p", 1)).configure(
            label_for_charts="paternal within one edit, one maternal missing"
        ),
    ]
    if two:
        levels += [
            # Only one surname recorded on one side, and it is either surname of the other:
            # which one survives a dropped surname depends on the clerk and the country
            # (Portuguese order keeps the last one), so both are evidence.
            cll.CustomLevel(
                "(surname_m_l is null and surname_m_r is not null "
                "and (surname_p_l = surname_p_r or surname_p_l = surname_m_r)) "
                "or (surname_m_r is null and surname_m_l is not null "
                "and (surname_p_r = surname_p_l or surname_p_r = surname_m_l))",
                "lone surname is one of the other's two",
            ),
            cll.CustomLevel(
                "surname_p_l = surname_m_r or surname_m_l = surname_p_r "
                "or surname_p_l = surname_p_r",
                "one surname shared",
            ),
        ]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(output_column_name="surnames", comparison_levels=levels)


def _date_of_birth(filled: Filled) -> cl.CustomComparison:
    levels: Levels = [
        cll.NullLevel("birth_year"),
        cll.ExactMatchLevel("dob"),
        cll.CustomLevel("dob_swapped_l = dob_r", "day and month swapped"),
        EditsLevel("dob", 1),
        # A mistyped year (often by a decade) keeps day and month.
        cll.CustomLevel("dob_md_l = dob_md_r", "same day and month, other year"),
        cll.LevenshteinLevel("dob", 2),
    ]
    if filled.get("reduced_dob"):
        # A date known only to the month or the year agrees with a full date in it, at a
        # level of its own: never as an exact match.
        levels += [
            cll.CustomLevel(
                "(dob_l is null or dob_r is null) and dob_ym_l = dob_ym_r",
                "same month and year, one date without its day",
            ),
            cll.CustomLevel(
                "(dob_ym_l is null or dob_ym_r is null) and birth_year_l = birth_year_r",
                "same year, one date without its month",
            ),
        ]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(output_column_name="date_of_birth", comparison_levels=levels)


def _document(_filled: Filled) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="document",
        comparison_levels=[
            cll.NullLevel("doc"),
            cll.CustomLevel("doc_l = doc_r and doc_check_l = 'valid'", "equal, check digit valid"),
            cll.ExactMatchLevel("doc"),
            EditsLevel("doc", 1),
            cll.ElseLevel(),
        ],
    )


def _text_comparison(name: str, column: str, tf: bool) -> Callable[[Filled], cl.CustomComparison]:
    def build(_filled: Filled) -> cl.CustomComparison:
        exact = cll.ExactMatchLevel(column)
        return cl.CustomComparison(
            output_column_name=name,
            comparison_levels=[
                cll.NullLevel(column),
                exact.configure(tf_adjustment_column=column) if tf else exact,
                cll.JaroWinklerLevel(column, 0.92),
                cll.JaroWinklerLevel(column, 0.8),
                cll.ElseLevel(),
            ],
        )

    return build


def _phone(_filled: Filled) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phone"),
            cll.ExactMatchLevel("phone"),
            # With and without the country or area code.
            cll.CustomLevel(
                "length(phone_l) >= 7 and length(phone_r) >= 7 "
                "and right(phone_l, 7) = right(phone_r, 7)",
                "last seven digits equal",
            ),
            EditsLevel("phone", 1),
            cll.ElseLevel(),
        ],
    )


def _postcode(_filled: Filled) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode"),
            EditsLevel("postcode", 1),
            cll.ElseLevel(),
        ],
    )


def _exact(column: str) -> Callable[[Filled], ComparisonCreator]:
    return lambda _filled: cl.ExactMatch(column)


#: Comparison name -> builder, in the order of the model.
COMPARISONS: dict[str, Callable[[Filled], ComparisonCreator]] = {
    "given_names": _given_names,
    "surnames": _surnames,
    "date_of_birth": _date_of_birth,
    "document": _document,
    "sex": _exact("sex"),
    "nationality": _exact("nationality"),
    "place_of_birth": _text_comparison("place_of_birth", "place_of_birth", tf=True),
    "phone": _phone,
    "address": _text_comparison("address", "address", tf=False),
    "locality": _text_comparison("locality", "locality", tf=True),
    "postcode": _postcode,
}
_NEEDS: dict[str, tuple[str, ...]] = {
    "given_names": ("given_all",),
    "surnames": ("surname_p",),
    "date_of_birth": ("birth_year",),
    "document": ("doc",),
}


def comparison_needs(name: str) -> tuple[str, ...]:
    """The feature columns of which one must have data for comparison ``name`` to be used.

    Examples:
        >>> comparison_needs("surnames"), comparison_needs("phone")
        (('surname_p',), ('phone',))
    """
    return _NEEDS.get(name, (name,))
