"""Caseworker pages: the work queue and the case page with its review actions.

The queue shows each case's age against the country's review target; the case page puts
the engine's trace (each condition, its outcome and citation, as evaluated at intake and
stamped with the pack version) next to the evidence (identity, answers, documents), and
offers the next steps the workflow allows: start review, request information, propose a
decision. Every write goes through a ``ruta.cases.actions`` function.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ruta.cases.access import OFFICERS
from ruta.cases.actions import (
    do_add_note,
    do_propose_decision,
    do_transition,
    list_applications,
    open_duplicates,
    read_case,
)
from ruta.cases.actions.decisions import proposed_outcomes
from ruta.cases.errors import NotFoundError, PermissionDeniedError
from ruta.cases.parameters import review_target_days
from ruta.cases.workflow import FINAL_STATES, PROPOSED_OUTCOMES, STATES
from ruta.errors import RutaError
from ruta.i18n import N_
from ruta.pathways import UnknownPathwayError, country_name, get_pathway, list_pathways
from ruta.store.models import User
from ruta.web.deps import OptionalPageUser, PageUser, SessionDep, SettingsDep
from ruta.web.i18n import render, request_language
from ruta.web.params import PageNumber
from ruta.web.ui._answers import profile_facts
from ruta.web.ui._forms import ErrorList, csrf_context, form_text, gettext_for, not_found_page
from ruta.web.ui._post import FormPost
from ruta.web.ui._queue import officer_choices, officers_of, sla_state
from ruta.web.ui.appointments import appointment_rows

__all__ = ["case_context", "override_refusal", "redirect_to_case", "router"]

router = APIRouter(tags=["pages: casework"])
_READERS = OFFICERS | {"auditor"}


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/", name="home")
def home(request: Request, user: OptionalPageUser) -> Response:
    """Officers start at their queue; everyone else at the finder (keeping ``?lang=``)."""
    query = f"?{request.url.query}" if request.url.query else ""
    if user is not None and user.role in _READERS:
        return _redirect(str(request.url_for("queue")) + query)
    return _redirect(str(request.url_for("finder_start")) + query)


def _title(pathway_id: str, lang: str) -> str:
    try:
        return get_pathway(pathway_id).title(lang)
    except UnknownPathwayError:
        return pathway_id


@router.get("/casework/queue", name="queue")
def queue(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    status: Annotated[str | None, Query()] = None,
    pathway: Annotated[str | None, Query()] = None,
    page: PageNumber = 1,
    q: Annotated[str, Query(max_length=200)] = "",
    mine: Annotated[str, Query(max_length=1)] = "",
    closed: Annotated[str, Query(max_length=1)] = "",
) -> Response:
    """Cases in the officer's scope, oldest submission first, with age and SLA.

    Open cases only unless ``closed=1`` (or a closed status is chosen); ``q`` searches the
    applicant's name, the reference and the document number; ``mine=1`` keeps the cases
    assigned to the signed-in officer.
    """
    if user.role not in _READERS:
        return _redirect(str(request.url_for("track")))
    lang = request_language(request)
    status = status if status in STATES else None
    pathway = pathway or None
    search = " ".join(q.replace("\x00", " ").split())
    show_closed = closed == "1" or status in FINAL_STATES
    items, total = list_applications(
        session,
        user,
        status=status,
        pathway=pathway,
        page=page,
        page_size=settings.page_size,
        search=search or None,
        assigned_to=user.id if mine == "1" else None,
        open_only=not show_closed,
    )
    proposals = proposed_outcomes(session, [app.id for app in items])
    now = datetime.now(UTC)
    target = review_target_days(user.country or "")
    officers = officers_of(session, user.country)
    names = {u.id: u.username for u in officers}
    flagged = open_duplicates(session, user, items)
    rows = [
        {
            "application": app,
            "possible_duplicate": app.id in flagged,
            "title": _title(app.pathway_id, lang),
            "sla": sla_state(app.submitted_at, app.status, target, now),
            "assignee": names.get(app.assigned_to) if app.assigned_to else None,
            "proposed": proposals.get(app.id),
        }
        for app in items
    ]
    pages = max(1, -(-total // settings.page_size))
    query = {
        "status": status or "",
        "pathway": pathway or "",
        "q": search,
        "mine": "1" if mine == "1" else "",
        "closed": "1" if closed == "1" else "",
    }
    context = {
        **csrf_context(request, user),
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "query": query,
        "statuses": STATES,
        "pathways": [(p.id, p.title(lang)) for p in list_pathways(user.country)],
        "target_days": target,
        "officers": officer_choices(officers),
        "bulk_targets": ("in_review", "information_requested", "withdrawn"),
        "is_supervisor": user.role == "supervisor",
    }
    return render(request, "casework/queue.html", context)


def case_context(
    request: Request, session: Session, user: User, app_id: str
) -> dict[str, Any] | None:
    """Everything the case page shows (one audited read); None when out of reach."""
    lang = request_language(request)
    try:
        case = read_case(
            session,
            user,
            app_id,
            registries=request.app.state.registries,
            lang=lang,
            # The intake result in the reader's language; ?rules=today: today's rules.
            rules="today" if request.query_params.get("rules") == "today" else "intake",
        )
    except (NotFoundError, PermissionDeniedError):
        return None
    app, steps = case.application, case.next_steps
    names = {u.id: u.username for u in case.officers}
    done = request.query_params.get("done", "")
    done_message = gettext_for(request)(DONE_MESSAGES[done]) if done in DONE_MESSAGES else ""
    return {
        **csrf_context(request, user),
        "done_message": done_message,
        "next_case": _next_case(session, user, app_id) if done_message else None,
        "application": app,
        "applicant": app.applicant,
        # The answers as the finder asked them, and countries by name, in the page language.
        "answers": profile_facts(app.profile, lang, gettext_for(request)),
        "nationality_name": country_name(app.applicant.nationality, lang),
        "title": _title(app.pathway_id, lang),
        "assessment": case.assessment,
        "steps": case.history,
        "notes": case.notes,
        "checklist": case.documents,
        "duplicates": case.duplicates,
        "duplicates_off": case.duplicates_off,
        "appointment_rows": appointment_rows(case.appointments, lang),
        "messages": case.messages,
        "decision": case.decision,
        "engine_status": case.engine_status,
        "decision_against_engine": case.decision_against_engine,
        "next_steps": steps,
        "can_start_review": steps.start_review,
        "can_request_information": steps.request_information,
        "can_propose": steps.propose_decision,
        "can_decide": steps.decide,
        "is_officer": steps.work,
        "officers": officer_choices(case.officers),
        "assignee_name": names.get(app.assigned_to) if app.assigned_to else None,
        "sla": sla_state(
            app.submitted_at, app.status, review_target_days(app.host_country), datetime.now(UTC)
        ),
        "errors": [],
        "values": {},
    }


def case_page(
    request: Request,
    session: Session,
    user: User,
    app_id: str,
    errors: ErrorList | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    """Render the case page, with form errors when an action was refused."""
    context = case_context(request, session, user, app_id)
    if context is None:
        return not_found_page(request, user)
    context.update(errors=errors or [], values=values or {}, has_errors=bool(errors))
    return render(request, "casework/case.html", context, status_code=422 if errors else 200)


#: ``?done=`` codes -> the success message the case page shows after the action.
DONE_MESSAGES: dict[str, str] = {
    "review-started": N_("Review started."),
    "information-requested": N_("Information requested: the applicant is told what to send."),
    "status-changed": N_("Status changed."),
    "decision-proposed": N_("Decision proposed: it now waits for a supervisor."),
    "decided": N_("Decision recorded."),
    "note-added": N_("Note added."),
    "assigned": N_("Assignment saved."),
    "registry-searched": N_("The registry was searched again."),
    "attendance-recorded": N_("Attendance recorded."),
    "document-uploaded": N_("Document uploaded."),
    "document-reviewed": N_("Document review saved."),
}


def redirect_to_case(request: Request, app_id: str, done: str | None = None) -> RedirectResponse:
    """Back to the case page after a successful action (POST/redirect/GET).

    ``done`` (a key of :data:`DONE_MESSAGES`) makes the page say what was done, with a
    "Next case" link first so that a keyboard user goes on without the queue.
    """
    url = str(request.url_for("case", app_id=app_id))
    lang = request.query_params.get("lang")
    query = urlencode({k: v for k, v in (("done", done), ("lang", lang)) if v})
    return _redirect(f"{url}?{query}" if query else url)


def _next_case(session: Session, user: User, app_id: str) -> str | None:
    """The oldest open case in the officer's queue other than ``app_id``, or None."""
    items, _total = list_applications(session, user, open_only=True, page_size=2)
    return next((app.id for app in items if app.id != app_id), None)


