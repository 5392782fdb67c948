"""The applicant's tracking pages: their applications, one application's status and history,
the decision with its reasons, legal basis and appeal deadline, and the steps that are the
applicant's to take (answer a request for information, appeal a denial, withdraw).

Each step is a workflow transition through ``do_transition``, so the same rules apply as
in the API: an appeal after the deadline, or a withdrawal of a decided case, is refused by
the action and the page shows why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ruta.cases.actions import (
    appointments_of,
    current_decision,
    do_transition,
    document_checklist,
    get_application,
    get_permit,
    history,
    list_applications,
)
from ruta.cases.errors import NotFoundError
from ruta.cases.workflow import can_move
from ruta.pathways import UnknownPathwayError, get_pathway
from ruta.store.models import User
from ruta.web.deps import PageUser, SessionDep
from ruta.web.i18n import render, request_language
from ruta.web.ui._forms import ErrorList, csrf_context, not_found_page
from ruta.web.ui._post import FormPost, see_other
from ruta.web.ui.appointments import appointment_rows

__all__ = ["router", "track_page"]

router = APIRouter(tags=["pages: tracking"])

#: The applicant's steps: action name -> (target status, form field).
_STEPS = {
    "reply": ("in_review", "reply"),
    "appeal": ("appealed", "grounds"),
    "withdraw": ("withdrawn", "withdraw_reason"),
}


def _title(pathway_id: str, lang: str) -> str:
    try:
        return get_pathway(pathway_id).title(lang)
    except UnknownPathwayError:
        return pathway_id


@router.get("/track", name="track")
def track(request: Request, user: PageUser, session: SessionDep) -> Response:
    """The signed-in person's applications and their status."""
    items, total = list_applications(session, user, page=1, page_size=50)
    lang = request_language(request)
    rows = [{"application": app, "title": _title(app.pathway_id, lang)} for app in items]
    context = {**csrf_context(request, user), "rows": rows, "total": total}
    return render(request, "track/list.html", context)


def track_page(
    request: Request, user: User, session: Any, app_id: str, errors: ErrorList, status: int = 200
) -> Response:
    """Render one application's tracking page, with form errors when given."""
    lang = request_language(request)
    try:
        app = get_application(session, user, app_id)
        steps = history(session, user, app_id)
        checklist = document_checklist(session, user, app_id, lang)
    except NotFoundError:
        return not_found_page(request, user)
    permit = _own_permit(session, user, app_id) if app.status == "approved" else None
    requested = next((s.reason for s in reversed(steps) if s.to_status == app.status), None)
    decision = current_decision(session, app)
    context = {
        **csrf_context(request, user),
        "application": app,
        "pathway_title": _title(app.pathway_id, lang),
        "steps": steps,
        "request_reason": requested if app.status == "information_requested" else None,
        "checklist": checklist,
        "open_case": app.status not in ("approved", "denied", "withdrawn"),
        # A proposal is internal until a supervisor decides; the applicant sees final ones.
        "decision": decision if decision is not None and decision.status == "final" else None,
        "can_appeal": app.status == "denied" and can_move(user.role, "denied", "appealed"),
        "can_withdraw": can_move(user.role, app.status, "withdrawn"),
        "appointment_rows": appointment_rows(appointments_of(session, user, app_id), lang),
        "permit": permit,
        "permit_qr": _qr_svg(permit.payload) if permit is not None else None,
        "errors": errors,
        "error_for": dict(errors),
        "has_errors": bool(errors),
    }
    return render(request, "track/application.html", context, status_code=status)


def _own_permit(session: Any, user: User, app_id: str) -> Any:
    """The approved applicant's permit (an audited read), or None before it is issued."""
    try:
        return get_permit(session, user, app_id)
    except NotFoundError:
        return None


def _qr_svg(payload: str) -> str:
    # The permit package draws the QR; imported here so the other pages never load it.
    from ruta.permits import make_qr

    return str(make_qr(payload).svg_inline(scale=3, border=4, omitsize=False))


@router.get("/track/{app_id}/permit.pdf", name="track_permit_card")
def permit_card(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """The approved applicant's permit card (PDF), in the page's language."""
    from ruta.permits import permit_card_pdf

    permit = _own_permit(session, user, app_id)
    if permit is None:
        return not_found_page(request, user)
    lang = request_language(request)
    pdf = permit_card_pdf(permit.payload, host_lang=lang, holder_lang=lang)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="permit-{permit.permit_id}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/track/{app_id}/permit.svg", name="track_permit_qr")
def permit_qr(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """The permit's QR code alone (SVG), to print or keep on a phone."""
    permit = _own_permit(session, user, app_id)
    if permit is None:
        return not_found_page(request, user)
    from io import BytesIO

    from ruta.permits import make_qr

    # A file of its own: the full SVG document (XML declaration, namespace, title).
    buffer = BytesIO()
    make_qr(permit.payload).save(buffer, kind="svg", scale=8, border=4, title=permit.permit_id)
    return Response(
        buffer.getvalue(),
        media_type="image/svg+xml",
        headers={
            "Content-Disposition": f'attachment; filename="permit-{permit.permit_id}.svg"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/track/{app_id}", name="track_application")
def track_application(
    request: Request, app_id: str, user: PageUser, session: SessionDep
) -> Response:
    """One application: status, decision, documents, history and the applicant's steps."""
    return track_page(request, user, session, app_id, [])


def _missing_text(step: str, _: Callable[[str], str]) -> str:
    return {
        "reply": _("Enter your answer to the office's request"),
        "appeal": _("Say why the decision should be changed"),
        "withdraw": _("Say why you are withdrawing the application"),
    }[step]


@router.post("/track/{app_id}/{step}", name="track_step")
async def track_step(
    request: Request, app_id: str, step: str, user: PageUser, session: SessionDep
) -> Response:
    """Answer a request for information, appeal a denial or withdraw the application."""
    if step not in _STEPS:
        return not_found_page(request, user)
    to, field = _STEPS[step]
    post = await FormPost.read(request, session, user, field=field)
    text = post.text(field)
    post.check(text, field, _missing_text(step, post.gettext))
    target = str(request.url_for("track_application", app_id=app_id))
    return post.run(
        lambda: do_transition(session, user, app_id, to, text),
        done=lambda _app: see_other(target),
        page=lambda errors: track_page(request, user, session, app_id, errors, status=422),
    )
