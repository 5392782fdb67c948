"""Unsupervised training of the deduplication model, sized to what the file can support.

The prior comes from near-certain rules, u from random pairs, m by EM on two blocking rules.
A small file cannot support EM (a training block of a few hundred pairs, nearly all
duplicates, gives m values that are noise) and should not pay for it: a session whose block
holds fewer than :data:`MIN_EM_PAIRS` pairs is skipped, and every m that no session trained
comes from Ruta's default model (trained on a synthetic regional registry, shipped as data)
with a note in the summary. u is estimated from the file itself (how often two different
people agree depends on the population: its names, its birth years) unless the file is so
small that its pairs would count its own duplicates as strangers; then the default model's
u is used, and not measured first when that one has every level.

This module reaches into Splink's settings object for three things its public API does not
offer (the prior, a level's trained state, setting one level's m or u); the versions are
pinned and ``tests/linkage/test_splink_internals.py`` fails if they move.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from itertools import combinations
from typing import Any

import pandas as pd
from splink import block_on
from splink.internals.exceptions import EMTrainingException

from ruta.i18n import N_
from ruta.linkage._comparisons import RARE_LEVELS
from ruta.linkage._model import MIN_FILE_PAIRS, ModelPlan, count_pairs
from ruta.linkage._saved import FEATURES_VERSION
from ruta.linkage._text import Text

__all__ = ["MIN_EM_PAIRS", "default_parameters", "prior", "train"]

#: Fewest candidate pairs in a training block for EM to run on it.
MIN_EM_PAIRS = 2_000
_U_MAX_PAIRS = 1e6
_U_MIN_PAIRS = 5e4
_EM_MAX_PAIRS = 3e6

Say = Callable[[str], None]


@cache
def default_parameters(kind: str = "m_probability") -> dict[str, dict[str, float]]:
    """Ruta's default model: comparison -> level label -> m (or u); empty if not shipped."""
    path = resources.files("ruta.linkage").joinpath("data/default_model.json")
    if not path.is_file():
        return {}
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("features_version") != FEATURES_VERSION:
        return {}
    out: dict[str, dict[str, float]] = {}
    for comparison in document["splink_settings"]["comparisons"]:
        levels = out.setdefault(comparison["output_column_name"], {})
        for level in comparison["comparison_levels"]:
            if kind in level and "label_for_charts" in level:
                levels[level["label_for_charts"]] = float(level[kind])
    return out


def _levels(settings: Any) -> list[tuple[str, Any]]:
    return [
        (comparison.output_column_name, level)
        for comparison in settings.comparisons
        for level in comparison._comparison_levels_excluding_null
    ]


def bound_unobserved_u(settings: Any, sampled_pairs: float) -> None:
    """Give every level that no sampled pair reached the u its sample allows: 1 / pairs.

    Agreement on a document number, or a one-edit difference in it, is so rare between two
    random people that a sample of 10^6 pairs holds none. Splink then leaves u unset and
    falls back to a generic default (0.2 % for an exact match, 3 % for one edit), which made
    a shared document weaker evidence than a shared birth date. Not seen in N pairs means u
    is at most about 1/N; using that bound keeps the weight finite and on the cautious side.
    A small file's sample is too small for that bound to mean much (not seen in 28 pairs),
    so where the default model measured a smaller u on its million pairs, that one is used.
    """
    defaults = default_parameters("u_probability")
    for name, level in _levels(settings):
        if not level._u_is_trained:
            default = defaults.get(name, {}).get(level.label_for_charts, 1.0)
            level.u_probability = min(1.0 / sampled_pairs, default)


