"""Charts drawn on the server as inline SVG, so the dashboards need no JavaScript.

The SVG is decoration for sighted users: it carries ``role="img"`` with a title, and the
page shows the same numbers in a table, which is what screen readers and printouts use.
Series differ by pattern (bars) or by dash and marker (lines) as well as by colour
(Okabe-Ito, as in :mod:`ruta.charts`), so a grey print or a colour-blind reader still tells
them apart. A withheld value (``None``: confidential) draws no bar and no point, never a
zero; the table says "confidential".

Axis labels never overlap: when the categories are too many for their labels, every
k-th is shown (the first and the last always), and a label longer than its room is
shortened with an ellipsis (the table has it whole). Legend entries are laid out by their
text's width and wrap to a second line.

Examples:
    >>> svg = bar_chart(["W1", "W2"], [("Submitted", [3, 5]), ("Decided", [1, None])],
    ...                 title="Throughput")
    >>> svg.startswith('<svg') and svg.count('class="bar"') == 3
    True
    >>> ">5<" in svg
    True
    >>> labels = [f"2026-{m:02d}-01" for m in range(1, 13)] * 4
    >>> svg = bar_chart(labels, [("Decisions", list(range(48)))], title="Weeks")
    >>> 1 < svg.count('class="x-label"') < 48
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from ruta.charts import OKABE_ITO

__all__ = ["SERIES_COLOURS", "Band", "bar_chart", "line_chart", "visible_labels"]

# Okabe-Ito, in an order whose first four keep 3:1 contrast against white (WCAG 1.4.11):
# blue, vermillion, bluish green, reddish purple.
SERIES_COLOURS = (OKABE_ITO[0], OKABE_ITO[5], OKABE_ITO[2], OKABE_ITO[3], OKABE_ITO[7])
#: Dash patterns of line series (solid first).
_DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")
_WIDTH, _HEIGHT = 680, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 12, 12, 44
_CHAR_W = 6.6  # average width of a 12px sans-serif character
_LEGEND_ROW = 20

Value = float | int | None
#: A shaded band under the lines: its name, its lower and its upper values.
Band = tuple[str, Sequence[Value], Sequence[Value]]

# Presentation attributes, not a <style> element: the pages' Content-Security-Policy
# refuses inline styles (ruta.web.headers), and attributes also hold in a saved SVG file.
_FONT = 'font-family="Arial,Helvetica,sans-serif" font-size="12"'


def _nice_max(value: float) -> float:
    """The axis top: the value rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def visible_labels(labels: Sequence[str], slot: float) -> list[tuple[int, str]]:
    """Which category labels to draw, and how, so that none overlaps the next.

    Args:
        labels: Every category's label.
        slot: The width (px) of one category.

    Returns:
        ``(index, text)`` of the labels to draw, texts shortened to their room.

    Examples:
        >>> visible_labels(["Jan", "Feb", "Mar"], 100)
        [(0, 'Jan'), (1, 'Feb'), (2, 'Mar')]
        >>> [i for i, _ in visible_labels([f"2026-W{w:02d}" for w in range(1, 27)], 23)]
        [0, 3, 6, 9, 12, 15, 18, 21, 25]
        >>> visible_labels(["A very long pathway name indeed"], 80)
        [(0, 'A very lo…')]
    """
    if not labels:
        return []
    widest = max(len(label) for label in labels) * _CHAR_W + 8
    step = max(1, math.ceil(widest / max(slot, 1)))
    room = max(3, int((slot * min(step, len(labels)) - 8) / _CHAR_W))
    chosen = list(range(0, len(labels), step))
    last = len(labels) - 1
    if chosen[-1] != last:
        # The last label matters (the latest week); it replaces the one too close to it.
        if last - chosen[-1] < step:
            chosen[-1] = last
        else:
            chosen.append(last)

    def fit(text: str) -> str:
        return text if len(text) <= room else text[: room - 1].rstrip() + "…"

    return [(i, fit(labels[i])) for i in chosen]


def _legend(names: Sequence[str], swatch: str, chart_id: str) -> tuple[list[str], float]:
    """Legend entries laid out by width, wrapping; returns the parts and its height."""
    parts, x, y = [], float(_LEFT), 4.0
    for index, name in enumerate(names):
        width = 22 + len(name) * _CHAR_W + 18
        if x + width > _WIDTH - _RIGHT and x > _LEFT:
            x, y = float(_LEFT), y + _LEGEND_ROW
        parts.append(
            swatch.format(x=x, y=y, i=index, id=chart_id)
            + (f'<text x="{x + 22:.1f}" y="{y + 12:.1f}">{escape(name)}</text>')
        )
        x += width
    return parts, y + _LEGEND_ROW + 4


