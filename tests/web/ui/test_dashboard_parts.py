"""The server-side chart and the queue's SLA arithmetic."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

from ruta.web.ui._chart import bar_chart
from ruta.web.ui._queue import sla_state
from ruta.web.ui.supervisor import dashboard_figures


def test_chart_is_well_formed_svg_with_an_accessible_name() -> None:
    svg = bar_chart(
        ["Mon", "Tue", "Wed"], [("Decisions", [0, 4, 9])], title="Per <day>", chart_id="c1"
    )
    root = ElementTree.fromstring(str(svg))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title"
    assert root.find(f"{ns}title").text == "Per <day>"  # escaped in the markup, intact here
    bars = [r for r in root.iter(f"{ns}rect") if r.get("class") == "bar"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == 0 and heights[1] < heights[2]  # bars are proportional


def test_chart_axis_top_is_a_round_number_above_the_largest_value() -> None:
    svg = str(bar_chart(["a"], [("n", [37])], title="t"))
    ticks = [int(t) for t in re.findall(r'text-anchor="end">(\d+)<', svg)]
    assert max(ticks) == 50 and 0 in ticks


def test_empty_chart_does_not_divide_by_zero() -> None:
    svg = str(bar_chart(["a", "b"], [("n", [0, 0])], title="t"))
    assert "<svg" in svg and "nan" not in svg.lower()


def test_sla_states_at_the_boundaries() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    target = 30

    def at(days: int, status: str = "in_review") -> str:
        return sla_state(now - timedelta(days=days), status, target, now).state

    assert at(0) == "on_time"
    assert at(23) == "on_time"
    assert at(24) == "due_soon"  # 6 days left = 20 % of 30
    assert at(30) == "due_soon"
    assert at(31) == "overdue"
    assert at(40, "approved") == "closed"
    assert sla_state(None, "draft", target, now).state == "draft"
    assert sla_state(now - timedelta(days=31), "in_review", target, now).days_left == -1


def test_dashboard_figures_fill_missing_days_and_sum_open_cases() -> None:
    raw = {
        "by_status": {"submitted": 4, "in_review": 2, "approved": 7, "denied": 1},
        "decided_per_day": {"2026-11-20": 3, "2026-11-28": 5, "2026-10-01": 99},
    }
    figures = dashboard_figures(raw, date(2026, 11, 28), 14)
    assert len(figures["decided"]) == 14
    assert figures["decided"][0] == ("2026-11-15", 0)
    assert dict(figures["decided"])["2026-11-20"] == 3
    assert figures["decided_total"] == 8  # the day outside the window is not counted
    assert figures["open_total"] == 6
    assert figures["by_status"]["withdrawn"] == 0


def test_axis_labels_never_overlap_and_long_ones_are_shortened() -> None:
    """Issue 15: the dashboard's day labels overlapped. Each drawn label must fit in the
    room up to the next drawn one (at the helper's character width)."""
    from ruta.web.ui._chart import _CHAR_W, visible_labels

    for count in (3, 14, 30, 52, 120):
        labels = [f"2026-11-{d:02d}" for d in range(count)]
        slot = 600 / count
        shown = visible_labels(labels, slot)
        assert shown[0][0] == 0 and shown[-1][0] == count - 1
        for (i, text), (j, _next) in itertools.pairwise(shown):
            assert len(text) * _CHAR_W <= (j - i) * slot, (count, i, j, text)
    long = "Residencia temporaria del Acuerdo de Residencia MERCOSUR, Bolivia y Chile " * 2
    svg = str(bar_chart([long] * 3, [("n", [1] * 3)], title="t"))
    assert "…" in svg and long not in svg
