"""The verifier page makes a permit that must not be accepted unmistakable (issue 15 §3).

A revoked, suspended, expired or not-yet-valid permit opens with a full-width banner
(``role="alert"``, icon and words, not colour alone) above a de-emphasised copy of the
holder table; countries are named, not coded; a valid permit tells the checker to compare
it with the holder's identity document. Forms are posted as the page rendered them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from tests.web.forms import RenderedFormsClient
from tests.web.verifier import HOLDER, rotated_keys, verifier_app

from ruta.permits import Holder, KeyStore, Permit, issue_for_application, issue_permit
from ruta.settings import Settings


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return rotated_keys(tmp_path)


@pytest.fixture
def client(keys: Path, monkeypatch: pytest.MonkeyPatch) -> RenderedFormsClient:
    monkeypatch.delenv("RUTA_TRUST_LIST", raising=False)
    monkeypatch.delenv("RUTA_STATUS_LIST", raising=False)
    return RenderedFormsClient(verifier_app(Settings(env="development", keys_dir=keys)))


def _payload(keys: Path, index: int, valid_from: date) -> str:
    return issue_for_application(
        application_id="a1",
        pathway_id="col.ppt",
        host_country="COL",
        holder=HOLDER,
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=700),
        rights=["work"],
        status_index=index,
        keys_dir=keys,
    ).payload


def _expired(keys: Path) -> str:
    old = datetime(2022, 3, 1, tzinfo=UTC)
    permit = Permit(
        "COL-OLD",
        "col.ppt",
        "COL",
        Holder("Ana", "Pérez", nationality="VEN"),
        date(2022, 3, 1),
        date(2023, 2, 28),
        ("work",),
        6,
        issued_at=old,
    )
    return issue_permit(permit, KeyStore(keys).issuer_signer("COL", at=old))


def _verify(client: RenderedFormsClient, lang: str, payload: str) -> lxml.html.HtmlElement:
    client.get(f"/verify?lang={lang}")
    r = client.post(f"/verify?lang={lang}", data={"payload": payload})
    assert r.status_code == 200
    return lxml.html.fromstring(r.text)


@pytest.mark.parametrize(
    "state,lang,title",
    [
        ("revoked", "en", "Do not accept this permit: Revoked"),
        ("suspended", "es", "No acepte este permiso: Suspendido"),
        ("expired", "fr", "N’acceptez pas ce titre : Expiré"),
        ("not_yet_valid", "pt", "Não aceite esta autorização: Ainda não válida"),
    ],
)
def test_a_permit_not_to_accept_opens_with_a_full_width_alert(
    client: RenderedFormsClient, keys: Path, state: str, lang: str, title: str
) -> None:
    today = datetime.now(UTC).date()
    if state == "expired":
        payload = _expired(keys)
    elif state == "not_yet_valid":
        payload = _payload(keys, 3, today + timedelta(days=30))
    else:
        payload = _payload(keys, 3, today)
        KeyStore(keys).set_status("COL", 3, state)
    page = _verify(client, lang, payload)
    (banner,) = page.find_class("state-banner")
    assert banner.get("role") == "alert"
    # Words and an icon, not colour alone; the state is named in the page language.
    assert " ".join(banner.text_content().split()).startswith("✖ " + title)
    assert "state-banner--" + state.replace("_", "-") in banner.get("class", "")
    # The banner comes before the holder table, which is greyed out and announced as not valid.
    html = lxml.html.tostring(page, encoding="unicode")
    assert html.index("state-banner") < html.index("summary-list")
    (table,) = page.find_class("summary-list")
    assert "summary-list--muted" in table.get("class", "")
    assert page.find_class("verdict--valid") == []
    assert page.get_element_by_id("compare-identity", None) is None


@pytest.mark.parametrize(
    "lang,issuer,nationality",
    [("en", "Colombia", "Venezuela"), ("fr", "Colombie", "Venezuela"), ("ht", "Kolonbi", "")],
)
def test_a_valid_permit_names_countries_and_asks_for_the_identity_document(
    client: RenderedFormsClient, keys: Path, lang: str, issuer: str, nationality: str
) -> None:
    page = _verify(client, lang, _payload(keys, 4, datetime.now(UTC).date()))
    assert page.find_class("state-banner") == []
    rows = {
        " ".join(row.find("dt").text_content().split()): " ".join(
            row.find("dd").text_content().split()
        )
        for row in page.find_class("row")
    }
    assert issuer in rows.values()
    assert "COL" not in rows.values() and "VEN" not in rows.values()
    if nationality:
        assert nationality in rows.values()
    compare = page.get_element_by_id("compare-identity")
    assert compare.text_content().strip()
