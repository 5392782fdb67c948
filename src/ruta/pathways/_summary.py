"""A simulation's summary for the people who plan programmes.

Counts of person-pathway answers by pathway, status, country (where the person lives),
citizenship and blocking condition, as CSV and Parquet, and two charts (SVG) in the house
style of :mod:`ruta.charts`, each with the table it draws written beside it as CSV:

* ``summary.csv`` / ``summary.parquet``: ``pathway, status, country, citizenship,
  blocking, people``. Every person-pathway answer is counted once: ``blocking`` lists the
  failed conditions joined by ``+`` (empty when none failed), so the counts add up to the
  people of each pathway. ``country`` and ``citizenship`` are ISO alpha-3 codes (several
  nationalities joined by ``+`` in alphabetical order), ``unknown`` when the file does not
  say, and citizenship ``none`` for an empty list of nationalities.
* ``blockers.csv`` / ``blockers.parquet``: ``pathway, country, citizenship, condition,
  people``: a person counts under each condition that failed for them (not additive).
* ``status.svg`` (+ ``status.csv``): each pathway's answers among the people who live in
  its country; ``blockers.svg`` (+ ``blockers.csv``): the conditions that block most of
  them, besides living elsewhere.

The counts come from the encoded answers (``PopulationQuery``): a pathway of another
country is ``ineligible`` for ``host_country`` alone, so those rows are counted from the
people per country and citizenship, never row by row.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import os
import tempfile
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruta.i18n import N_, translator

if TYPE_CHECKING:
    import duckdb

    from ruta.charts import Chart
    from ruta.pathways._population import PopulationQuery

__all__ = ["BLOCKER_COLUMNS", "SUMMARY_COLUMNS", "summary_counts", "write_summary"]

SUMMARY_COLUMNS = ("pathway", "status", "country", "citizenship", "blocking", "people")
BLOCKER_COLUMNS = ("pathway", "country", "citizenship", "condition", "people")

_STATUS_LABELS = {
    "eligible": N_("Eligible"),
    "undetermined": N_("Undetermined (answers missing)"),
    "ineligible": N_("Ineligible"),
}

# The person's nationalities as one code: sorted, so that ARG+URY and URY+ARG are one group.
_CITIZENSHIP = """CASE WHEN "nationalities" IS NULL THEN 'unknown'
  WHEN len(list_filter("nationalities", lambda n: n."country" IS NOT NULL)) = 0 THEN
    CASE WHEN len("nationalities") = 0 THEN 'none' ELSE 'unknown' END
  ELSE array_to_string(list_sort(list_distinct(list_transform(
    list_filter("nationalities", lambda n: n."country" IS NOT NULL), lambda n: n."country"))), '+')
  END"""

Row = tuple[str, str, str, str, str, int]


def summary_counts(con: duckdb.DuckDBPyConnection, query: PopulationQuery) -> list[Row]:
    """The summary rows (``SUMMARY_COLUMNS``), sorted, from the tables ``simulate`` made.

    Needs the temp tables ``people`` and ``own`` (each country's people on its own
    pathways, encoded, carrying ``_row``).
    """
    counts: dict[tuple[str, str, str, str, str], int] = {}

    def add(key: tuple[str, str, str, str, str], n: int) -> None:
        counts[key] = counts.get(key, 0) + n

    own = con.execute(
        f"""SELECT o.pathway, o.status, coalesce(p."host_country", 'unknown'),
          {_CITIZENSHIP}, o.mask, count(*) FROM own o JOIN people p USING ("_row")
          GROUP BY ALL"""
    ).fetchall()
    for pathway, status, country, citizenship, mask, n in own:
        blocking = "+".join(query.failed_of(str(pathway), int(mask)))
        add((str(pathway), str(status), str(country), str(citizenship), blocking), int(n))
    groups = con.execute(
        f"""SELECT "host_country", {_CITIZENSHIP}, count(*) FROM people
          WHERE "host_country" IS NOT NULL GROUP BY ALL"""
    ).fetchall()
    for pathway in query.pathways:
        for country, citizenship, n in groups:
            if country != query.homes[pathway]:
                key = (pathway, "ineligible", str(country), str(citizenship), "host_country")
                add(key, int(n))
    return sorted((*key, n) for key, n in counts.items())


def _blockers(rows: Sequence[Row]) -> list[tuple[str, str, str, str, int]]:
    out: dict[tuple[str, str, str, str], int] = {}
    for pathway, _status, country, citizenship, blocking, n in rows:
        for condition in blocking.split("+") if blocking else ():
            key = (pathway, country, citizenship, condition)
            out[key] = out.get(key, 0) + n
    return sorted((*key, n) for key, n in out.items())


def write_summary(
    con: duckdb.DuckDBPyConnection, query: PopulationQuery, out_dir: Path, lang: str = "en"
) -> list[Path]:
    """Write the summary files (module docstring) into ``out_dir``; returns their paths.

    Each file is written beside its final name and renamed into place, so a reader never
    sees half a file.
    """
    rows = summary_counts(con, query)
    blockers = _blockers(rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [
        _write_csv(out_dir / "summary.csv", SUMMARY_COLUMNS, rows),
        _write_parquet(con, out_dir / "summary.parquet", SUMMARY_COLUMNS, rows),
        _write_csv(out_dir / "blockers.csv", BLOCKER_COLUMNS, blockers),
        _write_parquet(con, out_dir / "blockers.parquet", BLOCKER_COLUMNS, blockers),
    ]
    for name, chart in (
        ("status", _status_chart(rows, query, lang)),
        ("blockers", _blockers_chart(blockers, query, lang)),
    ):
        written.append(_write_svg(out_dir / f"{name}.svg", chart))
        name_csv = out_dir / f"{name}-chart.csv"
        written.append(_write_csv(name_csv, chart.table.columns, chart.table.rows))
    return written


def _permissions() -> int:
    """The mode a newly created file gets (mkstemp's files are private to their owner)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def _staged(path: Path) -> Iterator[str]:
    """A temporary file beside ``path``, renamed onto it when the block succeeds, so that
    a reader never sees half a file; removed when the block fails."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, _permissions())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _replace(path: Path, data: bytes) -> Path:
    with _staged(path) as tmp:
        Path(tmp).write_bytes(data)
    return path


def _write_csv(path: Path, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return _replace(path, text.getvalue().encode("utf-8"))


def _write_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, columns: Sequence[str], rows: Sequence[Any]
) -> Path:
    types = ", ".join(f'"{c}" {"BIGINT" if c == "people" else "VARCHAR"}' for c in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE summary_out ({types})")
    if rows:
        marks = ", ".join("?" for _ in columns)
        con.executemany(f"INSERT INTO summary_out VALUES ({marks})", [list(r) for r in rows])
    with _staged(path) as tmp:
        literal = tmp.replace("'", "''")
        con.execute(f"COPY summary_out TO '{literal}' (FORMAT parquet, COMPRESSION zstd)")
    return path


def _status_chart(rows: Sequence[Row], query: PopulationQuery, lang: str) -> Chart:
    """Stacked bars: each pathway's answers among the people who live in its country."""
    from ruta.charts import Chart, DataTable, new_figure, series_style

    _ = translator(lang, "pathways").gettext
    by: dict[str, dict[str, int]] = {p: {} for p in query.pathways}
    for pathway, status, country, _cit, _blocking, n in rows:
        if country == query.homes[pathway]:
            by[pathway][status] = by[pathway].get(status, 0) + n
    shown = [p for p in query.pathways if by[p]]
    title = _("Answers for the people who live in each pathway's country")
    people = _("People")
    figure, axes = new_figure(7.0, max(2.0, 0.32 * len(shown) + 1.6))
    positions = list(range(len(shown)))[::-1]
    starts = [0] * len(shown)
    statuses = ("eligible", "undetermined", "ineligible")
    for index, status in enumerate(statuses):
        values = [by[p].get(status, 0) for p in shown]
        axes.barh(
            positions,
            values,
            left=starts,
            height=0.62,
            linewidth=0.8,
            label=_(_STATUS_LABELS[status]),
            **series_style(index),
        )
        starts = [s + v for s, v in zip(starts, values, strict=True)]
    axes.set_yticks(positions, shown)
    axes.set_xlabel(people)
    figure.suptitle(
        "\n".join(textwrap.wrap(title, 70)), x=0.01, ha="left", fontsize=11, fontweight="bold"
    )
    figure.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=9)
    columns = (_("Pathway"), *(_(_STATUS_LABELS[s]) for s in statuses))
    table = DataTable(columns, tuple((p, *(str(by[p].get(s, 0)) for s in statuses)) for p in shown))
    description = _(
        "Bars stacked by answer (eligible, undetermined, ineligible) for each pathway; "
        "the numbers are in the table beside the chart."
    )
    return Chart(title, figure, table, description)


