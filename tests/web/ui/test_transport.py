"""Transport (issue 15 §4): compressed answers, a cache policy for static files, and finder
pages light enough for a phone on a slow network (under 20 KB of HTML each)."""

from __future__ import annotations

import re

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


#: Walks whose pages are weighed: a full one, "I do not know" right after the nationality
#: (every pathway of Colombia undecided: the heaviest results page before issue 15 was
#: mended), the country alone (Peru has the most pathways), and no answer at all.
WALKS: dict[str, dict[str, str | list[str]]] = {
    "full": ARG_ANSWERS,
    "nationality": {
        "host_country": "COL",
        "in_host_country": "true",
        "nationalities": ["VEN"],
        "nationalities.0.acquired": "birth",
    },
    "country": {"host_country": "PER", "in_host_country": "true"},
    "none": {},
}


@pytest.mark.parametrize("walk", sorted(WALKS))
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_finder_page_is_under_20_kb(site, lang: str, walk: str) -> None:
    """Every page of the walk: start, each question asked, the check, the results, the page
    of every pathway the results link to, and the contributions."""
    client = site.client()
    asked = walk_finder(client, WALKS[walk], lang, until_unknown=walk != "full")
    paths = ["/finder", "/finder/check", "/finder/results", "/finder/contributions"]
    paths += [f"/finder/question?at={at}" for at in range(len(asked) + 1)]
    results = client.get("/finder/results", params={"lang": lang}).text
    own = sorted(set(re.findall(r'href="http://testserver(/finder/results/[^"#]+)"', results)))
    assert own, "the results link to no pathway page"
    sizes = {}
    for path in paths + own:
        page = client.get(path, params={"lang": lang})
        assert page.status_code == 200, path
        sizes[path] = len(page.content)
    assert max(sizes.values()) < 20_000, sizes
