"""Every catalog is complete: each message the code and templates use exists, translated
and not fuzzy, in every language of LANGUAGES, for every domain (what ``make i18n`` checks).
"""

from __future__ import annotations

import pytest

from ruta.i18n import LANGUAGES, domains, gettext, read_catalog, translator
from ruta.i18n._tooling import all_domains, check_catalog, domain_of, extract

DOMAINS = all_domains()


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_message_is_translated_in_every_language(lang: str, domain: str) -> None:
    problems = [str(problem) for problem in check_catalog(lang, domain)]
    assert problems == [], "run `make i18n` and translate:\n" + "\n".join(problems)


def test_the_packages_that_speak_have_a_domain_and_a_catalog() -> None:
    assert {"linkage", "pathways", "permits", "web"} <= set(DOMAINS)
    assert domains() == DOMAINS  # a domain with messages in the code has its catalogs


def test_a_pillars_command_line_speaks_its_pillars_catalog() -> None:
    assert domain_of("cli/pathways.py") == "pathways"
    assert domain_of("cli/permits.py") == "permits"
    assert domain_of("web/templates/permits/verify.html") == "web"
    assert domain_of("linkage/_registry_search.py") == "linkage"


@pytest.mark.parametrize(
    ("domain", "messages"),
    [
        ("web", {"Skip to main content", "Check your answers", "Select yes or no"}),
        ("pathways", {"Yes", "%(first)s or %(second)s", "Applications open on %(date)s."}),
        ("permits", {"The permit has expired.", "Residence permit"}),
        ("pathways", {"NOT ELIGIBLE", "Window: %(opens)s → %(closes)s"}),
        ("permits", {"issued by %(country)s on %(date)s"}),
        ("linkage", {"date of birth equal"}),
    ],
)
def test_extraction_finds_each_domains_messages(domain: str, messages: set[str]) -> None:
    # Guards the completeness test against a mapping that silently matches nothing.
    found = {m.id if isinstance(m.id, str) else m.id[0] for m in extract(domain) if m.id}
    assert messages <= found


def test_plural_forms_follow_the_language() -> None:
    ngettext = translator("fr", "pathways").ngettext
    singular = "valid for at least %(num)s more month"
    plural = "valid for at least %(num)s more months"
    assert ngettext(singular, plural, 1) % {"num": 1} == "valide encore au moins 1 mois"
    assert ngettext(singular, plural, 6) % {"num": 6} == "valide encore au moins 6 mois"
    es = translator("es", "pathways").ngettext
    assert es(singular, plural, 1) % {"num": 1} == "vigente al menos 1 mes más"


def test_region_tags_read_the_languages_catalog() -> None:
    assert gettext("pt-BR", "permits", "The permit has expired.") == "A autorização está vencida."
    assert translator("es-419", "web") is translator("es", "web")


def test_fuzzy_translations_are_never_shown() -> None:
    catalog = read_catalog("es", "web")
    message = catalog.get("Continue")
    assert message is not None and message.string == "Continuar" and not message.fuzzy