def _blockers_chart(
    blockers: Sequence[tuple[str, str, str, str, int]], query: PopulationQuery, lang: str
) -> Chart:
    """The conditions that block most people who live in the pathway's country."""
    from ruta.charts import DataTable, bar_chart

    _ = translator(lang, "pathways").gettext
    totals: dict[tuple[str, str], int] = {}
    for pathway, country, _cit, condition, n in blockers:
        if country == query.homes[pathway] and condition != "host_country":
            totals[pathway, condition] = totals.get((pathway, condition), 0) + n
    top = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:15]
    title = _("Conditions that block most people in the pathway's country")
    chart = bar_chart(
        title=title,
        labels=[f"{p}: {c}" for (p, c), _n in top],
        values=[float(n) for _key, n in top],
        value_label=_("People"),
        number_format=lambda v: f"{v:,.0f}",
        columns=(_("Pathway: condition"), _("People"), ""),
    )
    chart.description = _(
        "One bar per condition, longest first; the numbers are in the table beside the chart."
    )
    # The table beside the chart keeps whole numbers as numbers (no separators, no SE).
    chart.table = DataTable(
        (_("Pathway: condition"), _("People")),
        tuple((f"{p}: {c}", str(n)) for (p, c), n in top),
    )
    return chart


def _write_svg(path: Path, chart: Chart) -> Path:
    """The chart as SVG with its title and description for screen readers."""
    from ruta.charts import render

    svg = render(chart, "svg").decode("utf-8")
    start = svg.index("<svg")
    head_end = svg.index(">", start)
    labelled = (
        svg[start:head_end].replace("<svg", '<svg role="img" aria-labelledby="title desc"', 1)
        + ">"
        + f'<title id="title">{html.escape(chart.title)}</title>'
        + f'<desc id="desc">{html.escape(chart.description)}</desc>'
    )
    return _replace(path, (svg[:start] + labelled + svg[head_end + 1 :]).encode("utf-8"))
