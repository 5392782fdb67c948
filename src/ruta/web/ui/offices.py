"""The office page for supervisors: an office's name, address (with its source) and the
pathways it takes (``/casework/offices/{code}``).

Every change goes through :func:`ruta.cases.actions.do_update_office` (role, country
scope, audit); the page parses the form, calls the action and shows what happened. The
pathways are the country's, from the packs in use, each a checkbox named ``pathways``;
an office's address is kept only with its source, so that applicants can see where it
comes from (Ruta never invents one).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ruta.cases.actions import country_pathways, do_update_office, get_office
from ruta.cases.errors import NotFoundError
from ruta.errors import RutaError
from ruta.store.models import User
from ruta.web.deps import PageUser, SessionDep
from ruta.web.i18n import render, request_language
from ruta.web.ui._forms import ErrorList, csrf_context, not_found_page
from ruta.web.ui._post import FormPost, see_other
from ruta.web.ui.applicant import pathway_title

__all__ = ["router"]

router = APIRouter(tags=["pages: offices"])

#: The form's text fields (the pathways are checkboxes).
_TEXTS = ("name", "address", "address_source")


def _office_page(
    request: Request,
    session: Session,
    user: User,
    code: str,
    errors: ErrorList | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    if user.role != "supervisor":
        return not_found_page(request, user)
    try:
        office = get_office(session, user, code)
    except NotFoundError:
        return not_found_page(request, user)
    lang = request_language(request)
    errors = list(errors or [])
    shown = values or {
        "name": office.name,
        "address": office.address or "",
        "address_source": office.address_source or "",
        "pathways": office.pathway_ids,
    }
    context = {
        **csrf_context(request, user),
        "office": office,
        "values": shown,
        "pathways": [
            (pathway_id, pathway_title(pathway_id, lang) or pathway_id)
            for pathway_id in country_pathways(office.country)
        ],
        "saved": request.query_params.get("done") == "saved" and not errors,
        "errors": errors,
        "error_for": dict(errors),
        "has_errors": bool(errors),
    }
    return render(request, "appointments/office.html", context, status_code=422 if errors else 200)


@router.get("/casework/offices/{code}", name="office_edit")
def office_page(request: Request, code: str, user: PageUser, session: SessionDep) -> Response:
    """An office's address, its source and the pathways it takes (supervisors)."""
    return _office_page(request, session, user, code)


@router.post("/casework/offices/{code}", name="office_save")
async def office_save(request: Request, code: str, user: PageUser, session: SessionDep) -> Response:
    """Save the office's name, address, source and pathways."""
    if user.role != "supervisor":
        return not_found_page(request, user)
    post = await FormPost.read(request, session, user, field="name")
    _ = post.gettext
    values: dict[str, Any] = {k: post.text(k) for k in _TEXTS}
    values["pathways"] = [str(p) for p in post.form.getlist("pathways")]
    post.check(values["name"], "name", _("Enter the office's name"))
    post.check(
        not values["address"] or values["address_source"],
        "address_source",
        _("Say where the address comes from: a web address (https://...) or a document"),
    )

    def refusal(exc: RutaError) -> tuple[str, str] | None:
        if isinstance(exc, NotFoundError):
            return None
        messages = {
            "name": _("Enter the office's name, at most 200 characters"),
            "address": _("Enter an address of at most 500 characters"),
            "address_source": _(
                "Give the source as a web address starting with https:// or as the name of "
                "a document, at most 500 characters"
            ),
            "pathways": _("Choose among the pathways of the office's country"),
        }
        if exc.field in messages:
            return (exc.field, messages[exc.field])
        # A refusal of no field of the form: the action's own words, at the first field.
        return ("name", post.said(exc))

    return post.run(
        lambda: do_update_office(
            session,
            user,
            code,
            name=values["name"],
            address=values["address"] or None,
            address_source=values["address_source"] or None,
            pathways=values["pathways"],
        ),
        done=lambda _office: see_other(f"{request.url_for('office_edit', code=code)}?done=saved"),
        page=lambda errors: _office_page(request, session, user, code, errors, values),
        refusal=refusal,
    )
