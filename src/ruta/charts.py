"""The house style of every chart Ruta draws for a report or an export.

Charts must read in black-and-white print and for colour-blind readers, so the palette is
Okabe–Ito (distinguishable under the common colour-vision deficiencies) and every series
also carries a hatch pattern and a text label: colour is never the only cue. Each chart
travels with its data table (:class:`Chart`), so a report can print the numbers beside
the picture and an export can ship them as CSV.

Figures are built on :class:`matplotlib.figure.Figure` directly, never through
``pyplot``: no global figure registry, no GUI backend, safe in a server thread. Fonts are
matplotlib's bundled DejaVu Sans, which covers every language Ruta serves.

Examples:
    >>> chart = bar_chart(
    ...     title="Gap by sex", labels=["Women", "Men"], values=[0.12, 0.08],
    ...     errors=[0.02, 0.01], value_label="Log points",
    ... )
    >>> chart.table.rows[0]
    ('Women', '0.120', '0.020')
    >>> render(chart, "svg")[:5]
    b'<?xml'
    >>> render(chart, "png")[:4]
    b'\\x89PNG'
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# matplotlib is imported by the functions that draw: it takes most of a second to load,
# and the web service imports this module at start-up for pages that may never draw.

__all__ = [
    "FORMATS",
    "HATCHES",
    "OKABE_ITO",
    "Chart",
    "ChartFormat",
    "DataTable",
    "bar_chart",
    "new_figure",
    "render",
    "series_chart",
    "series_style",
]

#: Okabe & Ito (2008), "Color Universal Design": the order keeps neighbours far apart.
OKABE_ITO: Final[tuple[str, ...]] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
#: One pattern per series, so that a grey-scale print still tells the series apart.
HATCHES: Final[tuple[str, ...]] = ("", "///", "...", "xx", "\\\\\\", "++", "oo", "--")

ChartFormat = Literal["svg", "png", "pdf"]
FORMATS: Final[tuple[ChartFormat, ...]] = ("svg", "png", "pdf")

# Local to each render (rc_context), never set globally: other code may use matplotlib too.
_STYLE: Final[Any] = {  # a dict of rcParams (their typed keys are a long Literal)
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "x",
    "grid.color": "#BBBBBB",
    "grid.linewidth": 0.6,
    "hatch.color": "#333333",
    "hatch.linewidth": 0.8,
    "svg.fonttype": "none",  # text stays text in SVG: selectable, searchable, read aloud
    "svg.hashsalt": "ruta",  # stable ids, so the same data gives the same file
    "pdf.fonttype": 42,  # TrueType in PDF: text stays text
}


@dataclass(frozen=True)
class DataTable:
    """The numbers a chart shows, as text ready to print or write as CSV."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass
class Chart:
    """A drawn figure with its accessible title and the table of what it shows."""

    title: str
    figure: Figure
    table: DataTable
    description: str = ""


def series_style(index: int) -> dict[str, Any]:
    """Face colour, hatch and edge of series ``index`` (cycling through the palette).

    Examples:
        >>> series_style(1)["facecolor"], series_style(1)["hatch"]
        ('#E69F00', '///')
    """
    return {
        "facecolor": OKABE_ITO[index % len(OKABE_ITO)],
        "hatch": HATCHES[index % len(HATCHES)],
        "edgecolor": "#222222",
    }


