"""Transport (issue 15 §4): compressed answers, a cache policy for static files, and finder
pages light enough for a phone on a slow network (under 20 KB of HTML each)."""

from __future__ import annotations

import pytest
from tests.web.ui.conftest import ARG_ANSWERS, walk_finder

from ruta.i18n import LANGUAGES


def test_pages_are_compressed_and_static_files_cached(site) -> None:
    client = site.client()
    page = client.get(
        "/finder/question", params={"lang": "es"}, headers={"Accept-Encoding": "gzip"}
    )
    assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"
    css = client.get("/static/ruta.css", headers={"Accept-Encoding": "gzip"})
    assert css.status_code == 200 and "max-age=" in css.headers["cache-control"]
    assert css.headers.get("etag")
    again = client.get("/static/ruta.css", headers={"If-None-Match": css.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_finder_page_is_under_20_kb(site, lang: str) -> None:
    client = site.client()
    walk_finder(client, ARG_ANSWERS, lang)
    sizes = {}
    for path in (
        "/finder",
        "/finder/question?at=0",
        "/finder/question?at=1",
        "/finder/check",
        "/finder/results",
        "/finder/contributions",
    ):
        page = client.get(path, params={"lang": lang})
        assert page.status_code == 200, path
        sizes[path] = len(page.content)
    assert max(sizes.values()) < 20_000, sizes
