"""Fixtures for the linkage tests: small synthetic registries and a shared secret."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from ruta.cli import main
from ruta.linkage import Registry, SynthConfig, synth_registry, synth_split
from ruta.linkage._registry import OPTIONAL_COLUMNS, REQUIRED_COLUMNS


@pytest.fixture(scope="session")
def synth_3000() -> pd.DataFrame:
    """A 3,000-record registry with 20 % duplicates and ground truth."""
    return synth_registry(3000, SynthConfig(seed=11, dup_rate=0.2))


@pytest.fixture(scope="session")
def split_2000() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two 2,000-record registries sharing 30 % of people."""
    return synth_split(2000, 0.3, SynthConfig(seed=12))


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "KEY"
    path.write_text("c2hhcmVkLXNlY3JldC1vZi10d28tc3RhdGVzLTIwMjY=\n")
    return path


def as_registry(frame: pd.DataFrame) -> Registry:
    """A Registry from a synthetic frame (ground truth dropped)."""
    return Registry(frame.drop(columns=["person_id"]).reset_index(drop=True))


def record(**values: str) -> dict[str, str]:
    """A registry row with every contract column, defaults empty."""
    row = {c: "" for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    row.update(values)
    return row


def run_link(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """Run ``ruta link ARGS`` in this process, as the console script does; its exit code."""
    monkeypatch.setattr(sys, "argv", ["ruta", "link", *args])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
