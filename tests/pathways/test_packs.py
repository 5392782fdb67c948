"""Every pack's scenario tests pass and cover both sides of every date boundary."""

from __future__ import annotations

import pytest

from ruta.pathways._packtest import coverage, run_pack_tests

OUTCOMES = list(run_pack_tests())


@pytest.mark.parametrize("outcome", OUTCOMES, ids=[f"{o.file.stem}:{o.name}" for o in OUTCOMES])
def test_scenario(outcome) -> None:  # type: ignore[no-untyped-def]
    assert outcome.passed, outcome.problems


def test_coverage() -> None:
    assert coverage() == {}
