"""Possible duplicates on the caseworker's case page (casework/_duplicates.html)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.web.ui.conftest import Site, csrf, main_text

from ruta.cases import RegistryIndexes
from ruta.linkage import REQUIRED_COLUMNS

COLUMNS = REQUIRED_COLUMNS  # the registry contract
#: The ``submitted`` fixture's applicant (María José Pérez, 1990-05-01, passport A1234567),
#: registered before with a second surname and no document.
EARLIER = ("ARG-000731", "MARIA JOSE", "Perez", "Quispe", "F", "1990-05-01", "BOL", "")
OTHER = ("ARG-000732", "Juan", "Mamani", "", "M", "1975-02-14", "BOL", "C998877")


@pytest.fixture
def registry(site: Site, tmp_path: Path) -> Iterator[Callable[..., Path]]:
    def configure(*rows: tuple[str, ...], content: bytes | None = None) -> Path:
        path = tmp_path / "arg-registry.csv"
        if content is not None:
            path.write_bytes(content)
        else:
            with path.open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows([COLUMNS, *rows])
        # The app's own registries (create_app made them from its settings, here none).
        site.app.state.registries = RegistryIndexes({"ARG": path}, wait=None)
        return path

    yield configure


def test_case_page_lists_candidates_with_reasons_and_a_comparison_link(
    site: Site, submitted, registry
) -> None:
    registry(EARLIER, OTHER)
    app_id = submitted()
    client = site.signed_in("cw")
    html = client.get(f"/casework/cases/{app_id}").text
    text = main_text(html)
    assert "Possible duplicates in the registry" in text and "Possible duplicate" in text
    assert "ARG-000731" in text and "ARG-000732" not in text
    assert "1 registry record may be this applicant." in text and "1 still to compare." in text
    assert "first surname equal, second missing" in text and "date of birth equal" in text
    assert "arg-registry.csv" in text and "2 records" in text
    pair = html.split("/review/")[1].split('"')[0]
    comparison = main_text(client.get(f"/review/{pair}").text)
    assert "ARG-000731" in comparison and f"application:{app_id}" in comparison
    assert f"/review/{pair}" in client.get("/review").text  # also waiting in the queue


def test_case_page_in_spanish(site: Site, submitted, registry) -> None:
    registry(EARLIER)
    app_id = submitted()
    client = site.signed_in("cw", lang="es")
    text = main_text(client.get(f"/casework/cases/{app_id}", params={"lang": "es"}).text)
    assert "Posibles duplicados en el registro" in text
    assert "primer apellido igual, falta el segundo" in text and "Comparar lado a lado" in text


@pytest.mark.parametrize(("lang", "records"), [("es", "2 registros"), ("fr", "2 fiches")])
def test_numbers_on_the_case_page_are_written_the_page_languages_way(
    site: Site, submitted, registry, lang: str, records: str
) -> None:
    registry(EARLIER, OTHER)
    app_id = submitted()
    client = site.signed_in("cw", lang=lang)
    html = client.get(f"/casework/cases/{app_id}", params={"lang": lang}).text
    # The stored search (what the API returns) keeps plain numbers; the page writes them
    # with a decimal comma (0,93 in Spanish and French, not 0.93).
    from ruta.store.models import Application

    with site.app.state.sessionmaker() as session:
        stored = session.get(Application, app_id)
        assert stored is not None and stored.duplicate_search is not None
        search = stored.duplicate_search
    [candidate] = search["candidates"]
    assert isinstance(candidate["probability"], float)
    cells = re.findall(r'<td class="numeric">([^<]*)</td>', html)
    assert cells == [f"{candidate['probability']:.2f}".replace(".", ",")]
    text = main_text(html)
    assert records in text
    ms = re.search(r"([\d.,\u202f\xa0]+) ms\.", text)
    assert ms is not None and "." not in ms.group(1), text


def test_decided_pair_shows_its_outcome_on_the_case(site: Site, submitted, registry) -> None:
    registry(EARLIER)
    app_id = submitted()
    client = site.signed_in("cw")
    html = client.get(f"/casework/cases/{app_id}").text
    pair = html.split("/review/")[1].split('"')[0]
    form = client.get(f"/review/{pair}").text
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post(
        f"/review/{pair}",
        data={"csrf_token": token, "outcome": "distinct", "reason": "other mother, other town"},
    )
    assert done.status_code == 200, main_text(done.text)
    text = main_text(client.get(f"/casework/cases/{app_id}").text)
    assert "Not the same person" in text and "still to compare" not in text


def test_corrupt_registry_the_case_says_the_search_did_not_run(
    site: Site, submitted, registry
) -> None:
    registry(content=b"\x00\x01 not a registry")
    app_id = submitted()
    text = main_text(site.signed_in("cw").get(f"/casework/cases/{app_id}").text)
    assert "The registry was not searched for this application." in text
    assert "arg-registry.csv could not be read" in text


def test_without_a_registry_the_case_page_says_checking_is_off(site: Site, submitted) -> None:
    # Issue 15: silence read as "no duplicates"; the page now says the check did not run.
    app_id = submitted()
    text = main_text(site.signed_in("cw").get(f"/casework/cases/{app_id}").text)
    assert "Duplicate checking is off: no registry is configured for this country" in text
    assert "No likely duplicate" not in text and "Search the registry again" not in text


def test_search_again_after_the_registry_is_fixed(site: Site, submitted, registry) -> None:
    path = registry(content=b"not a registry")
    app_id = submitted()
    client = site.signed_in("cw")
    page = client.get(f"/casework/cases/{app_id}").text
    assert "was not searched" in main_text(page)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([COLUMNS, EARLIER])
    stale = client.post(f"/casework/cases/{app_id}/duplicate-search", data={"csrf_token": "wrong"})
    assert stale.status_code == 422 and "The form expired" in main_text(stale.text)
    assert 'href="#duplicate_search"' in stale.text  # the error summary links to the button
    done = client.post(
        f"/casework/cases/{app_id}/duplicate-search", data={"csrf_token": csrf(page)}
    )
    assert done.status_code == 200, main_text(done.text)
    text = main_text(done.text)
    assert "ARG-000731" in text and "was not searched" not in text


def _queue_row(html: str, app_id: str) -> str:
    """The queue's table row of one case (the row holds a link to the case page)."""
    row = html.split(f"/casework/cases/{app_id}")[1]
    return row.split("</tr>")[0]


