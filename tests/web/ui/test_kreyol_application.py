"""An application in Kreyòl through the pages: finder, account, details, check, sent, and
the applicant's own page, every one with ``<html lang="ht">`` and Kreyòl text and dates."""

from __future__ import annotations

from tests.web.ui.conftest import (
    ARG_ANSWERS,
    Site,
    create_account,
    details_form,
    main_text,
    walk_finder,
)


def test_a_migrant_applies_in_kreyol(site: Site) -> None:
    client = site.client()
    walk_finder(client, ARG_ANSWERS, lang="ht")  # ?lang=ht: the cookie keeps it after
    results = client.get("/finder/results")
    assert '<html lang="ht">' in results.text
    assert "1 chemen ouvè pou ou jodi a." in main_text(results.text)
    pathway = "arg.mercosur-temporary"
    form, _username = create_account(client, "rose", f"/apply/{pathway}")
    assert '<html lang="ht">' in form.text and "Enfòmasyon ou" in form.text
    details = details_form(form.text)
    check = client.post(f"/apply/{pathway}", data=details)
    assert check.status_code == 200, main_text(check.text)
    assert "Verifye aplikasyon ou anvan ou voye l" in check.text
    assert "1 me 1990" in check.text  # the date of birth, with the Kreyòl month
    sent = client.post(f"/apply/{pathway}/send", data=details)
    assert sent.status_code == 200, main_text(sent.text)
    assert "Aplikasyon an voye" in sent.text and "Nimewo referans ou" in sent.text
    app_id = str(sent.url).rstrip("/").split("/")[-2]
    tracked = client.get(f"/track/{app_id}")
    assert tracked.status_code == 200 and '<html lang="ht">' in tracked.text
    assert "Depoze" in main_text(tracked.text)  # the status, in Kreyòl