@contextmanager
def _without_rare_levels(settings: Any) -> Iterator[list[tuple[str, Any]]]:
    """Leave :data:`RARE_LEVELS` out of the comparisons for the duration (u estimation).

    Yields the ``(comparison, level)`` pairs taken out; each keeps its comparison vector
    value, so the estimate's u lands on the right remaining levels, and the levels are put
    back in their places afterwards. A level whose u the default model lacks stays in.
    """
    defaults = default_parameters("u_probability")
    saved = [list(comparison.comparison_levels) for comparison in settings.comparisons]
    removed: list[tuple[str, Any]] = []
    try:
        for comparison in settings.comparisons:
            name = comparison.output_column_name
            rare = [
                level
                for level in comparison.comparison_levels
                if (name, level.label_for_charts) in RARE_LEVELS
                and level.label_for_charts in defaults.get(name, {})
            ]
            removed.extend((name, level) for level in rare)
            comparison.comparison_levels = [
                level for level in comparison.comparison_levels if level not in rare
            ]
        yield removed
    finally:
        for comparison, levels in zip(settings.comparisons, saved, strict=True):
            comparison.comparison_levels = levels


def estimate_u(linker: Any, max_pairs: float) -> None:
    """u of every level: Splink's random sample, the rare levels from the default model.

    Levels that no sampled pair reached get the bound of :func:`bound_unobserved_u`.
    """
    settings = linker._settings_obj
    defaults = default_parameters("u_probability")
    with _without_rare_levels(settings) as removed:
        # One chunk for a small sample: Splink's probe phase costs more than it saves there.
        linker.training.estimate_u_using_random_sampling(
            max_pairs=max_pairs, num_chunks=1 if max_pairs <= 1e5 else 10
        )
    for name, level in removed:
        if not level._fix_u_probability:
            level.u_probability = defaults[name][level.label_for_charts]
    bound_unobserved_u(settings, max_pairs)


def _default_u(settings: Any) -> list[str]:
    """Set u from the default model wherever it has the level; return the comparisons."""
    defaults = default_parameters("u_probability")
    replaced = []
    for name, level in _levels(settings):
        u = defaults.get(name, {}).get(level.label_for_charts)
        if u is not None and not level._fix_u_probability:
            level.u_probability = u
            replaced.append(name)
    return sorted(set(replaced))


def _default_u_covers(settings: Any) -> bool:
    """Whether every level's u ends up set without the file: by :func:`_default_u`, or fixed.

    Splink's estimate leaves a level with a fixed u as it is, and so does the default model.
    """
    defaults = default_parameters("u_probability")
    return all(
        level._u_is_trained
        if level._fix_u_probability
        else level.label_for_charts in defaults.get(name, {})
        for name, level in _levels(settings)
    )


def _fill_untrained_m(settings: Any) -> tuple[list[str], list[str]]:
    """Give untrained levels the default model's m; return (filled, still generic) labels."""
    defaults = default_parameters()
    filled: list[str] = []
    generic: list[tuple[str, str]] = []
    for name, level in _levels(settings):
        if level._m_is_trained or level._fix_m_probability:
            continue
        m = defaults.get(name, {}).get(level.label_for_charts)
        if m is not None:
            level.m_probability = m
            filled.append(name)
        else:
            generic.append((name, level.label_for_charts))
    levels = {name: sum(1 for n, _ in _levels(settings) if n == name) for name, _ in generic}
    shown = []
    for name in dict.fromkeys(n for n, _ in generic):
        labels = [label for n, label in generic if n == name]
        shown.append(
            f"{name} (all levels)"
            if len(labels) == levels[name]
            else f"{name}: {', '.join(labels)}"
        )
    return sorted(set(filled)), shown


def prior(features: pd.DataFrame, rules: list[tuple[str, ...]], recall: float = 0.8) -> float:
    """Probability that two random records match, from near-certain rules.

    As Splink's ``estimate_probability_two_random_records_match`` (pairs that satisfy any
    rule, divided by the rules' recall and by all pairs), counted by group sizes instead of
    a join: the pairs satisfying rules A and B are those equal on both key sets.

    Examples:
        >>> f = pd.DataFrame({"doc": ["1", "1", "2", None], "dob": ["a", "a", "a", "a"],
        ...                   "name": ["x", "y", "x", "x"]})
        >>> round(prior(f, [("doc", "dob"), ("name", "dob")], recall=1.0), 4)
        0.6667
    """
    matches = 0
    for k in range(1, len(rules) + 1):
        for combo in combinations(rules, k):
            keys = tuple(sorted(set().union(*combo)))
            matches += (-1) ** (k + 1) * count_pairs(features, keys)
    n = len(features)
    return min(1.0, matches / recall / max(n * (n - 1) / 2, 1))


