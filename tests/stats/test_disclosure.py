"""Disclosure control: naive suppression fails the audit, ours is proven by it."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruta.stats._audit import attack_intervals
from ruta.stats._design import Population, TableSpec
from ruta.stats._params import disclosure_rules
from ruta.stats._protect import passes, primary, protect

from .conftest import cell, group_of, units

RULES = disclosure_rules()
BY_PATHWAY_CITIZENSHIP = TableSpec("decided", ("DECISIONS",), ("PATHWAY", "CITIZENSHIP"))


def _audit_fails(group, suppressed, required) -> list[int]:
    """Primary cells whose interval is narrower than their protection."""
    values = group.values
    found = attack_intervals(group, suppressed, values, values)
    return [
        i.cell
        for i in found
        if required[i.cell] > 0 and not passes(i, required[i.cell], values[i.cell], False)
    ]


def _two_by_two():
    """Two pathways by two citizenships, one cell of 2 among large ones."""
    counts = {
        ("P1", "VEN", "APPROVED"): 2,
        ("P1", "COL", "APPROVED"): 30,
        ("P2", "VEN", "APPROVED"): 40,
        ("P2", "COL", "APPROVED"): 50,
    }
    return group_of(units(counts), [BY_PATHWAY_CITIZENSHIP])


def test_primary_only_is_recovered_exactly_from_the_margins() -> None:
    group = _two_by_two()
    sensitive, required = primary(group, 5, RULES)
    target = cell(group, PATHWAY="P1", CITIZENSHIP="VEN")
    assert sensitive[target] and sensitive.sum() == 1
    (interval,) = attack_intervals(group, sensitive, group.values, group.values, [target])
    # The row total minus the published neighbour gives the withheld 2 back.
    assert (interval.lower, interval.upper) == (2.0, 2.0)
    assert _audit_fails(group, sensitive, required) == [target]


def test_secondary_suppression_keeps_every_interval_at_least_the_threshold_wide() -> None:
    group = _two_by_two()
    result = protect(group, 5, RULES)
    assert result.suppressed.sum() >= 4  # the rectangle around the 2
    assert _audit_fails(group, result.suppressed, result.required) == []


def test_small_neighbours_are_not_enough_and_the_audit_asks_for_more() -> None:
    # Every cell of the rectangle is tiny: withholding it leaves [0, 2], narrower than 5.
    group = group_of(
        units(
            {
                ("P1", "VEN", "APPROVED"): 1,
                ("P1", "COL", "APPROVED"): 1,
                ("P2", "VEN", "APPROVED"): 1,
                ("P2", "COL", "APPROVED"): 1,
                ("P3", "VEN", "APPROVED"): 20,
                ("P3", "COL", "APPROVED"): 20,
            }
        ),
        [BY_PATHWAY_CITIZENSHIP],
    )
    first_pass_only = protect(group, 5, RULES, max_rounds=0)
    assert _audit_fails(group, first_pass_only.suppressed, first_pass_only.required)
    result = protect(group, 5, RULES)
    assert result.rounds >= 2
    assert _audit_fails(group, result.suppressed, result.required) == []


def test_linked_tables_are_protected_together() -> None:
    """Decisions, approvals and denials by pathway, published as three tables.

    Protected table by table, the denials table hides its 2 behind another pathway's
    denials, but decisions minus approvals (the other two tables) give it back.
    """
    specs = [
        TableSpec("decided", ("DECISIONS",), ("PATHWAY",)),
        TableSpec("decided", ("APPROVALS",), ("PATHWAY",)),
        TableSpec("decided", ("DENIALS",), ("PATHWAY",)),
    ]
    rows = units(
        {
            ("P1", "VEN", "APPROVED"): 30,
            ("P1", "VEN", "DENIED"): 2,
            ("P2", "VEN", "APPROVED"): 25,
            ("P2", "VEN", "DENIED"): 9,
            ("P3", "VEN", "APPROVED"): 40,
            ("P3", "VEN", "DENIED"): 12,
        }
    )
    joint = group_of(rows, specs)
    alone = [group_of(rows, [spec]) for spec in specs]
    naive = np.zeros(len(joint.keys), dtype=bool)
    for part in alone:
        protected = protect(part, 5, RULES)
        for key in part.keys[protected.suppressed]:
            codes = {
                a: part.codes[a][k]
                for a, k in zip(part.population.attributes, key, strict=True)
                if k < part.total(a)
            }
            naive[cell(joint, **codes)] = True
    _, required = primary(joint, 5, RULES)
    target = cell(joint, PATHWAY="P1", OUTCOME="DENIED")
    assert naive[target]
    assert target in _audit_fails(joint, naive, required)
    result = protect(joint, 5, RULES)
    assert _audit_fails(joint, result.suppressed, result.required) == []


def test_dominance_rule_protects_a_fee_total_one_payer_dominates() -> None:
    fees = Population("fees_test", ("PATHWAY",), {"FEES_DUE": {}}, magnitude=True)
    spec = TableSpec("fees_test", ("FEES_DUE",), ("PATHWAY",))
    rows = [("P1",)] * 6 + [("P2",)] * 6
    amounts = [1000.0, 10, 10, 10, 10, 10] + [50.0] * 6
    group = group_of(rows, [spec], fees, amounts)
    sensitive, required = primary(group, 5, RULES)
    # P1: the two largest make 1010 of 1050 (96% > 85%); P2 is six equal payers.
    assert sensitive[cell(group, PATHWAY="P1")]
    assert not sensitive[cell(group, PATHWAY="P2")]
    assert required[cell(group, PATHWAY="P1")] > 0
    result = protect(group, 5, RULES)
    p1 = cell(group, PATHWAY="P1")
    (interval,) = attack_intervals(group, result.suppressed, group.values, group.values, [p1])
    assert passes(interval, required[p1], group.values[p1], magnitude=True)


@st.composite
def _tables(draw: st.DrawFn) -> dict[tuple[str, ...], int]:
    pathways = draw(st.integers(2, 4))
    nationalities = draw(st.integers(2, 4))
    counts = {}
    for p in range(pathways):
        for c in range(nationalities):
            for outcome in ("APPROVED", "DENIED"):
                counts[(f"P{p}", f"C{c}", outcome)] = draw(
                    st.one_of(st.integers(0, 6), st.integers(0, 60))
                )
    return counts


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables(), st.sampled_from([3, 5, 10]))
def test_every_protected_release_passes_its_audit(counts, threshold) -> None:
    if sum(counts.values()) == 0:
        return
    specs = [
        TableSpec("decided", ("DECISIONS", "APPROVALS", "DENIALS"), ("PATHWAY",)),
        TableSpec("decided", ("DECISIONS",), ("PATHWAY", "CITIZENSHIP")),
    ]
    group = group_of(units(counts), specs)
    result = protect(group, threshold, RULES)
    assert _audit_fails(group, result.suppressed, result.required) == []
    # Every small non-zero count is withheld; nothing else is published below it.
    small = (group.values > 0) & (group.values < threshold)
    assert result.suppressed[small].all()