def _patterns(chart_id: str, count: int) -> str:
    """One fill per series: plain, then hatches, so that print tells bars apart."""
    defs = []
    paths = ("", "M0,8 L8,0", "M0,0 L8,8", "M4,0 L4,8", "M0,4 L8,4")
    for index in range(count):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        path = paths[index % len(paths)]
        lines = f'<path d="{path}" stroke="#ffffff" stroke-width="2"/>' if path else ""
        defs.append(
            f'<pattern id="{chart_id}-fill-{index}" width="8" height="8" '
            f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{colour}"/>'
            f"{lines}</pattern>"
        )
    return "<defs>" + "".join(defs) + "</defs>"


def _frame(
    chart_id: str, title: str, top: float, plot_top: float, value_label: str
) -> tuple[list[str], float, float]:
    """The SVG opening, title, grid and y axis; returns the parts, base y and plot height."""
    base_y = _HEIGHT - _BOTTOM
    plot_h = base_y - plot_top
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{escape(chart_id)}-title" '
        f'viewBox="0 0 {_WIDTH} {_HEIGHT}" width="{_WIDTH}" height="{_HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" {_FONT}>',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for tick in (0, top / 2, top):
        y = base_y - plot_h * tick / top
        parts.append(
            f'<line class="grid" stroke="#b1b4b6" x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/><text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_number(tick)}</text>"
        )
    if value_label:
        parts.append(
            f'<text x="12" y="{plot_top + plot_h / 2:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 12 {plot_top + plot_h / 2:.1f})">{escape(value_label)}</text>'
        )
    return parts, base_y, plot_h


def _x_labels(categories: Sequence[str], slot: float, base_y: float) -> list[str]:
    return [
        f'<text class="x-label" x="{_LEFT + i * slot + slot / 2:.1f}" y="{base_y + 18}" '
        f'text-anchor="middle">{escape(text)}</text>'
        for i, text in visible_labels(categories, slot)
    ]


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    *,
    title: str,
    chart_id: str = "chart",
    value_label: str = "",
) -> Markup:
    """A grouped vertical bar chart.

    Args:
        categories: Labels along the x axis (e.g. weeks).
        series: ``(name, values)`` with one value per category (None: withheld).
        title: Accessible name of the chart.
        chart_id: Unique id within the page (names the SVG title and patterns).
        value_label: What the y axis counts (e.g. "Cases").

    Returns:
        Safe SVG markup to place inline in a page (it also stands alone as a file).
    """
    shown = [v for _, values in series for v in values if v is not None]
    top = _nice_max(max(shown, default=0))
    swatch = (
        '<rect x="{x:.1f}" y="{y:.1f}" width="16" height="16" fill="url(#{id}-fill-{i})" '
        'stroke="#0b0c0c"/>'
    )
    legend, legend_h = _legend([name for name, _ in series], swatch, escape(chart_id))
    parts, base_y, plot_h = _frame(chart_id, title, top, _TOP + legend_h, value_label)
    parts.insert(3, _patterns(escape(chart_id), len(series)))
    parts += legend
    slot = (_WIDTH - _LEFT - _RIGHT) / max(len(categories), 1)
    bar_w = slot * 0.8 / max(len(series), 1)
    label_values = slot >= 28 and len(series) * len(categories) <= 40
    for index, (_name, values) in enumerate(series):
        for position, value in enumerate(values):
            if value is None:
                continue
            height = plot_h * value / top
            x = _LEFT + position * slot + slot * 0.1 + index * bar_w
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{base_y - height:.1f}" width="{bar_w:.1f}" '
                f'height="{height:.1f}" fill="url(#{escape(chart_id)}-fill-{index})" '
                f'stroke="#0b0c0c" stroke-width="0.5"/>'
            )
            if value and label_values:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{base_y - height - 3:.1f}" '
                    f'text-anchor="middle">{_number(value)}</text>'
                )
    parts.append(
        f'<line class="axis" stroke="#0b0c0c" x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" '
        f'y1="{base_y}" y2="{base_y}"/>'
    )
    parts += _x_labels(categories, slot, base_y)
    parts.append("</svg>")
    # Every interpolated text went through escape(); numbers are formatted here.
    return Markup("".join(parts))  # noqa: S704 - built from escaped parts only


