"""The case page reads as a person would (issue 15 §3): the applicant's answers labelled
with the finder's questions in the page language, countries by name, not codes."""

from __future__ import annotations

from tests.web.ui.conftest import Site, main_text


def test_answers_are_labelled_facts_in_the_page_language(site: Site, submitted) -> None:
    app_id = submitted(nationality="VEN")
    es = main_text(site.signed_in("cw", lang="es").get(f"/casework/cases/{app_id}").text)
    assert "¿Cómo obtuvo la nacionalidad venezolana?" in es and "De nacimiento" in es
    assert "¿Tiene antecedentes penales en algún país?" in es
    pt = main_text(
        site.signed_in("cw", lang="pt").get(f"/casework/cases/{app_id}", params={"lang": "pt"}).text
    )
    assert "Venezuela" in pt and "nationalities.0" not in pt
    en = main_text(site.signed_in("cw").get(f"/casework/cases/{app_id}").text)
    assert "How did you acquire your Venezuelan nationality?" in en and "From birth" in en
    for raw in ("nationalities.0", "acquired", "host_country", "criminal_records", ">VEN<"):
        assert raw not in en


def test_identity_document_is_named_in_the_page_language(site: Site, submitted) -> None:
    app_id = submitted(nationality="VEN")
    es = main_text(site.signed_in("cw", lang="es").get(f"/casework/cases/{app_id}").text)
    assert "Pasaporte A1234567" in es and "passport" not in es
    en = main_text(site.signed_in("cw").get(f"/casework/cases/{app_id}").text)
    assert "Passport A1234567" in en