def new_figure(width: float = 6.4, height: float = 3.2) -> tuple[Figure, Axes]:
    """A figure (inches) with one axes in the house style."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = figure.add_subplot()
    return figure, axes


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    errors: Sequence[float] | None = None,
    value_label: str,
    series: Sequence[int] | None = None,
    legend: Sequence[str] | None = None,
    digits: int = 3,
    columns: tuple[str, str, str] | None = None,
    number_format: Callable[[float], str] | None = None,
) -> Chart:
    """Horizontal bars with labelled values and optional ±1.96·SE whiskers.

    Args:
        title: The chart title (already translated); long titles wrap.
        labels: One label per bar, drawn top to bottom; long labels wrap.
        values: The bar lengths (negative bars extend left of zero).
        errors: Standard errors; whiskers span a 95 % normal interval.
        value_label: The axis label (unit), already translated.
        series: The series index of each bar (colour and hatch); all 0 when omitted.
        legend: Names of the series, when there is more than one.
        digits: Decimals printed on the bars and in the table (default format).
        columns: Table headings (label, value, standard error); English when omitted.
        number_format: Writes a number for the bar labels, the axis and the table (e.g.
            locale-aware percentages); ``digits`` decimals when omitted.

    Returns:
        The chart and its data table (label, value, standard error).
    """
    import matplotlib
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    show = number_format or (lambda v: f"{v:.{digits}f}")
    kinds = list(series) if series is not None else [0] * len(values)
    errs = [0.0 if e != e else e for e in errors] if errors is not None else None
    with matplotlib.rc_context(_STYLE):
        wrapped = ["\n".join(textwrap.wrap(label, 30)) or label for label in labels]
        lines = sum(max(1, w.count("\n") + 1) for w in wrapped)
        figure, axes = new_figure(7.0, max(1.8, 0.3 * lines + 0.25 * len(values) + 1.3))
        positions = list(range(len(values)))[::-1]
        for position, value, kind in zip(positions, values, kinds, strict=True):
            axes.barh(position, value, height=0.62, linewidth=0.8, **series_style(kind))
        reach = list(values)
        if errs is not None:
            axes.errorbar(
                list(values),
                positions,
                xerr=[1.96 * e for e in errs],
                fmt="none",
                ecolor="#000000",
                elinewidth=1.0,
                capsize=3,
            )
            reach = [
                v + (1.96 * e if v >= 0 else -1.96 * e) for v, e in zip(values, errs, strict=True)
            ]
        axes.axvline(0.0, color="#000000", linewidth=0.9)
        axes.set_yticks(positions, wrapped)
        axes.set_xlabel(value_label)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: show(v)))
        figure.suptitle(
            "\n".join(textwrap.wrap(title, 70)), x=0.01, ha="left", fontsize=11, fontweight="bold"
        )
        # Value labels sit past the whisker's end, so that no line crosses the text.
        for position, value, end in zip(positions, values, reach, strict=True):
            axes.annotate(
                show(value),
                (end, position),
                xytext=(5 if value >= 0 else -5, 0),
                textcoords="offset points",
                va="center",
                ha="left" if value >= 0 else "right",
                fontsize=9,
            )
        axes.margins(x=0.22)
        if legend is not None and len(legend) > 1:
            handles = [Patch(label=name, **series_style(i)) for i, name in enumerate(legend)]
            figure.legend(
                handles=handles,
                loc="outside lower center",
                ncols=len(legend),
                frameon=False,
                fontsize=9,
            )
    shown_errors = list(errors) if errors is not None else [float("nan")] * len(values)
    rows = tuple(
        (label, show(value), "" if e != e else show(e))
        for label, value, e in zip(labels, values, shown_errors, strict=True)
    )
    return Chart(title, figure, DataTable(columns or ("", value_label, "SE"), rows))


#: Dash patterns of line series, so that lines differ without colour.
_LINE_DASHES: Final[tuple[str, ...]] = ("-", "--", ":", "-.")
_MARKERS: Final[tuple[str, ...]] = ("o", "s", "D", "^")


def series_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    kind: Literal["bar", "line"],
    value_label: str,
    band: tuple[str, Sequence[float | None], Sequence[float | None]] | None = None,
    category_label: str = "",
    withheld: str = "confidential",
    withheld_note: str = "",
) -> Chart:
    """Vertical grouped bars or lines over categories, with an optional band (PNG/SVG).

    A value ``None`` is withheld: no bar and no point (never a zero), the table says
    ``withheld`` and the chart carries ``withheld_note`` (default: ``withheld``). Long
    category labels wrap on three lines, and only every k-th is drawn when they would
    overlap.

    Examples:
        >>> chart = series_chart(title="Backlog", categories=["Q1", "Q2", "Q3"],
        ...     series=[("COL", [10, None, 14])], kind="line", value_label="Cases")
        >>> chart.table.rows[1]
        ('Q2', 'confidential')
        >>> render(chart, "png")[:4]
        b'\\x89PNG'
    """
    import matplotlib

    with matplotlib.rc_context({**_STYLE, "axes.grid.axis": "y"}):
        figure, axes = new_figure(7.5, 3.8)
        positions = list(range(len(categories)))
        if band is not None:
            low = [float("nan") if v is None else v for v in band[1]]
            high = [float("nan") if v is None else v for v in band[2]]
            axes.fill_between(
                positions,
                low,
                high,
                facecolor="#D9E8F5",
                edgecolor="#5B8DB8",
                hatch="///",
                linewidth=0.6,
                label=band[0],
            )
        width = 0.8 / max(len(series), 1)
        for index, (name, values) in enumerate(series):
            numbers = [float("nan") if v is None else float(v) for v in values]
            if kind == "bar":
                offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
                shown = [(x, v) for x, v in zip(offsets, numbers, strict=True) if v == v]
                axes.bar(
                    [x for x, _ in shown],
                    [v for _, v in shown],
                    width=width * 0.95,
                    linewidth=0.6,
                    label=name,
                    **series_style(index),
                )
            else:
                colour = OKABE_ITO[index % len(OKABE_ITO)]
                axes.plot(
                    positions,
                    numbers,
                    color=colour,
                    linewidth=2,
                    linestyle=_LINE_DASHES[index % len(_LINE_DASHES)],
                    marker=_MARKERS[index % len(_MARKERS)] if len(numbers) <= 40 else None,
                    markersize=4,
                    label=name,
                )
        # Labels never overlap: long ones wrap on up to three lines of 16 characters
        # (shortened with an ellipsis), and only every k-th is drawn when even those do not
        # fit (about 86 characters across the axes at this size).
        shown_labels = [_wrap_label(c) for c in categories]
        widest = max((max(len(x) for x in c.split("\n")) for c in shown_labels), default=1)
        step = max(1, -(-len(categories) * (widest + 2) // 86))
        ticks = positions[::step]
        axes.set_xticks(ticks, [shown_labels[i] for i in ticks])
        if any(v is None for _, values in series for v in values):
            axes.annotate(
                withheld_note or withheld,
                (0.99, 0.98),
                xycoords="axes fraction",
                ha="right",
                va="top",
                fontsize=8,
                style="italic",
            )
        axes.set_ylabel(value_label)
        axes.set_ylim(bottom=0)
        if category_label:
            axes.set_xlabel(category_label)
        figure.suptitle(
            "\n".join(textwrap.wrap(title, 80)), x=0.01, ha="left", fontsize=11, fontweight="bold"
        )
        if len(series) > 1 or band is not None:
            axes.legend(frameon=False, fontsize=9, loc="upper left")
    columns = [category_label, *(name for name, _ in series)]
    cells: list[Sequence[float | None]] = [values for _, values in series]
    if band is not None:
        columns += [f"{band[0]} (-)", f"{band[0]} (+)"]
        cells += [band[1], band[2]]

    def show(value: float | None) -> str:
        if value is None:
            return withheld
        return f"{value:g}"

    rows = tuple(
        (category, *(show(col[i]) for col in cells)) for i, category in enumerate(categories)
    )
    return Chart(title, figure, DataTable(tuple(columns), rows))


def _wrap_label(label: str) -> str:
    """A category label on at most three lines of 16 characters.

    Examples:
        >>> _wrap_label("Residencia temporaria MERCOSUR en Argentina y Bolivia").splitlines()
        ['Residencia', 'temporaria', 'MERCOSUR en…']
    """
    lines = textwrap.wrap(label, 16) or [label]
    if len(lines) > 3:
        lines = [*lines[:2], lines[2][:15] + "…"]
    return "\n".join(lines)


def render(chart: Chart | Figure, fmt: ChartFormat) -> bytes:
    """The chart as SVG, PNG (200 dpi, for print) or PDF bytes."""
    import matplotlib

    figure = chart.figure if isinstance(chart, Chart) else chart
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt in ("svg", "pdf") else {}
    with matplotlib.rc_context(_STYLE):
        figure.savefig(buffer, format=fmt, dpi=200, metadata=metadata)
    return buffer.getvalue()
