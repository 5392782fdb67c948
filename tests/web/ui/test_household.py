"""People applying with the applicant: add, guardians for minors, remove, send."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from sqlalchemy import select
from tests.web.ui.conftest import (
    Site,
    create_account,
    details_form,
    main_text,
    walk_finder,
)

from ruta.store.models import Application, HouseholdMember

PATHWAY = "arg.mercosur-temporary"


def _hidden_values(html: str, form_action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to ``form_action``."""
    form = html.split(f'action="http://testserver{form_action}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _unescape(value: str) -> str:
    import html

    return html.unescape(value)


def _member(**changes: str) -> dict[str, str]:
    year = datetime.now(UTC).year
    data = {
        "member_given_names": "Luz",
        "member_surname_1": "Pérez",
        "member_surname_2": "",
        "member_dob-day": "3",
        "member_dob-month": "9",
        "member_dob-year": str(year - 8),
        "member_relationship": "child",
        "member_nationality": "BOL",
        "member_guardian": "",
    }
    data.update(changes)
    return data


def test_add_people_with_guardians_then_send(site: Site) -> None:
    client = site.client()
    walk_finder(
        client,
        {"host_country": "ARG", "nationalities": ["BOL"], "nationalities.0.acquired": "birth"},
    )
    details, _username = create_account(client, "rosa", f"/apply/{PATHWAY}")
    check = client.post(f"/apply/{PATHWAY}?lang=en", data=details_form(details.text))
    assert "Nobody else is included in this application." in check.text

    def add(page_html: str, **member: str):
        carried = {
            k: _unescape(v)
            for k, v in _hidden_values(page_html, f"/apply/{PATHWAY}/household/new").items()
        }
        new = client.post(f"/apply/{PATHWAY}/household/new", data=carried)
        assert "<h1>Add a person applying with you</h1>" in new.text
        fields = {
            k: _unescape(v)
            for k, v in _hidden_values(new.text, f"/apply/{PATHWAY}/household/add").items()
        }
        return client.post(f"/apply/{PATHWAY}/household/add", data={**fields, **_member(**member)})

    no_guardian = add(check.text)
    assert no_guardian.status_code == 422
    assert "Select who is the child&#39;s guardian" in no_guardian.text
    fields = {
        k: _unescape(v)
        for k, v in _hidden_values(no_guardian.text, f"/apply/{PATHWAY}/household/add").items()
    }
    with_me = client.post(
        f"/apply/{PATHWAY}/household/add", data={**fields, **_member(member_guardian="applicant")}
    )
    assert (
        with_me.status_code == 200
        and "Luz Pérez" in with_me.text
        and "guardian: me" in with_me.text
    )
    year = datetime.now(UTC).year
    partner = add(
        with_me.text,
        member_given_names="Tomás",
        member_relationship="partner",
        **{"member_dob-year": str(year - 35)},
    )
    assert "Tomás Pérez" in partner.text
    child2 = add(partner.text, member_given_names="Sol", member_guardian="Tomás Pérez")
    assert "guardian: Tomás Pérez" in main_text(child2.text)

    remove = {
        k: _unescape(v)
        for k, v in _hidden_values(child2.text, f"/apply/{PATHWAY}/household/remove").items()
    }
    refused = client.post(f"/apply/{PATHWAY}/household/remove", data={**remove, "remove": "1"})
    assert refused.status_code == 422 and "remove the child first" in refused.text

    send = {
        k: _unescape(v) for k, v in _hidden_values(child2.text, f"/apply/{PATHWAY}/send").items()
    }
    sent = client.post(f"/apply/{PATHWAY}/send", data=send)
    assert "Application sent" in sent.text, main_text(sent.text)
    with site.app.state.sessionmaker() as session:
        app = session.scalars(select(Application)).one()
        members = session.scalars(
            select(HouseholdMember).where(HouseholdMember.application_id == app.id)
        ).all()
        app_id = app.id
        assert [(m.given_names, m.relationship, m.guardian) for m in members] == [
            ("Luz", "child", "applicant"),
            ("Tomás", "partner", None),
            ("Sol", "child", "Tomás Pérez"),
        ]
    case = site.signed_in("cw").get(f"/casework/cases/{app_id}", params={"lang": "en"})
    assert "People applying with the applicant" in case.text
    assert "Sol Pérez" in case.text and "guardian: Tomás Pérez" in case.text


def test_removing_a_person_without_dependants(site: Site) -> None:
    client = site.client()
    walk_finder(
        client,
        {"host_country": "ARG", "nationalities": ["BOL"], "nationalities.0.acquired": "birth"},
    )
    details, _username = create_account(client, "ines", f"/apply/{PATHWAY}")
    values = details_form(details.text)
    sibling = {"given_names": "Ana", "surname_1": "Lima", "date_of_birth": "1980-01-01"}
    values["household"] = json.dumps([{**sibling, "relationship": "sibling"}])
    # The household is put in its hidden field by hand, as the add form would have left it.
    check = client.post(f"/apply/{PATHWAY}?lang=en", data=values, forged=True)
    assert "Ana Lima" in check.text
    remove = {
        k: _unescape(v)
        for k, v in _hidden_values(check.text, f"/apply/{PATHWAY}/household/remove").items()
    }
    after = client.post(f"/apply/{PATHWAY}/household/remove", data={**remove, "remove": "0"})
    assert "Ana Lima" not in after.text and "Nobody else is included" in after.text