def test_queue_flags_the_case_until_its_pair_is_decided(site: Site, submitted, registry) -> None:
    registry(EARLIER)
    flagged = submitted()
    registry(OTHER)  # the next applicant's search finds nobody: no flag on that row
    clean = submitted()
    client = site.signed_in("cw")
    queue = client.get("/casework/queue").text
    assert "Possible duplicate" in _queue_row(queue, flagged)
    assert "Possible duplicate" not in _queue_row(queue, clean)
    pair = client.get(f"/casework/cases/{flagged}").text.split("/review/")[1].split('"')[0]
    comparison = client.get(f"/review/{pair}").text
    assert f"/casework/cases/{flagged}" in comparison  # the pair leads back to the case
    token = comparison.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(f"/review/{pair}", data={"csrf_token": token, "outcome": "distinct", "reason": "x"})
    assert "Possible duplicate" not in _queue_row(client.get("/casework/queue").text, flagged)


def test_no_registry_for_the_country_says_duplicate_checking_is_off(site: Site, submitted) -> None:
    assert site.app.state.registries.countries() == ()  # no country has a registry
    app_id = submitted()
    text = main_text(site.signed_in("cw").get(f"/casework/cases/{app_id}").text)
    assert "Duplicate checking is off: no registry is configured for this country" in text
    assert "Search the registry again" not in text
    es = site.signed_in("cw", lang="es").get(f"/casework/cases/{app_id}?lang=es").text
    assert "La detección de duplicados está desactivada" in main_text(es)


def test_a_configured_registry_never_says_checking_is_off(site: Site, submitted, registry) -> None:
    registry(OTHER)
    app_id = submitted()
    text = main_text(site.signed_in("cw").get(f"/casework/cases/{app_id}").text)
    assert "Duplicate checking is off" not in text
    assert "No likely duplicate of this applicant was found in the registry." in text