def train(linker: Any, plan: ModelPlan, features: pd.DataFrame, say: Say) -> list[str]:
    """Train ``linker`` in place; return the notes the summary shows.

    Args:
        linker: A Splink linker over ``features`` with ``plan.settings``.
        plan: The model plan (training and deterministic rules).
        features: The comparison features the linker holds.
        say: Progress messages.
    """
    notes: list[str] = list(plan.notes)
    settings = linker._settings_obj  # Splink keeps the prior only on this private object
    n = len(features)
    if plan.deterministic:
        settings._probability_two_random_records_match = prior(features, plan.deterministic)
    else:
        notes.append(
            Text(
                N_(
                    "prior: no near-certain rule applies (it needs a date of birth with a "
                    "document or full names); assumed one duplicate per 500 records"
                )
            )
        )
    # A registry with no certain duplicates would give a prior of 0 (log of 0 in EM); assume
    # at least one duplicate per five hundred records instead.
    floor = 2e-3 / max(n - 1, 1)
    if settings._probability_two_random_records_match < floor:
        settings._probability_two_random_records_match = floor
    total = n * (n - 1) / 2
    # A few hundred records' pairs include their own duplicates: "agree by chance" would be
    # measured on the very people being linked. The default model's u is used instead, and
    # when it has every level, measuring u first is work whose result is thrown away (one
    # query per comparison, a third of a small file's run).
    if not (total < MIN_FILE_PAIRS and _default_u_covers(settings)):
        estimate_u(linker, min(_U_MAX_PAIRS, max(_U_MIN_PAIRS, total / 10), total))
    if total < MIN_FILE_PAIRS:
        replaced = _default_u(settings)
        if replaced:
            notes.append(
                Text(
                    N_(
                        "u from Ruta's default model: %(n)s records give %(pairs)s pairs, too "
                        "few to measure how often different people agree (duplicates among "
                        "them would count as strangers): %(comparisons)s"
                    ),
                    n=n,
                    pairs=int(total),
                    comparisons=", ".join(replaced),
                )
            )
    for keys in plan.training_rules:
        pairs = count_pairs(features, keys)
        label = " + ".join(keys)
        if pairs < MIN_EM_PAIRS:
            notes.append(
                Text(
                    N_(
                        "EM on %(rule)s skipped: %(pairs)s candidate pairs, fewer than the "
                        "%(needed)s it needs"
                    ),
                    rule=label,
                    pairs=pairs,
                    needed=MIN_EM_PAIRS,
                )
            )
            continue
        say(Text(N_("training m on pairs sharing %(rule)s"), rule=label))
        try:
            # A sample of a few million pairs trains m as well as all of them, in a fraction
            # of the time on a national registry.
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*keys), max_pairs=_EM_MAX_PAIRS, estimate_without_term_frequencies=True
            )
        except EMTrainingException:
            notes.append(
                Text(
                    N_("EM on %(rule)s did not converge; its m values come from defaults"),
                    rule=label,
                )
            )
    from_defaults, generic = _fill_untrained_m(settings)
    if from_defaults:
        notes.append(
            Text(
                N_(
                    "m from Ruta's default model (synthetic regional registry), too few pairs "
                    "to train: %(comparisons)s"
                ),
                comparisons=", ".join(from_defaults),
            )
        )
    if generic:
        notes.append(
            Text(
                N_(
                    "levels no training pair reached keep Splink's generic m (they weigh only "
                    "if a pair reaches them): %(levels)s"
                ),
                levels="; ".join(generic),
            )
        )
    return notes
