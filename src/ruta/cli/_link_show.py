"""What ``ruta link`` prints on stderr: read problems, the model used, score distributions.

Rendering only: every number comes from the domain objects (Registry, ModelPlan,
ScoreHistogram). Imported by the commands after the linkage stack, never at ``ruta`` start.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from ruta.linkage import ModelPlan, Registry, ScoreHistogram

__all__ = ["show_histogram", "show_plan", "show_read"]

_SHOWN = 20
_BAR = 32


def show_read(err: Console, reg: Registry, label: str) -> None:
    """Bad rows skipped, values blanked (counted, first ones by line), reading notes."""
    for bad in reg.skipped[:_SHOWN]:
        err.print(f"[yellow]skipped[/] line {bad.line}: {bad.field} {escape(bad.message)}")
    if reg.skipped:
        err.print(f"skipped {len(reg.skipped):,} bad rows of {escape(label)}")
    for warning in reg.warnings[:_SHOWN]:
        err.print(
            f"[yellow]blanked[/] line {warning.line}: {warning.field} {escape(warning.message)}"
        )
    if reg.warnings:
        lines = ", ".join(str(w.line) for w in reg.warnings[:_SHOWN])
        more = f" and {len(reg.warnings) - _SHOWN:,} more" if len(reg.warnings) > _SHOWN else ""
        err.print(
            f"blanked {len(reg.warnings):,} impossible dates of birth in {escape(label)} "
            f"(lines {lines}{more}); those records are kept without a date"
        )
    for note in reg.notes:
        err.print(f"[cyan]note[/] {escape(note)}")


def show_plan(err: Console, plan: ModelPlan, notes: list[str]) -> None:
    """Comparisons and blocking rules used, those dropped and why, how the model was trained."""
    err.print(f"comparisons used: {', '.join(plan.comparisons)}")
    if plan.dropped_comparisons:
        dropped = "; ".join(f"{name} ({why})" for name, why in plan.dropped_comparisons)
        err.print(f"comparisons dropped: {escape(dropped)}")
    err.print(f"blocking rules used ({len(plan.rules)}): {escape('; '.join(plan.rules))}")
    for label, why in plan.dropped_rules:
        err.print(f"  blocking rule {escape(label)}: {escape(why)}")
    for note in notes:
        err.print(f"[cyan]model[/] {escape(note)}")


def _bar(count: int, largest: int) -> str:
    if count <= 0:
        return ""
    # Logarithmic: the mass of different people would otherwise flatten every other bin.
    length = 1 + round((_BAR - 1) * math.log10(count) / max(math.log10(max(largest, 2)), 1e-9))
    return "█" * length


def _probability(weight: float) -> str:
    p = 1.0 / (1.0 + math.pow(2.0, -weight))
    return f"{p:.4f}" if 0.0001 < p < 0.9999 else ("≈1" if p >= 0.9999 else "≈0")


def show_histogram(err: Console, hist: ScoreHistogram, threshold_text: str) -> None:
    """A terminal histogram (log-scaled bars, counts printed), the threshold's bin marked."""
    largest = max([*hist.counts, 1])
    if hist.scale == "match weight":
        err.print(
            f"score distribution of {hist.total:,} scored pairs (match weight = log2 odds; "
            "match probability of the bin's lower edge in brackets; bars on a log scale):",
            highlight=False,
        )
    else:
        err.print(
            f"score distribution of the {hist.total:,} one-to-one pairs (Dice score; bars on "
            "a log scale):",
            highlight=False,
        )
    for low, high, count, marked in hist.rows():
        if hist.scale == "match weight":
            label = f"{low:6.0f} .. {high:<4.0f} ({_probability(low):>6})"
        else:
            label = f"{low:5.2f} .. {high:<5.2f}"
        mark = f"  <- {threshold_text}" if marked else ""
        err.print(
            f"  {label} {_bar(count, largest):<{_BAR}} {count:>10,}{mark}",
            highlight=False,
            markup=False,
        )
    if hist.below:
        err.print(
            f"  (and {hist.below:,} pairs below {hist.edges[0]:g}, not shown)",
            highlight=False,
            markup=False,
        )
