"""Messages to applicants, rendered in their language from the ``notify`` catalog.

A message says only what the applicant needs to act: the reference, the date and the
office, what to bring, the outcome and where to read it. It never carries the reasons of
a decision, identity data or document contents: an e-mail or an SMS may be read by others
(a shared phone, a family computer), so the details stay behind the applicant's sign-in.

E-mail gets a subject and a plain-text body; SMS and WhatsApp get one short text (the
subject and the link), because a gateway bills by segment and a phone shows little.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from ruta.i18n import LANGUAGES, N_, format_date, format_time, language_of, translator
from ruta.notify._errors import NotifyError

__all__ = ["KINDS", "MessageFacts", "RenderedMessage", "render_message"]

#: What causes a message (the outbox's ``kind``).
KINDS: Final = (
    "appointment_booked",
    "reminder",
    "information_requested",
    "decision",
    "permit_issued",
)

_SUBJECTS: Final = {
    "appointment_booked": N_("Your appointment on %(when)s"),
    "reminder": N_("Reminder: your appointment on %(when)s"),
    "information_requested": N_("The office needs more information for your application"),
    "decision:approved": N_("Your application has been approved"),
    "decision:denied": N_("A decision has been taken on your application"),
    "decision:withdrawn": N_("Your application has been closed as withdrawn"),
    "permit_issued": N_("Your permit is ready"),
}

_GREETING: Final = N_("Hello,")
_REFERENCE: Final = N_("Application reference: %(reference)s")
_WHEN: Final = N_("When: %(when)s")
_WHERE: Final = N_("Where: %(office)s")
_BRING: Final = N_(
    "Bring your identity document and the originals of the documents you sent with your "
    "application."
)
_CANCEL: Final = N_(
    "If you cannot come, cancel the appointment so that someone else can have the place."
)
_BODIES: Final = {
    "appointment_booked": (N_("Your appointment is booked."),),
    "reminder": (N_("This is a reminder of your appointment."),),
    "information_requested": (
        N_("The office needs more information before it can decide on your application."),
        N_("What the office asks for: %(request)s"),
        N_("Sign in to answer and to upload documents."),
    ),
    "decision:approved": (
        N_("Your application has been approved."),
        N_("Sign in to read the decision and its reasons."),
    ),
    "decision:denied": (
        N_("A decision has been taken on your application: it has been denied."),
        N_(
            "You may appeal until %(deadline)s. Sign in to read the decision, its reasons "
            "and how to appeal."
        ),
    ),
    "decision:withdrawn": (
        N_("Your application has been closed as withdrawn."),
        N_("Sign in to read the decision and its reasons."),
    ),
    "permit_issued": (
        N_("Your permit has been issued."),
        N_("Sign in to see it and print your card. Anyone can check it with the QR code on it."),
    ),
}
_LINK: Final = N_("Your application: %(link)s")
_FOOTER: Final = N_(
    "You receive this message because you applied to the migration office. To stop these "
    "messages or to choose how you receive them, sign in and open your notification settings."
)
_SHORT_LINK: Final = N_("Details: %(link)s")


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What a message may say; every field but the reference is optional.

    Attributes:
        reference: The application id (the first eight characters are shown, as on the
            confirmation page).
        office: The office's name, for appointments.
        when: The appointment's start (timezone-aware); shown in ``timezone``.
        timezone: The office's zone (IANA name), so that the time reads as on its clock.
        outcome: ``approved``, ``denied`` or ``withdrawn``, for decisions.
        appeal_deadline: The last day to appeal a denial.
        request: What the office asks for (the caseworker's words), for information requests.
        link: Where the applicant signs in to read the case (``…/track/<id>``).
    """

    reference: str
    office: str | None = None
    when: datetime | None = None
    timezone: str | None = None
    outcome: str | None = None
    appeal_deadline: date | None = None
    request: str | None = None
    link: str | None = None


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A message ready to send: ``subject`` is empty for SMS and WhatsApp."""

    language: str
    subject: str
    body: str


def _when(facts: MessageFacts, lang: str) -> str:
    """The appointment's day and time on the office's clock, the reader's way."""
    if facts.when is None:
        return ""
    local = facts.when.astimezone(ZoneInfo(facts.timezone or "UTC"))
    return f"{format_date(local.date(), lang, 'full')}, {format_time(local, lang)}"


def render_message(kind: str, lang: str, channel: str, facts: MessageFacts) -> RenderedMessage:
    """Render one message in ``lang`` (a supported language; a region variant falls back).

    Args:
        kind: One of :data:`KINDS`.
        lang: BCP 47 tag; ``pt-BR`` reads as ``pt``; an unsupported one as ``es``.
        channel: ``email`` (subject and full body) or ``sms`` / ``whatsapp`` (one short text).
        facts: What the message may say.

    Raises:
        NotifyError: naming ``kind`` or ``outcome`` when they are not known.

    Examples:
        >>> facts = MessageFacts(reference="7d3f2a10-0000", outcome="approved",
        ...     link="https://ruta.example/track/7d3f2a10-0000")
        >>> m = render_message("decision", "pt", "email", facts)
        >>> m.subject
        'O seu pedido foi aprovado'
        >>> print(render_message("decision", "en", "sms", facts).body)
        Your application has been approved (7D3F2A10). Details: https://ruta.example/track/7d3f2a10-0000
    """
    if kind not in KINDS:
        raise NotifyError(
            N_("%(kind)s is not a message kind; use one of %(kinds)s"),
            field="kind",
            kind=repr(kind),
            kinds=", ".join(KINDS),
        )
    key = kind
    if kind == "decision":
        if facts.outcome not in ("approved", "denied", "withdrawn"):
            raise NotifyError(
                N_(
                    "a decision message needs the outcome approved, denied or withdrawn "
                    "(got %(outcome)s)"
                ),
                field="outcome",
                outcome=repr(facts.outcome),
            )
        key = f"decision:{facts.outcome}"
    language = language_of(lang) or "es"
    if language not in LANGUAGES:  # pragma: no cover - language_of returns listed ones
        language = "es"
    _ = translator(language, "notify").gettext
    reference = facts.reference[:8].upper()
    values = {
        "when": _when(facts, language),
        "office": facts.office or "",
        "reference": reference,
        "request": facts.request or "",
        "link": facts.link or "",
        "deadline": (
            format_date(facts.appeal_deadline, language, "long") if facts.appeal_deadline else ""
        ),
    }
    subject = _(_SUBJECTS[key]) % values
    if channel != "email":
        text = f"{subject} ({reference})."
        if facts.link:
            text += " " + _(_SHORT_LINK) % values
        return RenderedMessage(language, "", text)
    paragraphs = [_(_GREETING), *(_(p) % values for p in _BODIES[key])]
    if kind in ("appointment_booked", "reminder"):
        paragraphs.append("\n".join([_(_WHEN) % values, _(_WHERE) % values]))
        paragraphs += [_(_BRING), _(_CANCEL)]
    paragraphs.append(_(_REFERENCE) % values)
    if facts.link:
        paragraphs.append(_(_LINK) % values)
    paragraphs.append(_(_FOOTER))
    return RenderedMessage(language, subject, "\n\n".join(paragraphs) + "\n")
