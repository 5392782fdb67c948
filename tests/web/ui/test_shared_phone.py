"""A shared phone keeps nothing of the person before (issue 15): after sign-out, or after
"start again and forget my answers", the finder shows no answers; finder pages say who is
signed in, offer sign-out, and are never stored by the browser."""

from __future__ import annotations

from tests.web.ui.conftest import ARG_ANSWERS, Site, create_account, csrf, main_text, walk_finder


def test_signing_out_forgets_the_finder_answers(site: Site) -> None:
    client = site.client()
    walk_finder(client, ARG_ANSWERS)
    _page, username = create_account(client, "luz", "/finder/check")
    check = client.get("/finder/check", params={"lang": "en"})
    text = main_text(check.text)
    assert "<dd>Bolivia</dd>" in text
    # Who is signed in, and a way out, on the finder page itself.
    assert username in check.text and "Sign out" in check.text
    assert check.headers["cache-control"] == "no-store"
    out = client.post("/logout", data={"csrf_token": csrf(check.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert '"cookies"' in out.headers["clear-site-data"]
    assert any(c.startswith("ruta_finder=") for c in out.headers.get_list("set-cookie"))
    client.cookies.clear()  # what the browser does with Clear-Site-Data and expired cookies
    after = main_text(client.get("/finder/check", params={"lang": "en"}).text)
    assert "Bolivia" not in after and username not in after


def test_start_again_is_on_every_finder_page_with_answers(finder_client) -> None:
    assert "forget my answers" not in finder_client.get("/finder/question?lang=en").text
    walk_finder(finder_client, ARG_ANSWERS)
    for path in (
        "/finder/check",
        "/finder/results",
        "/finder/question?at=1",
        "/finder/contributions",
    ):
        page = finder_client.get(path, params={"lang": "en"})
        assert "Start again and forget my answers" in page.text, path
        assert page.headers["cache-control"] == "no-store"
    results = finder_client.get("/finder/results", params={"lang": "en"})
    restarted = finder_client.post("/finder/restart", data={"csrf_token": csrf(results.text)})
    assert "/finder/question" in str(restarted.url)
    check = main_text(finder_client.get("/finder/check", params={"lang": "en"}).text)
    assert "Bolivia" not in check


def test_the_contributions_page_says_who_is_signed_in(site: Site) -> None:
    # The finder's pension page is a finder page too: the next person on a shared phone
    # sees whose session it is and can end it there.
    client = site.client()
    _page, username = create_account(client, "rosa", "/finder/contributions")
    page = client.get("/finder/contributions", params={"lang": "en"})
    assert username in page.text and "Sign out" in page.text
    assert page.headers["cache-control"] == "no-store"


def _footer(html: str) -> str:
    return html.split('<footer class="site-footer"', 1)[1]


def test_each_page_says_what_is_true_of_its_data(site: Site, applied) -> None:
    # Issue 15: the finder's promise was printed on the apply page (which sends the answers
    # to the migration authority) and on staff pages.
    client, app_id = applied()
    finder = _footer(client.get("/finder/check", params={"lang": "en"}).text)
    assert "Ruta does not store them or send them to anyone" in finder
    track = _footer(client.get(f"/track/{app_id}", params={"lang": "en"}).text)
    assert "goes to the migration authority of the country you apply to" in track
    assert "does not store them" not in track
    officer = site.signed_in("cw")
    case = _footer(officer.get(f"/casework/cases/{app_id}", params={"lang": "en"}).text)
    assert "Every reading and change is recorded in the audit log" in case
    assert "does not store them" not in case and "apply to" not in case
    spanish = _footer(client.get("/finder/check", params={"lang": "es"}).text)
    assert "no las guarda ni las envía a nadie" in spanish
