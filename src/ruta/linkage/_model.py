"""The Splink model for Latin American registries: comparisons and blocking rules.

Every comparison works on the precomputed feature columns (:mod:`ruta.linkage._features`), so
the SQL is plain equality or a library string distance and runs unchanged on DuckDB and Spark.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

__all__ = ["PREDICTION_BLOCKING", "TRAINING_BLOCKING", "deterministic_rules", "registry_settings"]


def _given_names() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_names",
        comparison_levels=[
            cll.NullLevel("given_all"),
            cll.ExactMatchLevel("given_all").configure(tf_adjustment_column="given_all"),
            # A compound name shortened to its first name ("María José" -> "María").
            cll.CustomLevel("given_first_l = given_first_r", "first given name equal"),
            cll.JaroWinklerLevel("given_all", 0.92),
            # One typo in a short name ("jose"/"jase") is far below any Jaro-Winkler
            # threshold that still separates "ana" from "ada"; an edit count does not care
            # about length.
            cll.DamerauLevenshteinLevel("given_first", 1),
            cll.JaroWinklerLevel("given_first", 0.88),
            cll.ElseLevel(),
        ],
    )


def _surnames() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="surnames",
        comparison_levels=[
            cll.NullLevel("surname_p"),
            # Same two surnames in either order (swaps are common at data entry); the
            # frequency adjustment makes "gonzalez rodriguez" weaker evidence than a rare pair.
            cll.ExactMatchLevel("surnames_sorted").configure(
                tf_adjustment_column="surnames_sorted", tf_minimum_u_value=1e-6
            ),
            cll.CustomLevel(
                "surname_p_l = surname_p_r and (surname_m_l is null or surname_m_r is null)",
                "paternal equal, one maternal missing",
            ),
            cll.And(cll.JaroWinklerLevel("surname_p", 0.9), cll.JaroWinklerLevel("surname_m", 0.9)),
            # A typo in each surname ("audo doaz" / "agudo diaz"): short surnames fall below
            # the Jaro-Winkler level with a single edit.
            cll.And(
                cll.DamerauLevenshteinLevel("surname_p", 1),
                cll.DamerauLevenshteinLevel("surname_m", 1),
            ).configure(label_for_charts="each surname within one edit"),
            # Typos in swapped surnames: the alphabetical pair is still close.
            cll.JaroWinklerLevel("surnames_sorted", 0.92),
            cll.And(
                cll.JaroWinklerLevel("surname_p", 0.88),
                cll.CustomLevel("surname_m_l is null or surname_m_r is null"),
            ).configure(label_for_charts="paternal similar, one maternal missing"),
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
            cll.ElseLevel(),
        ],
    )


def _date_of_birth() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel("dob_swapped_l = dob_r", "day and month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1),
            # A mistyped year (often by a decade) keeps day and month.
            cll.CustomLevel("dob_md_l = dob_md_r", "same day and month, other year"),
            cll.LevenshteinLevel("dob", 2),
            cll.ElseLevel(),
        ],
    )


def _document() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="document",
        comparison_levels=[
            cll.NullLevel("doc"),
            cll.CustomLevel("doc_l = doc_r and doc_check_l = 'valid'", "equal, check digit valid"),
            cll.ExactMatchLevel("doc"),
            cll.DamerauLevenshteinLevel("doc", 1),
            cll.ElseLevel(),
        ],
    )


# Blocking: each rule is an equi-join on discriminating keys, so 1M records give about sixteen
# million candidate pairs, not billions. Rules without nationality catch every duplicate with
# one or two errors; the wide nets (a shared date with every name mistyped, sound-alike names
# with no date) are scoped to one nationality, which cuts their pairs threefold: nationality is
# picked from a list and checked against the document, and a pair that differs in it needs
# strong evidence elsewhere, which the narrower rules already block on.
PREDICTION_BLOCKING: tuple[Any, ...] = (
    block_on("doc"),
    block_on("dob", "given_first"),
    block_on("surnames_sorted", "given_first"),
    block_on("birth_year", "given_first", "surname_m"),
    # A typo anywhere after the given name's first letter, with both surnames intact (in
    # either order).
    block_on("given_initial", "surnames_sorted"),
    # Same birth date, sex and nationality: a few million pairs at 1M records; catches typos
    # in every name at once.
    block_on("dob", "sex", "nationality"),
    "l.dob_swapped = r.dob and l.sex = r.sex and l.nationality = r.nationality",
    # Day and month without the year: a mistyped year plus one other error.
    block_on("dob_md", "given_first", "nationality"),
    block_on("dob_md", "surname_p", "nationality"),
    # Two or three errors with the date missing or wrong: sound-alike given name and paternal
    # surname (most typos keep the Soundex-style code, see phonetic_key).
    block_on("given_phonetic", "surname_phonetic", "sex", "nationality"),
)
TRAINING_BLOCKING: tuple[Any, ...] = (block_on("dob"), block_on("surnames_sorted", "given_first"))


def deterministic_rules() -> list[Any]:
    """Rules that almost surely mean "same person", for the prior match probability."""
    return [
        "l.doc = r.doc and l.dob = r.dob",
        "l.given_all = r.given_all and l.surnames_sorted = r.surnames_sorted and l.dob = r.dob",
    ]


def registry_settings() -> SettingsCreator:
    """Splink settings for deduplicating one registry.

    Examples:
        >>> registry_settings().link_type
        'dedupe_only'
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            _given_names(),
            _surnames(),
            _date_of_birth(),
            _document(),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
        ],
        blocking_rules_to_generate_predictions=list(PREDICTION_BLOCKING),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
