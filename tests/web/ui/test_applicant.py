"""Apply and track: account, details with errors, check page, idempotent send, reply."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select
from tests.web.ui.conftest import (
    ARG_ANSWERS,
    PASSWORD,
    Site,
    create_account,
    csrf,
    details_form,
    main_text,
    office_taking,
    walk_finder,
)

from ruta.store.models import Application, OfficePathway

PATHWAY = "arg.mercosur-temporary"


def _account(site: Site, username: str = "maria"):
    client = site.client()
    walk_finder(client, ARG_ANSWERS)
    office_taking(site.app, PATHWAY)
    page = client.get(f"/apply/{PATHWAY}", params={"lang": "en"})
    assert "Sign in to apply" in page.text  # anonymous: sign in or create an account first
    details, _username = create_account(client, username, f"/apply/{PATHWAY}")
    assert details.status_code == 200 and "<h1>Your details</h1>" in details.text
    return client, details


def test_account_creation_errors_say_how_to_fix(site: Site) -> None:
    client = site.client()
    form = client.get("/account/new", params={"lang": "en"})
    short = client.post(
        "/account/new",
        data={"csrf_token": csrf(form.text), "username": "ana", "password": "short", "next": "/"},
    )
    assert short.status_code == 422
    assert "Enter a password of at least 10 characters" in short.text
    forged = client.post(
        "/account/new",
        data={"csrf_token": "x", "username": "ana", "password": PASSWORD},
        forged=True,
    )
    assert forged.status_code == 422 and "The form expired" in forged.text


def test_details_errors_are_listed_and_shown_by_each_field(site: Site) -> None:
    client, page = _account(site)
    bad = details_form(
        page.text, given_names="", **{"date_of_birth-month": "13"}, sex="", email="not-an-email"
    )
    response = client.post(f"/apply/{PATHWAY}?lang=en", data=bad)
    assert response.status_code == 422
    html = response.text
    for anchor in ("#given_names", "#date_of_birth-day", "#sex", "#email"):
        assert f'href="{anchor}"' in html
    assert 'id="given_names-error"' in html and 'aria-invalid="true"' in html
    assert 'value="Pérez"' in html  # what the person typed is kept


def test_apply_shows_check_page_then_sends_once(site: Site) -> None:
    client, page = _account(site)
    details = details_form(page.text)
    check = client.post(f"/apply/{PATHWAY}?lang=en", data=details)
    text = main_text(check.text)
    assert "<h1>Check your application before sending it</h1>" in text
    assert "<dd>Not provided</dd>" in text and "<dd>Bolivia</dd>" in text
    assert "Send application" in text
    sent = client.post(f"/apply/{PATHWAY}/send", data=details)
    assert sent.status_code == 200 and "/confirmation" in str(sent.url)
    assert "Application sent" in sent.text and 'id="reference"' in sent.text
    # A double click, or the browser resending the form: the same request again.
    again = client.post(f"/apply/{PATHWAY}/send", data=details, forged=True)
    assert again.url == sent.url
    with site.app.state.sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 1
        app = session.scalars(select(Application)).one()
        assert app.status == "submitted"
        # The finder's answers became the application's profile.
        assert app.profile["nationalities"] == [{"country": "BOL", "acquired": "birth"}]


#: Details the form's own checks let through and the application refuses (pydantic's
#: max_length of a document number): said in the page's language at the field.
TOO_LONG = {
    "en": "We could not send the application: String should have at most 60 characters",
    "es": "No pudimos enviar la solicitud: debe tener como máximo 60 caracteres; tiene 61",
    "fr": "Nous n'avons pas pu envoyer la demande : doit comporter au plus 60 caractères ; "
    "il en a 61",
}


@pytest.mark.parametrize("lang", TOO_LONG)
def test_details_the_application_refuses_are_said_in_the_page_s_language(
    site: Site, lang: str
) -> None:
    client, page = _account(site)
    details = details_form(page.text, document_number="N" * 61)
    check = client.post(f"/apply/{PATHWAY}?lang={lang}", data=details)
    assert check.status_code == 200
    sent = client.post(f"/apply/{PATHWAY}/send?lang={lang}", data=details)
    assert sent.status_code == 422
    text = unescape(main_text(sent.text))
    assert f'<a href="#document_number">{TOO_LONG[lang]}</a>' in text, text
    assert "validation error" not in text


def test_an_email_the_application_would_refuse_is_refused_by_the_form(site: Site) -> None:
    client, page = _account(site)
    details = details_form(page.text, email="ana@@example.org")
    response = client.post(f"/apply/{PATHWAY}?lang=es", data=details)
    assert response.status_code == 422
    assert 'href="#email"' in response.text and 'id="email-error"' in response.text


def test_track_lists_own_applications_only(site: Site, applied) -> None:
    client, app_id = applied("maria")
    other, _other_id = applied("juan")
    mine = main_text(client.get("/track", params={"lang": "en"}).text)
    assert app_id[:8].upper() in mine and _other_id[:8].upper() not in mine
    assert other.get(f"/track/{app_id}").status_code == 404


def test_reply_to_a_request_for_information(site: Site, applied) -> None:
    migrant, app_id = applied()
    officer = site.signed_in("cw")
    case = officer.get(f"/casework/cases/{app_id}")
    officer.post(
        f"/casework/cases/{app_id}/transition",
        data={"csrf_token": csrf(case.text), "to": "in_review", "reason": "Review started"},
    )
    case = officer.get(f"/casework/cases/{app_id}")
    officer.post(
        f"/casework/cases/{app_id}/transition",
        data={
            "csrf_token": csrf(case.text),
            "to": "information_requested",
            "reason-information_requested": "Send a copy of your birth certificate",
        },
    )
    page = migrant.get(f"/track/{app_id}", params={"lang": "en"})
    assert "Send a copy of your birth certificate" in page.text
    empty = migrant.post(
        f"/track/{app_id}/reply", data={"csrf_token": csrf(page.text), "reply": ""}
    )
    assert empty.status_code == 422 and "Enter your answer" in empty.text
    done = migrant.post(
        f"/track/{app_id}/reply",
        data={"csrf_token": csrf(page.text), "reply": "I will bring it on Monday"},
    )
    assert done.status_code == 200
    assert "tag--in_review" in done.text and "Send answer" not in done.text


def test_sign_in_is_required_to_send(site: Site) -> None:
    client = site.client()
    response = client.post(f"/apply/{PATHWAY}", data={}, follow_redirects=False, forged=True)
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"].startswith("/login")


def test_a_pathway_no_office_takes_cannot_be_applied_for_here(site: Site) -> None:
    """Issue 15 §2: the apply pages follow the finder's button; with no office taking the
    pathway they say where to apply instead, before and after signing in, and a form
    opened earlier is not sent."""
    client = site.client()
    walk_finder(client, ARG_ANSWERS)
    page = client.get(f"/apply/{PATHWAY}", params={"lang": "es"})
    assert page.status_code == 200
    text = main_text(page.text)
    assert "Ninguna oficina de este servicio recibe solicitudes para esta vía." in text
    assert "https://www.argentina.gob.ar/interior/migraciones" in text
    assert "Sign in to apply" not in text and "Inicie sesión" not in text
    details, _username = create_account(client, "rita", f"/apply/{PATHWAY}")
    form = details_form(details.text)
    with site.app.state.sessionmaker() as session:  # the office stops taking it meanwhile
        for row in session.scalars(select(OfficePathway)).all():
            session.delete(row)
        session.commit()
    sent = client.post(f"/apply/{PATHWAY}/send", data=form, forged=True)
    assert "Ninguna oficina de este servicio recibe solicitudes para esta vía." in sent.text
    with site.app.state.sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 0
