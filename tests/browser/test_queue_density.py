"""The work queue's compact rows (issue 15 §3): 15 and more cases fit on a 1366x768 screen.

Measured in Chromium with the site's own stylesheet on a queue table of the page's shape
(a status tag, a possible-duplicate tag, a due date): the rows' rendered height, not the
CSS arithmetic.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

CSS = Path(__file__).resolve().parents[2] / "src/ruta/web/static/ruta.css"

ROW = (
    "<tr><td><a href='#'>7541068A</a></td><td>María José Pérez Quispe</td>"
    "<td>Mercosur temporary residence</td>"
    "<td><strong class='tag tag--in_review'>In review</strong> "
    "<strong class='tag tag--overdue'>Possible duplicate</strong></td>"
    "<td>Approved</td><td>col-caseworker</td><td class='numeric'>12</td>"
    "<td><strong class='tag tag--overdue'>3 days overdue</strong></td></tr>"
)


def test_fifteen_queue_rows_fit_on_a_1366x768_screen(browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        page.set_content(
            f"<html><head><style>{CSS.read_text('utf-8')}</style></head><body>"
            "<div class='width-container'><table class='table--compact'><tbody>"
            f"{ROW * 15}</tbody></table></div></body></html>"
        )
        heights = page.eval_on_selector_all(
            "tbody tr", "rows => rows.map(r => r.getBoundingClientRect().height)"
        )
        assert len(heights) == 15
        # One line per row: a wrapped row would be twice as tall.
        assert max(heights) <= 32, heights
        # 15 rows leave more than a third of the 768 px for the header, filters and heading.
        assert sum(heights) <= 480, sum(heights)
    finally:
        context.close()
