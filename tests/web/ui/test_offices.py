"""The office page (issue 15 §2): a supervisor sets an office's address, its source and
the pathways it takes, through the form as rendered; others do not reach it."""

from __future__ import annotations

import re

import pytest
from tests.web.ui.conftest import Site, csrf, main_text

from ruta.cases.actions import do_create_office
from ruta.cases.errors import ConflictError
from ruta.i18n import N_
from ruta.store.models import Office
from ruta.web.ui import offices


def _office(site: Site) -> None:
    with site.acting_as("sup") as (session, boss):
        do_create_office(session, boss, "BUE-01", "Buenos Aires, Retiro")


def _stored(site: Site) -> Office:
    with site.app.state.sessionmaker() as session:
        office = session.get(Office, "BUE-01")
        assert office is not None
        session.expunge(office)
        return office


def test_a_supervisor_sets_the_address_its_source_and_the_pathways(site: Site) -> None:
    _office(site)
    boss = site.signed_in("sup", lang="es")
    day = boss.get("/casework/appointments", params={"office": "BUE-01"})
    link = re.search(r'href="([^"]*/casework/offices/BUE-01)"', day.text)
    assert link, "the office day links to the office page"
    page = boss.get(link.group(1), params={"lang": "es"})
    assert page.status_code == 200
    text = main_text(page.text)
    assert "Vías que recibe esta oficina" in text
    # Every pathway of Argentina is ticked (created without a list).
    ticked = re.findall(r'name="pathways" value="([^"]+)" checked', page.text)
    assert ticked == ["arg.mercosur-permanent", "arg.mercosur-temporary"]

    # An address without its source is refused next to the source field.
    form = {
        "csrf_token": csrf(page.text),
        "name": "Buenos Aires, Retiro",
        "address": "Av. Antártida Argentina 1355",
        "address_source": "",
        "pathways": ["arg.mercosur-temporary"],
    }
    refused = boss.post("/casework/offices/BUE-01", data=form)
    assert refused.status_code == 422
    assert 'href="#address_source"' in refused.text
    assert "Indique de dónde viene la dirección" in refused.text
    assert "Av. Antártida Argentina 1355" in refused.text  # what was typed stays

    saved = boss.post(
        "/casework/offices/BUE-01",
        data={**form, "csrf_token": csrf(refused.text), "address_source": "Disposición 1/2026"},
    )
    assert saved.status_code == 200 and "done=saved" in str(saved.url)
    assert "Se guardó la oficina." in saved.text
    office = _stored(site)
    assert office.address == "Av. Antártida Argentina 1355"
    assert office.address_source == "Disposición 1/2026"
    assert [p.pathway_id for p in office.pathways] == ["arg.mercosur-temporary"]

    # Untick everything: the office takes no pathway (allowed; the finder then says where
    # to apply instead), and the address can be cleared with its source.
    cleared = boss.post(
        "/casework/offices/BUE-01",
        data={
            "csrf_token": csrf(saved.text),
            "name": "Buenos Aires, Retiro",
            "address": "",
            "address_source": "",
        },
    )
    assert cleared.status_code == 200
    office = _stored(site)
    assert office.address is None and office.pathways == []


def test_only_a_supervisor_of_the_country_reaches_the_office_page(site: Site) -> None:
    _office(site)
    for username in ("cw", "cw-per"):
        client = site.signed_in(username)
        assert client.get("/casework/offices/BUE-01").status_code == 404
    boss = site.signed_in("sup")
    assert boss.get("/casework/offices/NOPE").status_code == 404
    page = boss.get("/casework/offices/BUE-01")
    forged = boss.post(
        "/casework/offices/BUE-01",
        data={"csrf_token": csrf(page.text), "name": "X", "pathways": ["per.cpp-2023"]},
        forged=True,
    )
    assert forged.status_code == 422
    assert "Choose among the pathways of the office&#39;s country" in forged.text or (
        "Choose among the pathways of the office's country" in forged.text
    )
    assert _stored(site).name == "Buenos Aires, Retiro"


def test_a_refusal_of_no_form_field_says_the_actions_own_words(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No refusal of do_update_office names another field today; one that did must not
    # read as a complaint about the office's name.
    def refuse(*_args: object, **_kwargs: object) -> Office:
        raise ConflictError(
            N_("office code %(code)s is empty or taken"), field="code", code="'BUE-01'"
        )

    _office(site)
    monkeypatch.setattr(offices, "do_update_office", refuse)
    boss = site.signed_in("sup", lang="es")
    page = boss.get("/casework/offices/BUE-01", params={"lang": "es"})
    refused = boss.post(
        "/casework/offices/BUE-01",
        data={"csrf_token": csrf(page.text), "name": "Buenos Aires", "address": ""},
    )
    assert refused.status_code == 422
    text = main_text(refused.text)
    assert "el código de oficina &#39;BUE-01&#39; está vacío o ya existe" in text or (
        "el código de oficina 'BUE-01' está vacío o ya existe" in text
    )
    assert 'href="#name"' in refused.text
