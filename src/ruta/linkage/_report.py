"""The reports of ``ruta link dedupe --report`` and ``ruta link match --report``, offline.

One HTML file: the run's figures, the fields and rules the model used and dropped, the
score distribution (an SVG in the house chart style: Okabe-Ito colours, a hatch for the
pairs at or above the threshold, labels; with its data table), and Splink's own charts of
the model's parameters and match weights, each in a frame that carries its JavaScript
libraries inline (no network), followed by the table of the same parameters. Texts come
from the ``linkage`` catalog in the report's language, and numbers are written as that
language writes them (Babel: 12,345 and 0.93 in English, 12.345 and 0,93 in Spanish,
12 345 and 0,93 in French); the CSV files of a run keep plain numbers.
"""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruta.i18n import format_number, translator
from ruta.linkage._atomic import atomic_path
from ruta.linkage._histogram import ScoreHistogram, weight_to_probability
from ruta.linkage._text import say_in

if TYPE_CHECKING:
    from ruta.linkage._dedupe import DedupeResult
    from ruta.linkage._match import MatchResult

__all__ = ["histogram_chart", "write_dedupe_report", "write_match_report"]

# How each kind of figure is written: Babel patterns, with the language's separators.
_COUNT = "#,##0"  # records, pairs
_DICE = "0.00"  # a Dice score bin's edge
_WEIGHT = "#,##0.###"  # a match weight bin's edge, an axis tick
_PROBABILITY = "0.0000"  # the probability a match weight stands for
_SIGNED = "+#,##0.00;-#,##0.00"  # a comparison level's match weight
_SIGNIFICANT = "@###"  # up to four significant digits: m, u, a threshold
_GIVEN = "#,##0.######"  # a threshold as it was given


def histogram_chart(hist: ScoreHistogram, lang: str) -> tuple[str, list[tuple[str, ...]]]:
    """The score distribution as SVG text, and its data table rows."""
    from matplotlib.ticker import FuncFormatter

    from ruta.charts import new_figure, render, series_style

    _ = translator(lang, "linkage").gettext
    # A privacy-preserving match scores Dice coefficients (0-1), not match weights: no
    # probability column, and the threshold is shown as it was given.
    dice = hist.scale == "Dice"
    figure, axes = new_figure(6.4, 3.8)
    edge = _DICE if dice else _WEIGHT
    rows: list[tuple[str, ...]] = []
    above_drawn = below_drawn = False
    for low, high, count, _marked in sorted(hist.rows()):
        above = low >= hist.threshold or (low <= hist.threshold < high)
        style = series_style(1 if above else 0)
        label = None
        if above and not above_drawn:
            label, above_drawn = _("at or above the threshold"), True
        elif not above and not below_drawn:
            label, below_drawn = _("below the threshold"), True
        axes.bar(
            low,
            max(count, 0.5) if count else 0,
            width=high - low,
            align="edge",
            linewidth=0.8,
            label=label,
            **style,
        )
        rows.append(
            (
                f"{format_number(low, lang, edge)} .. {format_number(high, lang, edge)}",
                ""
                if dice
                else f"{format_number(weight_to_probability(low), lang, _PROBABILITY)} .. "
                f"{format_number(weight_to_probability(high), lang, _PROBABILITY)}",
                format_number(count, lang, _COUNT),
                _("yes") if above else _("no"),
            )
        )
    axes.set_yscale("log")
    axes.axvline(hist.threshold, color="#000000", linestyle="--", linewidth=1.2)
    axes.annotate(
        _("threshold %(p)s")
        % {
            "p": format_number(
                hist.threshold if dice else weight_to_probability(hist.threshold),
                lang,
                _SIGNIFICANT,
            )
        },
        (hist.threshold, 0),
        xycoords=("data", "axes fraction"),
        xytext=(4, 6),
        textcoords="offset points",
        fontsize=9,
    )
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang, _WEIGHT)))
    axes.set_xlabel(_("Dice score") if dice else _("match weight (log2 odds)"))
    axes.set_ylabel(_("pairs (log scale)"))
    title = _("Scores of the one-to-one pairs") if dice else _("Scores of the candidate pairs")
    axes.set_title(title, loc="left")
    axes.grid(axis="y")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False, fontsize=9)
    svg = render(figure, "svg").decode("utf-8")
    return svg[svg.index("<svg") :], rows[::-1]


