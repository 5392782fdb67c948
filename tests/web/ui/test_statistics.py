"""The statistics dashboards on a demo with history: who may read them, what they show
(the release's own cells, withheld ones as "confidential"), the chart exports read back
with independent readers (ElementTree, Pillow), and bad input named."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

import pytest
from PIL import Image
from tests.conftest import enrol_second_factor, second_factor_code

from ruta.cases.actions.authentication import do_create_user
from ruta.cli._demo import DEMO_LOGINS, seed_demo
from ruta.stats import OfficeHistory, build_release
from ruta.web.ui._statistics import Figure, _forecasts, current_quarter

from .conftest import PASSWORD, SECRET, csrf, main_text

PASSWORDS = {username: password for username, password, *_ in DEMO_LOGINS}


def _seeded(site, tmp_path, applicants: int, months: int):
    with site.app.state.sessionmaker() as session:
        seed_demo(session, applicants=applicants, keys_dir=tmp_path / "keys", months=months)
        do_create_user(
            session, None, username="forum", password=PASSWORD, role="regional", country=None
        )
    return site


@pytest.fixture
def demo_site(site, tmp_path):
    return _seeded(site, tmp_path, applicants=90, months=6)


@pytest.fixture
def small_demo_site(site, tmp_path):
    """The demo's logins over a few cases: for pages that refuse a request before they read
    a case (90 applicants over 6 months take 10-15 s to seed on a loaded machine)."""
    return _seeded(site, tmp_path, applicants=4, months=1)


def _signed_in(site, username: str, lang: str = "en"):
    client = site.client()
    page = client.get("/login", params={"lang": lang})
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf(page.text),
            "username": username,
            "password": PASSWORDS.get(username, PASSWORD),
        },
    )
    if "/login/enrol" in str(response.url) or "/login/code" in str(response.url):
        # Supervisors give a second factor: the fixtures' authenticator, then its code.
        enrol_second_factor(site.app.state.sessionmaker, username, SECRET)
        page = client.get("/login", params={"lang": lang})
        step = client.post(
            "/login",
            data={
                "csrf_token": csrf(page.text),
                "username": username,
                "password": PASSWORDS.get(username, PASSWORD),
            },
        )
        code = second_factor_code(site.app.state.sessionmaker, username)
        response = client.post(
            "/login/code", data={"csrf_token": csrf(step.text), "code": code, "next": "/"}
        )
    assert response.status_code == 200, main_text(response.text)
    return client


def test_dashboards_show_the_release_and_export_their_charts(demo_site):
    supervisor = _signed_in(demo_site, "col-supervisor")
    page = supervisor.get("/casework/statistics")
    assert page.status_code == 200, main_text(page.text)
    html = page.text
    for heading in (
        "Open cases at the end of each quarter",
        "Decisions by pathway: approved and denied",
        "Decisions by citizenship: approved and denied",
        "Take-up",
        "SLA breaches",
        "Permits in force",
        "Backlog forecast by office",
    ):
        assert heading in html, heading
    # Every chart has its table one click away, with a caption and header scopes.
    assert html.count("<details>") == html.count('class="chart-block"') > 5
    assert html.count("<caption>") >= html.count("<details>")
    assert 'scope="col"' in html and 'scope="row"' in html
    assert "Bogotá, Centro Facilitador" in html and "Lima" not in main_text(html)
    # The page's numbers are the release's: the quarter's backlog and its withheld cells.
    with demo_site.app.state.engine.connect() as connection:
        release = build_release(connection, current_quarter(datetime.now(UTC)))
    backlog = next(
        o
        for o in release.select(REF_AREA="COL", INDICATOR="BACKLOG")
        if all(
            o.code(d) in ("_T", "_Z") for d in ("PATHWAY", "CITIZENSHIP", "OFFICE", "WAITING_TIME")
        )
        and o.code("TIME_PERIOD") == release.period.code
    )
    table = re.search(r"Open cases at the end of each quarter</caption>.*?</table>", html, re.S)
    assert table is not None
    last_row = re.findall(r"<tr><th scope=\"row\">[^<]*</th>(.*?)</tr>", table.group(0))[-1]
    first_value = re.search(r'<td class="numeric">([^<]*)</td>', last_row).group(1)
    expected = "confidential" if backlog.value is None else f"{backlog.value:,.0f}"
    assert first_value == expected
    withheld = [o for o in release.observations if o.value is None and o.code("REF_AREA") == "COL"]
    assert withheld and "confidential" in html

    svg = supervisor.get("/casework/statistics/charts/backlog-trend.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(svg.content)
    assert root.get("role") == "img" and root.find("{http://www.w3.org/2000/svg}title") is not None
    png = supervisor.get("/casework/statistics/charts/outcomes-pathway.png")
    assert png.status_code == 200
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.width > 1000
    assert supervisor.get("/casework/statistics/charts/nope.png").status_code == 404
    assert supervisor.get("/casework/statistics/charts/backlog-trend.gif").status_code == 404

    forum = _signed_in(demo_site, "forum")
    regional = forum.get("/statistics/regional", params={"lang": "es"})
    assert regional.status_code == 200
    assert "Colombia" in regional.text and "Perú" in regional.text
    assert "Estadísticas regionales" in regional.text
    # A forum reader sees published statistics and nothing else.
    for url in ("/casework/statistics", "/casework/dashboard", "/review"):
        assert forum.get(url).status_code == 404, url
    queue = forum.get("/casework/queue")
    assert "/casework/cases/" not in queue.text  # no case is in a forum reader's scope
    caseworker = _signed_in(demo_site, "col-caseworker")
    assert caseworker.get("/statistics/regional").status_code == 404
    assert caseworker.get("/casework/statistics").status_code == 404


def test_bad_period_and_date_are_named_not_a_server_error(small_demo_site):
    supervisor = _signed_in(small_demo_site, "per-supervisor")
    page = supervisor.get("/casework/statistics", params={"period": "2026-Q9", "before": "31/03"})
    assert page.status_code == 422
    text = main_text(page.text)
    assert "Enter a quarter such as 2026-Q3" in text and "Enter a date as YYYY-MM-DD" in text
    future = supervisor.get("/casework/statistics", params={"period": "2031-Q1"})
    assert future.status_code == 422 and "Choose a quarter that has started" in main_text(
        future.text
    )


def test_withheld_cells_read_confidential_never_zero():
    figure = Figure("f", "T", "bar", ["A", "B"], [("n", [None, 0.0])], "Cases", category_label="")
    _header, rows = figure.table("confidential")
    assert rows == [["A", "confidential"], ["B", "0"]]
    assert not figure.empty and Figure("g", "T", "bar", ["A"], [("n", [None])], "C").empty


def test_an_office_without_enough_history_says_why_in_the_page_language():
    today = datetime(2026, 9, 7, 9, 0)
    weeks = tuple(date(2026, 8, 17) + timedelta(weeks=i) for i in range(3))
    short = OfficeHistory("PER", "LIM-01", weeks, (5, 6, 7), (4, 5, 6), (2, 2, 2), 10, today)
    [spanish] = _forecasts([short], ["PER"], None, {"LIM-01": "Lima"}, "es")
    assert spanish.forecast is None and spanish.name == "Lima"
    assert "la oficina LIM-01 (PER) tiene 3 semanas con decisiones" in spanish.error
    assert "una previsión necesita al menos 4" in spanish.error
    [english] = _forecasts([short], ["PER"], None, {}, "en")
    assert "office LIM-01 (PER) has 3 weeks with decisions" in english.error
