"""``make i18n`` on a package of its own: extract, update (keeping translations and
translator comments, dropping unused messages), check, and the command's exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ruta.i18n import LANGUAGES, _catalogs, _status, _tooling, read_catalog
from ruta.i18n.__main__ import main
from ruta.i18n._tooling import check_catalog, domain_of, extract_all, update_catalogs

CODE = """
from ruta.i18n import N_
GREETING = N_("Bye %(name)s")

def page(_, ngettext):
    return _("Hello"), ngettext("%(num)s case", "%(num)s cases", 2)
"""


@pytest.fixture()
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ruta"
    (root / "locales").mkdir(parents=True)
    (root / "demo" / "templates").mkdir(parents=True)
    (root / "demo" / "views.py").write_text(CODE, encoding="utf-8")
    (root / "demo" / "templates" / "page.html").write_text(
        '<h1>{{ _("Hello") }}</h1>{% trans %}A whole paragraph.{% endtrans %}', encoding="utf-8"
    )
    monkeypatch.setattr(_catalogs, "LOCALES_DIR", root / "locales")
    monkeypatch.setattr(_tooling, "_PACKAGE_DIR", root)
    monkeypatch.setattr(_tooling, "DOMAINS_FILE", root / "locales" / "domains.cfg")
    # `check` reports the translation status, which is cached per process: computed here
    # from the demo package, it would be what a later test on this worker reads.
    caches = (extract_all, _status.translation_status)
    for cached in caches:
        cached.cache_clear()
    yield root
    for cached in caches:
        cached.cache_clear()


def _strings(lang: str) -> dict[str, object]:
    messages = (m for m in read_catalog(lang, "demo") if m.id)
    return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in messages}


def test_update_creates_the_catalogs_and_english_translates_itself(package: Path) -> None:
    changed = update_catalogs(["demo"])
    assert len(changed) == len(LANGUAGES)
    english = _strings("en")
    assert english["Hello"] == "Hello" and english["A whole paragraph."] == "A whole paragraph."
    assert english["%(num)s case"] == ("%(num)s case", "%(num)s cases")
    assert check_catalog("en", "demo") == []
    problems = {(p.message, p.problem) for p in check_catalog("es", "demo")}
    assert ("Hello", "not translated") in problems and len(problems) == 4
    assert update_catalogs(["demo"]) == []  # nothing changed, nothing written


def test_update_keeps_translations_and_comments_and_drops_unused(package: Path) -> None:
    update_catalogs(["demo"])
    path = package / "locales" / "es" / "LC_MESSAGES" / "demo.po"
    text = path.read_text(encoding="utf-8").replace(
        'msgid "Hello"\nmsgstr ""', '# unreviewed\nmsgid "Hello"\nmsgstr "Hola"'
    )
    path.write_text(text, encoding="utf-8")
    views = package / "demo" / "views.py"
    views.write_text(CODE.replace("Bye %(name)s", "Welcome"), encoding="utf-8")
    extract_all.cache_clear()
    update_catalogs(["demo"])
    catalog = read_catalog("es", "demo")
    hello = catalog.get("Hello")
    assert hello is not None and hello.string == "Hola" and hello.user_comments == ["unreviewed"]
    assert catalog.get("Bye %(name)s") is None and catalog.get("Welcome") is not None
    assert "#: ruta/demo/templates/page.html ruta/demo/views.py" in path.read_text("utf-8")


def test_check_reports_fuzzy_broken_and_unused_messages(package: Path) -> None:
    update_catalogs(["demo"])
    path = package / "locales" / "fr" / "LC_MESSAGES" / "demo.po"
    text = path.read_text(encoding="utf-8")
    text = text.replace('msgid "Hello"\nmsgstr ""', '#, fuzzy\nmsgid "Hello"\nmsgstr "Bonjour"')
    text = text.replace(
        'msgid "Bye %(name)s"\nmsgstr ""', 'msgid "Bye %(name)s"\nmsgstr "Au revoir %(nom)s"'
    )
    text += '\nmsgid "Gone"\nmsgstr "Parti"\n'
    path.write_text(text, encoding="utf-8")
    problems = {p.message: p.problem for p in check_catalog("fr", "demo")}
    assert problems["Hello"].startswith("fuzzy")
    assert problems["Bye %(name)s"] == "unknown named placeholder 'nom'"
    assert problems["Gone"].startswith("no longer used")


def test_the_command_exits_1_on_problems_and_2_on_usage(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["update", "demo"]) == 0
    assert main(["check", "demo"]) == 1
    assert "not translated" in capsys.readouterr().out
    assert main(["translate"]) == 2
    assert main(["check", "nowhere"]) == 2
    assert main(["update", "nowhere"]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_domains_cfg_gives_a_file_to_another_domain(package: Path) -> None:
    (package / "cli").mkdir()
    (package / "cli" / "demo.py").write_text('_("Command line")\n', encoding="utf-8")
    (package / "cli" / "other.py").write_text('_("Other")\n', encoding="utf-8")
    (package / "locales" / "domains.cfg").write_text(
        "[demo]\nsources = demo cli/demo.py\n", encoding="utf-8"
    )
    assert domain_of("cli/demo.py") == "demo" and domain_of("cli/other.py") == "cli"
    update_catalogs()
    assert read_catalog("fr", "demo").get("Command line") is not None
    assert read_catalog("fr", "cli").get("Command line") is None
    assert read_catalog("fr", "cli").get("Other") is not None


def test_update_keeps_the_review_field_and_check_refuses_a_bad_value(package: Path) -> None:
    update_catalogs(["demo"])
    path = package / "locales" / "fr" / "LC_MESSAGES" / "demo.po"
    text = path.read_text(encoding="utf-8").replace(
        '"Generated-By:', '"X-Review-Status: unreviewed\\n"\n"Generated-By:'
    )
    path.write_text(text, encoding="utf-8")
    extract_all.cache_clear()
    (package / "demo" / "views.py").write_text(CODE + '\n_("New")\n', encoding="utf-8")
    update_catalogs(["demo"])  # rewrites the catalog through Babel, which drops X- fields
    assert '"X-Review-Status: unreviewed\\n"' in path.read_text(encoding="utf-8")
    assert _catalogs.review_status("fr", "demo") == "unreviewed"
    assert _catalogs.review_status("es", "demo") == "reviewed"
    # A new domain's catalog starts unreviewed in a language whose catalogs await review.
    (package / "other").mkdir()
    (package / "other" / "views.py").write_text('_("Other")\n', encoding="utf-8")
    extract_all.cache_clear()
    update_catalogs(["other"])
    assert _catalogs.review_status("fr", "other") == "unreviewed"
    assert _catalogs.review_status("pt", "other") == "reviewed"
    path.write_text(
        path.read_text("utf-8").replace("X-Review-Status: unreviewed", "X-Review-Status: maybe"),
        encoding="utf-8",
    )
    assert any("X-Review-Status" in p.problem for p in check_catalog("fr", "demo"))


def test_the_review_mark_survives_a_tool_that_drops_unknown_header_fields(
    package: Path,
) -> None:
    from babel.messages.pofile import read_po, write_po

    update_catalogs(["demo"])
    path = package / "locales" / "fr" / "LC_MESSAGES" / "demo.po"
    path.write_bytes(_tooling._po_bytes(read_catalog("fr", "demo"), "unreviewed"))
    assert '"X-Review-Status: unreviewed\\n"' in path.read_text("utf-8")
    with path.open("rb") as po_file:  # Babel alone, as a make i18n from before the field
        catalog = read_po(po_file, locale="fr")
    with path.open("wb") as po_file:
        write_po(po_file, catalog, width=100, sort_output=True)
    assert "X-Review-Status" not in path.read_text("utf-8").split("\n\n")[0].split('msgstr ""')[1]
    assert _catalogs.review_status("fr", "demo") == "unreviewed"  # the header comment line
    update_catalogs(["demo"])  # and make i18n puts the field back
    assert '"X-Review-Status: unreviewed\\n"' in path.read_text("utf-8")
