"""The case page shows the engine's assessment in the reader's language (issue 3)."""

from __future__ import annotations

from sqlalchemy import func, select
from tests.web.ui.conftest import Site, main_text

from ruta.pathways import get_pathway, packs_version
from ruta.store.models import Application, AuditEvent, Transition

NATIONALITY = get_pathway("arg.mercosur-temporary").condition("nationality")


def test_the_intake_assessment_is_in_the_page_language(site: Site, submitted) -> None:
    app_id = submitted()
    officer = site.signed_in("cw")
    for lang, heading in (("es", "Evaluación del motor"), ("pt", "Avaliação do motor")):
        text = main_text(officer.get(f"/casework/cases/{app_id}", params={"lang": lang}).text)
        assert heading in text and NATIONALITY.explain(lang) in text
        assert NATIONALITY.explain("en") not in text
        assert "Las reglas cambiaron" not in text and "As regras mudaram" not in text
    english = main_text(officer.get(f"/casework/cases/{app_id}", params={"lang": "en"}).text)
    assert NATIONALITY.explain("en") in english and "Re-assess with today's rules" in english


def test_changed_rules_are_named_and_today_is_read_only(site: Site, submitted) -> None:
    app_id = submitted()
    with site.app.state.sessionmaker() as session:
        # A case assessed by an earlier edition of the packs.
        app = session.get(Application, app_id)
        assert app is not None
        app.packs_version = "0123456789ab"
        session.commit()
        steps_before = session.scalar(select(func.count()).select_from(Transition))
    officer = site.signed_in("cw")
    page = officer.get(f"/casework/cases/{app_id}", params={"lang": "es"})
    text = main_text(page.text)
    assert "Las reglas cambiaron desde la solicitud" in text
    assert "0123456789ab" in text and packs_version()[:12] in text
    # The stored (English) result is what is shown, with the note saying so.
    assert NATIONALITY.explain("en") in text
    assert "Evaluar de nuevo con las reglas de hoy" in text

    today = officer.get(f"/casework/cases/{app_id}", params={"lang": "es", "rules": "today"})
    assert today.status_code == 200
    text = main_text(today.text)
    assert "Evaluación con las reglas de hoy" in text and "Solo a título informativo" in text
    assert NATIONALITY.explain("es") in text and "Volver a la evaluación de la solicitud" in text
    with site.app.state.sessionmaker() as session:
        app = session.get(Application, app_id)
        assert app is not None and app.packs_version == "0123456789ab"
        assert app.status == "submitted"
        assert session.scalar(select(func.count()).select_from(Transition)) == steps_before
        # Reading the case to re-assess it is a read of the case file: audited.
        reads = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "application.read", AuditEvent.entity_id == app_id)
        )
        assert reads is not None and reads >= 2