@router.get("/casework/cases/{app_id}", name="case")
def case(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """The case file: engine trace beside the evidence, history, notes and actions."""
    return case_page(request, session, user, app_id)


@router.post("/casework/cases/{app_id}/transition", name="case_transition")
async def transition(
    request: Request, app_id: str, user: PageUser, session: SessionDep
) -> Response:
    """Start review or request information (with the reason the applicant will read)."""
    form = await request.form()
    to = form_text(form, "to")
    # A request for information is typed into a textarea named for its target status
    # (``reason-information_requested``, so its error links to that box); the other
    # transitions carry a fixed ``reason`` in a hidden field.
    post = FormPost(request, session, user, form, field="reason-" + to)
    _ = post.gettext
    reason = post.text(post.field) or post.text("reason")
    missing = (
        _("Say what information or documents the applicant must send")
        if to == "information_requested"
        else _("Enter a reason")
    )
    post.check(reason, post.field, missing)
    done = {"in_review": "review-started", "information_requested": "information-requested"}
    return post.run(
        lambda: do_transition(session, user, app_id, to, reason),
        done=lambda _app: redirect_to_case(request, app_id, done.get(to, "status-changed")),
        page=lambda errors: case_page(request, session, user, app_id, errors, {"to": to}),
    )


@router.post("/casework/cases/{app_id}/propose", name="case_propose")
async def propose(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """Propose approval, denial or withdrawal, with reasons (one per line), and an override
    reason when the outcome goes against the engine's assessment."""
    post = await FormPost.read(request, session, user, field="outcome")
    _ = post.gettext
    outcome = post.text("outcome")
    reasons = [line.strip() for line in post.text("reasons").splitlines() if line.strip()]
    override_reason = post.text("override_reason")
    post.check(outcome in PROPOSED_OUTCOMES, "outcome", _("Select approve, deny or withdraw"))
    post.check(reasons, "reasons", _("Give at least one reason, one per line"))
    values = {
        "outcome": outcome,
        "reasons": post.text("reasons"),
        "override_reason": override_reason,
    }

    def refusal(exc: RutaError) -> tuple[str, str] | None:
        if exc.field == "override_reason":
            return ("override_reason", override_refusal(post, exc, override_reason))
        return post.refusal(exc)

    return post.run(
        lambda: do_propose_decision(
            session, user, app_id, outcome, reasons, override_reason=override_reason or None
        ),
        done=lambda _decision: redirect_to_case(request, app_id, "decision-proposed"),
        page=lambda errors: case_page(request, session, user, app_id, errors, values),
        refusal=refusal,
    )


def override_refusal(post: FormPost, exc: RutaError, given: str) -> str:
    """An override refusal in the page's language: missing, or given where none is needed."""
    _ = post.gettext
    if len(given) > 2000:
        return post.said(exc)
    if given:
        return str(
            _(
                "This outcome agrees with the engine's assessment: leave the override reason "
                "empty and give your grounds in the reasons"
            )
        )
    return str(
        _(
            "This outcome goes against the engine's assessment: give an override reason "
            "(why you decide so although conditions failed or could not be decided)"
        )
    )


@router.post("/casework/cases/{app_id}/notes", name="case_note")
async def add_note(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """Add an internal note to the case file."""
    post = await FormPost.read(request, session, user, field="note")
    text = post.text("note")
    post.check(text, "note", post.gettext("Enter the note"))
    return post.run(
        lambda: do_add_note(session, user, app_id, text),
        done=lambda _note: redirect_to_case(request, app_id, "note-added"),
        page=lambda errors: case_page(request, session, user, app_id, errors),
    )