def _parameters(model: dict[str, Any], lang: str) -> list[tuple[str, ...]]:
    _ = translator(lang, "linkage").gettext
    rows: list[tuple[str, ...]] = []
    for comparison in model.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else float("nan")
            rows.append(
                (
                    comparison["output_column_name"],
                    level.get("label_for_charts", level["sql_condition"]),
                    "" if m is None else format_number(m, lang, _SIGNIFICANT),
                    "" if u is None else format_number(u, lang, _SIGNIFICANT),
                    "" if weight != weight else format_number(weight, lang, _SIGNED),
                )
            )
    if not rows:
        rows.append((_("no parameters"), "", "", "", ""))
    return rows


def _splink_chart(chart: Any) -> str:
    document = chart.to_html(inline=True)
    return f'<iframe class="chart" srcdoc="{html.escape(document, quote=True)}"></iframe>'


def _environment(lang: str) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ruta.linkage", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    translations = translator(lang, "linkage")
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]

    def number(value: float) -> str:
        # A count as the report's language groups it.
        return format_number(value, lang, _COUNT)

    def said(text: str) -> str:
        # The engine's reasons and notes, in the report's language (ruta.linkage._text).
        return say_in(text, translations.gettext, number, lang)

    env.filters["number"] = number
    env.filters["said"] = said
    return env


def _write_page(env: Any, template: str, path: str | Path, lang: str, **values: Any) -> Path:
    # Both reports: the page in ``lang``, stamped with the time it was made, and replaced
    # atomically, so that a failed run never leaves half a report.
    page = env.get_template(template).render(
        lang=lang, generated=datetime.now(UTC).isoformat(timespec="seconds"), **values
    )
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target


def write_dedupe_report(
    result: DedupeResult, path: str | Path, *, lang: str = "en", source: str = ""
) -> Path:
    """Write the HTML report of a deduplication run (atomically).

    Args:
        result: The run (with its linker kept, for Splink's charts).
        path: The HTML file to write.
        lang: The report's language (a supported language or BCP 47 tag).
        source: The registry's file name, shown in the title.
    """
    assert result.histogram is not None and result.plan is not None
    translations = translator(lang, "linkage")
    svg, hist_rows = histogram_chart(result.histogram, lang)
    charts: list[tuple[str, str]] = []
    if result.linker is not None:
        _ = translations.gettext
        visual = result.linker.visualisations
        charts = [
            (
                _("Match weights of each comparison level"),
                _splink_chart(visual.match_weights_chart()),
            ),
            (_("m and u probabilities"), _splink_chart(visual.m_u_parameters_chart())),
        ]
    clusters = result.clusters
    return _write_page(
        _environment(lang),
        "report.html",
        path,
        lang,
        source=source,
        records=len(clusters),
        people=int(clusters["cluster_id"].nunique()),
        duplicates=int((clusters["cluster_size"] > 1).sum()),
        threshold=format_number(result.threshold, lang, _GIVEN),
        links=int((result.pairs["match_probability"] >= result.threshold).sum()),
        plan=result.plan,
        notes=result.notes,
        histogram_svg=svg,
        histogram_rows=hist_rows,
        scored=result.histogram.total,
        below=result.histogram.below,
        charts=charts,
        parameters=_parameters(result.model, lang),
    )


def write_match_report(
    result: MatchResult,
    path: str | Path,
    *,
    lang: str = "en",
    sources: tuple[str, str] = ("", ""),
    records: tuple[int, int] = (0, 0),
    threshold_note: str = "",
) -> Path:
    """Write the HTML report of a privacy-preserving match (atomically).

    Args:
        result: The match.
        path: The HTML file to write.
        lang: The report's language (a supported language or BCP 47 tag).
        sources: The two encoded files' names.
        records: The two files' record counts.
        threshold_note: How the threshold was chosen, with its estimated precision and
            recall, as the terminal summary says it (already in ``lang``).
    """
    svg, hist_rows = histogram_chart(result.histogram, lang)
    return _write_page(
        _environment(lang),
        "match_report.html",
        path,
        lang,
        sources=sources,
        records=records,
        threshold=format_number(result.threshold, lang, _SIGNIFICANT),
        matched=len(result.pairs),
        threshold_note=threshold_note,
        histogram_svg=svg,
        histogram_rows=hist_rows,
        scored=result.histogram.total,
        below=result.histogram.below,
    )
