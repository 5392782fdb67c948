"""What ``ruta link`` prints on stderr: read problems, the model used, score distributions.

Rendering only: every number comes from the domain objects (Registry, ModelPlan,
ScoreHistogram). Every text is in the ``linkage`` catalog, spoken in the command's
``--lang``; numbers are grouped as that language writes them. Imported by the commands after
the linkage stack, never at ``ruta`` start.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from ruta.i18n import format_number, translator

if TYPE_CHECKING:
    from gettext import NullTranslations

    from ruta.linkage import ModelPlan, Registry, ScoreHistogram

__all__ = ["given", "number", "said", "show_histogram", "show_plan", "show_read", "texts"]

_SHOWN = 20
_BAR = 32


def texts(lang: str) -> NullTranslations:
    """The ``linkage`` catalog in ``lang`` (compiled once per process)."""
    return _texts(lang)


@cache
def _texts(lang: str) -> NullTranslations:
    return translator(lang, "linkage")


def number(value: float, lang: str, digits: int = 0) -> str:
    """A count or a figure written as ``lang`` writes it (1,000 in English, 1.000 in Spanish)."""
    return format_number(value, lang, "#,##0" + ("." + "0" * digits if digits else ""))


def given(value: float, lang: str) -> str:
    """A figure someone gave (a threshold), with the decimals it has, as ``lang`` writes it.

    Examples:
        >>> given(0.95, "es"), given(0.9, "fr"), given(12.5, "en")
        ('0,95', '0,9', '12.5')
    """
    return format_number(value, lang, "#,##0.######")


def said(text: str, lang: str) -> str:
    """An engine's text (a reason, a note, a progress line) in ``lang`` when it has one."""
    from ruta.linkage import say_in

    return say_in(text, texts(lang).gettext, lambda value: number(value, lang), lang)


def show_read(err: Console, reg: Registry, label: str, lang: str) -> None:
    """Bad rows skipped, values blanked (counted, first ones by line), reading notes."""
    t = texts(lang)
    for bad in reg.skipped[:_SHOWN]:
        err.print(
            t.gettext("[yellow]skipped[/] line %(line)s: %(field)s %(message)s")
            % {"line": bad.line, "field": bad.field, "message": escape(said(bad.message, lang))}
        )
    if reg.skipped:
        n = len(reg.skipped)
        err.print(
            t.ngettext("skipped %(n)s bad row of %(file)s", "skipped %(n)s bad rows of %(file)s", n)
            % {"n": number(n, lang), "file": escape(label)}
        )
    for warning in reg.warnings[:_SHOWN]:
        err.print(
            t.gettext("[yellow]blanked[/] line %(line)s: %(field)s %(message)s")
            % {
                "line": warning.line,
                "field": warning.field,
                "message": escape(said(warning.message, lang)),
            }
        )
    if reg.warnings:
        n = len(reg.warnings)
        lines = ", ".join(str(w.line) for w in reg.warnings[:_SHOWN])
        if n > _SHOWN:
            lines = t.gettext("%(lines)s and %(more)s more") % {
                "lines": lines,
                "more": number(n - _SHOWN, lang),
            }
        err.print(
            t.ngettext(
                "blanked %(n)s impossible date of birth in %(file)s (line %(lines)s); that "
                "record is kept without a date",
                "blanked %(n)s impossible dates of birth in %(file)s (lines %(lines)s); those "
                "records are kept without a date",
                n,
            )
            % {"n": number(n, lang), "file": escape(label), "lines": lines}
        )
    for note in reg.notes:
        err.print(t.gettext("[cyan]note[/] %(note)s") % {"note": escape(said(note, lang))})


def show_plan(err: Console, plan: ModelPlan, notes: list[str], lang: str) -> None:
    """Comparisons and blocking rules used, those dropped and why, how the model was trained."""
    t = texts(lang)
    err.print(t.gettext("comparisons used: %(names)s") % {"names": ", ".join(plan.comparisons)})
    if plan.dropped_comparisons:
        dropped = "; ".join(f"{name} ({said(why, lang)})" for name, why in plan.dropped_comparisons)
        err.print(t.gettext("comparisons dropped: %(names)s") % {"names": escape(dropped)})
    err.print(
        t.gettext("blocking rules used (%(n)s): %(rules)s")
        % {"n": len(plan.rules), "rules": escape("; ".join(plan.rules))}
    )
    for label, why in plan.dropped_rules:
        err.print(
            t.gettext("  blocking rule %(rule)s: %(why)s")
            % {"rule": escape(label), "why": escape(said(why, lang))}
        )
    for note in notes:
        err.print(t.gettext("[cyan]model[/] %(note)s") % {"note": escape(said(note, lang))})


def _bar(count: int, largest: int) -> str:
    if count <= 0:
        return ""
    # Logarithmic: the mass of different people would otherwise flatten every other bin.
    length = 1 + round((_BAR - 1) * math.log10(count) / max(math.log10(max(largest, 2)), 1e-9))
    return "█" * length


def _probability(weight: float, lang: str) -> str:
    p = 1.0 / (1.0 + math.pow(2.0, -weight))
    if 0.0001 < p < 0.9999:
        return number(p, lang, 4)
    return "≈1" if p >= 0.9999 else "≈0"


def show_histogram(err: Console, hist: ScoreHistogram, threshold_text: str, lang: str) -> None:
    """A terminal histogram (log-scaled bars, counts printed), the threshold's bin marked.

    ``threshold_text`` is already in ``lang`` (it marks the threshold's bin).
    """
    t = texts(lang)
    largest = max([*hist.counts, 1])
    if hist.scale == "match weight":
        err.print(
            t.gettext(
                "score distribution of %(n)s scored pairs (match weight = log2 odds; match "
                "probability of the bin's lower edge in brackets; bars on a log scale):"
            )
            % {"n": number(hist.total, lang)},
            highlight=False,
        )
    else:
        err.print(
            t.gettext(
                "score distribution of the %(n)s one-to-one pairs (Dice score; bars on a log "
                "scale):"
            )
            % {"n": number(hist.total, lang)},
            highlight=False,
        )
    for low, high, count, marked in hist.rows():
        if hist.scale == "match weight":
            label = f"{low:6.0f} .. {high:<4.0f} ({_probability(low, lang):>6})"
        else:
            label = f"{number(low, lang, 2):>5} .. {number(high, lang, 2):<5}"
        mark = f"  <- {threshold_text}" if marked else ""
        err.print(
            f"  {label} {_bar(count, largest):<{_BAR}} {number(count, lang):>10}{mark}",
            highlight=False,
            markup=False,
        )
    if hist.below:
        err.print(
            "  "
            + t.gettext("(and %(n)s pairs below %(edge)s, not shown)")
            % {"n": number(hist.below, lang), "edge": f"{hist.edges[0]:g}"},
            highlight=False,
            markup=False,
        )