def line_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    *,
    title: str,
    chart_id: str = "chart",
    value_label: str = "",
    band: Band | None = None,
) -> Markup:
    """Lines over time (solid, dashed, dotted ... with distinct markers), and a band.

    A withheld value breaks its line; the band (an uncertainty interval) is a light
    hatched area behind the lines.

    Examples:
        >>> svg = line_chart(["W1", "W2", "W3"], [("Backlog", [3, None, 5])], title="B",
        ...                  band=("80% band", [2, 3, 4], [4, 6, 7]))
        >>> svg.count('class="line"'), svg.count('class="band"')
        (2, 1)
    """
    shown = [v for _, values in series for v in values if v is not None]
    if band is not None:
        shown += [v for v in band[2] if v is not None]
    top = _nice_max(max(shown, default=0))
    markers = ("circle", "square", "diamond", "triangle")
    names = [name for name, _ in series] + ([band[0]] if band else [])
    swatch = (
        '<rect x="{x:.1f}" y="{y:.1f}" width="16" height="16" fill="url(#{id}-fill-{i})" '
        'stroke="#0b0c0c"/>'
    )
    legend, legend_h = _legend(names, swatch, escape(chart_id))
    parts, base_y, plot_h = _frame(chart_id, title, top, _TOP + legend_h, value_label)
    band_fill = (
        f'<pattern id="{escape(chart_id)}-band" width="6" height="6" '
        f'patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#d9e8f5"/>'
        f'<path d="M0,6 L6,0" stroke="#7fa7cf" stroke-width="1"/></pattern>'
    )
    line_fills = "".join(
        f'<pattern id="{escape(chart_id)}-fill-{i}" width="16" height="16" '
        f'patternUnits="userSpaceOnUse"><rect width="16" height="16" fill="#ffffff"/>'
        f'<line x1="0" x2="16" y1="8" y2="8" stroke="{SERIES_COLOURS[i % len(SERIES_COLOURS)]}" '
        f'stroke-width="3" stroke-dasharray="{_DASHES[i % len(_DASHES)]}"/></pattern>'
        for i in range(len(series))
    )
    band_swatch = (
        f'<pattern id="{escape(chart_id)}-fill-{len(series)}" width="6" height="6" '
        f'patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#d9e8f5"/>'
        f'<path d="M0,6 L6,0" stroke="#7fa7cf" stroke-width="1"/></pattern>'
    )
    parts.insert(3, f"<defs>{band_fill}{line_fills}{band_swatch}</defs>")
    parts += legend
    slot = (_WIDTH - _LEFT - _RIGHT) / max(len(categories), 1)

    def x_of(position: int) -> float:
        return _LEFT + position * slot + slot / 2

    def y_of(value: float) -> float:
        return base_y - plot_h * value / top

    if band is not None:
        _, low, high = band
        spans: list[list[int]] = [[]]
        for i, (a, b) in enumerate(zip(low, high, strict=True)):
            if a is None or b is None:
                spans.append([])
            else:
                spans[-1].append(i)
        for span in (s for s in spans if s):
            upper = [f"{x_of(i):.1f},{y_of(float(high[i] or 0)):.1f}" for i in span]
            lower = [f"{x_of(i):.1f},{y_of(float(low[i] or 0)):.1f}" for i in reversed(span)]
            parts.append(
                f'<polygon class="band" points="{" ".join(upper + lower)}" '
                f'fill="url(#{escape(chart_id)}-band)" stroke="#7fa7cf"/>'
            )
    for index, (_name, values) in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        dash = _DASHES[index % len(_DASHES)]
        runs: list[list[tuple[float, float]]] = [[]]
        for position, value in enumerate(values):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x_of(position), y_of(float(value))))
        for run in (r for r in runs if r):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(
                f'<polyline class="line" points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5" stroke-dasharray="{dash}"/>'
            )
            if len(values) <= 40:
                parts += [_marker(markers[index % len(markers)], x, y, colour) for x, y in run]
    parts.append(
        f'<line class="axis" stroke="#0b0c0c" x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" '
        f'y1="{base_y}" y2="{base_y}"/>'
    )
    parts += _x_labels(categories, slot, base_y)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from escaped parts only


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} {x:.1f},{y + 4.5:.1f} '
            f'{x - 4.5:.1f},{y:.1f}" fill="{colour}"/>'
        )
    return (
        f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 4:.1f} {x - 4.5:.1f},'
        f'{y + 4:.1f}" fill="{colour}"/>'
    )
