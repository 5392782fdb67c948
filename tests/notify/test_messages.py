"""Messages render in every language Ruta speaks, say what is needed and nothing more."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ruta.i18n import LANGUAGES
from ruta.notify import KINDS, MessageFacts, NotifyError, render_message

FACTS = MessageFacts(
    reference="0c1d2e3f-1111-2222-3333-444455556666",
    office="Lima Centro",
    when=datetime(2027, 3, 1, 14, 30, tzinfo=UTC),
    timezone="America/Lima",
    outcome="denied",
    appeal_deadline=date(2027, 3, 16),
    request="a birth certificate",
    link="https://ruta.example/track/0c1d2e3f",
)


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_every_language(kind, lang):
    message = render_message(kind, lang, "email", FACTS)
    assert message.language == lang and message.subject and "%(" not in message.body
    assert "0C1D2E3F" in message.body and FACTS.link in message.body
    if lang != "en":  # translated, not the English text
        english = render_message(kind, "en", "email", FACTS)
        assert message.subject != english.subject


def test_appointment_time_reads_on_the_offices_clock():
    body = render_message("reminder", "es", "email", FACTS).body
    assert "lunes, 1 de marzo de 2027, 9:30" in body and "Lima Centro" in body


def test_kreyol_e_mails_write_dates_in_kreyol():
    reminder = render_message("reminder", "ht-HT", "email", FACTS)
    assert reminder.language == "ht" and reminder.subject.startswith("Rapèl: randevou ou")
    assert "lendi 1 mas 2027, 09:30" in reminder.body  # CLDR has no Kreyòl months
    decision = render_message("decision", "ht", "email", FACTS).body
    assert "Ou ka fè apèl jiska 16 mas 2027." in decision


def test_short_text_for_phones():
    text = render_message("decision", "pt-BR", "sms", FACTS)
    assert text.subject == "" and text.language == "pt"
    assert text.body == (
        "Foi tomada uma decisão sobre o seu pedido (0C1D2E3F). "
        "Detalhes: https://ruta.example/track/0c1d2e3f"
    )


def test_unsupported_language_falls_back_to_spanish():
    assert render_message("permit_issued", "de", "email", FACTS).language == "es"


@pytest.mark.parametrize(
    ("kind", "outcome", "field"), [("postcard", "denied", "kind"), ("decision", None, "outcome")]
)
def test_bad_kind_or_outcome_names_the_field(kind, outcome, field):
    facts = MessageFacts(reference="x", outcome=outcome)
    with pytest.raises(NotifyError) as err:
        render_message(kind, "es", "email", facts)
    assert err.value.field == field
