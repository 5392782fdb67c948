"""The Splink model for Latin American registries, fitted to the fields a registry gives.

Every comparison works on the precomputed feature columns (:mod:`ruta.linkage._features`), so
the SQL is plain equality or a library string distance and runs unchanged on DuckDB and Spark.
A comparison takes part when its field has data; a blocking rule when its keys have data; the
scoping columns of the wide rules (sex, nationality) are dropped when absent and tolerate
missing values when partly filled, so an empty ``sex`` no longer switches rules off. Each
decision is recorded in :class:`ModelPlan` for the run's summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ruta.i18n import N_
from ruta.linkage._comparisons import COMPARISONS, comparison_needs
from ruta.linkage._errors import LinkageError
from ruta.linkage._text import Text

__all__ = [
    "MIN_FILE_PAIRS",
    "ModelPlan",
    "count_pairs",
    "deterministic_rules",
    "plan_from_saved",
    "plan_model",
]


@dataclass(frozen=True)
class _Rule:
    """A blocking rule: equal ``keys`` (with ``swapped_dob``: l.dob_swapped = r.dob), scoped."""

    keys: tuple[str, ...]
    scope: tuple[str, ...] = ()
    swapped_dob: bool = False

    @property
    def label(self) -> str:
        keys = ("dob_swapped=dob", *self.keys[1:]) if self.swapped_dob else self.keys
        return " + ".join((*keys, *self.scope))


# Each rule an equi-join on discriminating keys, so 1M records give about sixteen million
# candidate pairs, not billions. Rules without nationality catch every duplicate with one or
# two errors; the wide nets (a shared date with every name mistyped, sound-alike names with no
# date) are scoped to sex and nationality, which cuts their pairs threefold: nationality is
# picked from a list and checked against the document, and a pair that differs in it needs
# strong evidence elsewhere, which the narrower rules already block on.
_RULES: tuple[_Rule, ...] = (
    _Rule(("doc",)),
    _Rule(("dob", "given_first")),
    # Surname words in any order and split: swapped surnames and a compound surname split
    # otherwise ("García López" | "" against "García" | "López") block together.
    _Rule(("surname_words", "given_first")),
    _Rule(("birth_year", "given_first", "surname_m")),
    # A typo anywhere after the given name's first letter, with both surnames intact.
    _Rule(("given_initial", "surname_words")),
    # Same birth date: catches typos in every name at once.
    _Rule(("dob",), ("sex", "nationality")),
    _Rule(("dob",), ("sex", "nationality"), swapped_dob=True),
    # Day and month without the year: a mistyped year plus one other error.
    _Rule(("dob_md", "given_first"), ("nationality",)),
    _Rule(("dob_md", "surname_p"), ("nationality",)),
    # Two or three errors with the date missing or wrong: sound-alike given name and paternal
    # surname (most typos keep the Soundex-style code, see phonetic_key).
    _Rule(("given_phonetic", "surname_phonetic"), ("sex", "nationality")),
    # Given name and surname written in each other's place, with the date mistyped (the
    # date rules find them when it is right).
    _Rule(("names_unordered", "birth_year")),
    # Where the registry has them: the address and the phone survive every name error.
    _Rule(("postcode", "given_initial", "birth_year")),
    _Rule(("postcode", "surname_phonetic")),
    _Rule(("address", "birth_year")),
    _Rule(("phone",)),
)
_TRAINING: tuple[tuple[str, ...], ...] = (
    ("dob",),
    ("surnames_sorted", "given_first"),
    ("doc",),
    ("phone",),
    ("postcode", "surname_p"),
)
# Rules without their scoping that would still give more pairs than this are left out: at a
# million records an unscoped "same birth date" is fine, an unscoped sound-alike code is not.
_MAX_RULE_PAIRS_PER_RECORD = 20.0
_MIN_MAX_RULE_PAIRS = 2_000_000
#: Below this many pairs in a file, u measured on its own pairs means little: they include
#: the file's duplicates (see ruta.linkage._training).
MIN_FILE_PAIRS = 100_000


@dataclass
class ModelPlan:
    """What the model uses for one registry, and what it leaves out and why.

    Attributes:
        settings: Splink settings (a dict, JSON-ready).
        comparisons: Comparisons used, by name.
        dropped_comparisons: ``(name, reason)`` for the comparisons left out.
        rules: Blocking rules used, as labels (``dob + sex + nationality``).
        dropped_rules: ``(label, reason)`` for rules left out or changed.
        training_rules: Blocking rules (feature columns) of the EM sessions.
        deterministic: Keys whose equality means a near-certain match (for the prior).
        filled: Feature column -> has data (saved with a model).
        notes: Choices made for this file's size (shown with the training notes).
    """

    settings: dict[str, Any]
    comparisons: list[str] = field(default_factory=list)
    dropped_comparisons: list[tuple[str, str]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    dropped_rules: list[tuple[str, str]] = field(default_factory=list)
    training_rules: list[tuple[str, ...]] = field(default_factory=list)
    deterministic: list[tuple[str, ...]] = field(default_factory=list)
    filled: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _as_dict(creator: Any, dialect: str) -> dict[str, Any]:
    """A comparison's Splink settings in ``dialect`` (Splink's methods are untyped)."""
    settings: dict[str, Any] = creator.get_comparison(dialect).as_dict()
    return settings


def count_pairs(features: pd.DataFrame, keys: tuple[str, ...]) -> int:
    """Candidate pairs an equi-join on ``keys`` yields: sum of n(n-1)/2 over its groups.

    Rows missing any key join nothing. Each key is factorised and the codes combined into
    one group number (refactorised after each key, so it stays below the row count): at a
    million records a third of the time of pandas' multi-column ``value_counts``.

    Examples:
        >>> f = pd.DataFrame({"a": ["x", "x", "x", None], "b": ["1", "1", "2", "1"]})
        >>> count_pairs(f, ("a",)), count_pairs(f, ("a", "b")), count_pairs(f, ("b",))
        (3, 1, 3)
    """
    group = np.zeros(len(features), dtype=np.int64)
    present = np.ones(len(features), dtype=bool)
    for key in keys:
        codes, uniques = pd.factorize(features[key], sort=False)
        present &= codes >= 0
        group, _ = pd.factorize(group * (len(uniques) + 1) + codes, sort=False)
    sizes = np.bincount(group[present]).astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _scope_sql(column: str, complete: bool) -> str:
    if complete:
        return f"l.{column} = r.{column}"
    # Partly filled: an unknown value is no reason to leave a pair out.
    return f"(l.{column} = r.{column} or l.{column} is null or r.{column} is null)"


def _rule_sql(rule: _Rule, scope: tuple[str, ...], complete: dict[str, bool]) -> str:
    first = "l.dob_swapped = r.dob" if rule.swapped_dob else f"l.{rule.keys[0]} = r.{rule.keys[0]}"
    parts = [first, *(f"l.{k} = r.{k}" for k in rule.keys[1:])]
    parts.extend(_scope_sql(c, complete[c]) for c in scope)
    return " and ".join(parts)


def plan_model(
    features: pd.DataFrame, *, link_type: str = "dedupe_only", dialect: str = "duckdb"
) -> ModelPlan:
    """Choose comparisons and blocking rules for the fields ``features`` fill.

    Args:
        features: :func:`ruta.linkage.comparison_features` of the registry.
        link_type: Splink's link type.
        dialect: Splink's SQL dialect (``duckdb`` or ``spark``).

    Returns:
        The settings and the record of what was used and dropped.

    Examples:
        >>> from ruta.linkage._features import comparison_features
        >>> frame = pd.DataFrame({"record_id": ["1", "2"], "given_names": ["Ana", "Ana"],
        ...     "surname_1": ["Paz", "Paz"], "date_of_birth": ["1990-01-02", ""]})
        >>> plan = plan_model(comparison_features(frame))
        >>> plan.comparisons
        ['given_names', 'surnames', 'date_of_birth']
        >>> plan.dropped_comparisons[0]
        ('document', 'no document_number')
        >>> "dob + sex + nationality" in [label for label, _ in plan.dropped_rules]
        True
    """
    # One null test per column (on a million Python strings it is most of the plan's time).
    present = {c: features[c].notna().to_numpy() for c in features.columns}
    filled = {c: bool(p.any()) for c, p in present.items()}
    filled["reduced_dob"] = bool((present["birth_year"] & ~present["dob"]).any())
    complete = {c: bool(p.all()) for c, p in present.items()}
    plan = ModelPlan(settings={}, filled=filled)
    comparisons = []
    for name, build in COMPARISONS.items():
        needs = comparison_needs(name)
        if any(filled.get(c, False) for c in needs):
            comparisons.append(build(filled))
            plan.comparisons.append(name)
        else:
            plan.dropped_comparisons.append(
                (name, Text(N_("no %(field)s"), field=_field_of(needs[0])))
            )
    limit = max(_MIN_MAX_RULE_PAIRS, _MAX_RULE_PAIRS_PER_RECORD * len(features))
    blocking: list[str] = []
    for rule in _RULES:
        missing = [k for k in rule.keys if not filled.get(k, False)]
        if rule.swapped_dob and not filled.get("dob_swapped", False):
            missing.append("dob_swapped")
        if missing:
            plan.dropped_rules.append(
                (rule.label, Text(N_("no %(field)s"), field=_field_of(missing[0])))
            )
            continue
        scope = tuple(c for c in rule.scope if filled.get(c, False))
        if scope != rule.scope:
            lost = [c for c in rule.scope if c not in scope]
            # (The swapped-date join is as large as the plain one: count that.)
            count = count_pairs(features, rule.keys + scope)
            if count > limit:
                plan.dropped_rules.append(
                    (
                        rule.label,
                        Text(
                            N_("no %(fields)s: %(n)s pairs without it"),
                            fields=", ".join(lost),
                            n=count,
                        ),
                    )
                )
                continue
            plan.dropped_rules.append(
                (
                    rule.label,
                    Text(N_("used without %(fields)s (no data)"), fields=", ".join(lost)),
                )
            )
        blocking.append(_rule_sql(rule, scope, complete))
        plan.rules.append(_Rule(rule.keys, scope, rule.swapped_dob).label)
    comparisons_dicts = [_as_dict(c, dialect) for c in comparisons]
    plan.training_rules = _training(filled)
    plan.deterministic = deterministic_rules(filled)
    plan.settings = {
        "link_type": link_type,
        "unique_id_column_name": "record_id",
        "comparisons": comparisons_dicts,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": sql, "sql_dialect": dialect} for sql in blocking
        ],
        "retain_intermediate_calculation_columns": False,
        "retain_matching_columns": False,
        "sql_dialect": dialect,
    }
    return plan


def plan_from_saved(
    saved: dict[str, Any], filled: dict[str, bool], *, dialect: str = "duckdb"
) -> ModelPlan:
    """The plan of a saved model, its trained parameters in ``dialect``.

    The comparisons are rebuilt from the columns that had data at training (so a model
    trained on DuckDB runs on Spark) and the saved parameters copied level by level; the
    blocking rules are the saved ones (plain equalities, the same in every dialect).

    Raises:
        LinkageError: The saved levels do not line up with this Ruta's (another model
            layout); the message says which (the caller says how to retrain).
    """
    comparisons = []
    for name, build in COMPARISONS.items():
        if any(filled.get(c, False) for c in comparison_needs(name)):
            comparisons.append(_as_dict(build(filled), dialect))
    by_name = {c["output_column_name"]: c for c in saved["comparisons"]}
    if [c["output_column_name"] for c in comparisons] != list(by_name):
        raise LinkageError(Text(N_("the saved comparisons differ from this Ruta's")))
    for mine in comparisons:
        column = mine["output_column_name"]
        theirs = by_name[column]["comparison_levels"]
        labels = [level.get("label_for_charts") for level in mine["comparison_levels"]]
        if labels != [level.get("label_for_charts") for level in theirs]:
            raise LinkageError(
                Text(N_("the saved levels of %(comparison)s differ"), comparison=column)
            )
        for level, old in zip(mine["comparison_levels"], theirs, strict=True):
            for key in ("m_probability", "u_probability", "tf_minimum_u_value"):
                if key in old:
                    level[key] = old[key]
    rules = [
        r["blocking_rule"] if isinstance(r, dict) else str(r)
        for r in saved["blocking_rules_to_generate_predictions"]
    ]
    settings = {
        **{k: v for k, v in saved.items() if k not in ("comparisons", "sql_dialect")},
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": sql, "sql_dialect": dialect} for sql in rules
        ],
        "sql_dialect": dialect,
    }
    plan = ModelPlan(settings=settings, filled=filled)
    plan.comparisons = [c["output_column_name"] for c in comparisons]
    plan.rules = rules
    return plan


_FIELD_OF = {
    "given": "given_names",
    "surname": "surname_1 or surname_2",
    "names": "given_names and surnames",
    "dob": "date_of_birth",
    "birth": "date_of_birth",
    "doc": "document_number",
}


def _field_of(column: str) -> str:
    """The registry field a feature column comes from, for messages."""
    if column == "surname_m":
        return "surname_2"
    return _FIELD_OF.get(column.split("_")[0], column)


def _training(filled: dict[str, bool]) -> list[tuple[str, ...]]:
    """Two EM sessions whose blocks leave every comparison trained in one of them."""
    usable = [keys for keys in _TRAINING if all(filled.get(k, False) for k in keys)]
    return usable[:2]


def deterministic_rules(filled: dict[str, bool] | None = None) -> list[tuple[str, ...]]:
    """Keys whose equality almost surely means "same person", for the prior.

    Examples:
        >>> deterministic_rules()[0]
        ('doc', 'dob')
    """
    rules = [
        ("doc", "dob"),
        ("given_all", "surnames_sorted", "dob"),
        ("given_all", "surnames_sorted", "doc"),
    ]
    chosen = [keys for keys in rules if filled is None or all(filled.get(k) for k in keys)]
    return chosen[:2]
