"""The case page's "search the registry again" button (intake duplicate search).

The search itself runs at submission (:mod:`ruta.cases.intake`); this route lets an
officer repeat it when it did not run (missing file, index still being built) or when
the registry has changed. The action checks role and scope and audits it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ruta.cases.errors import CasesError, NotFoundError
from ruta.cases.intake import do_search_duplicates
from ruta.web.deps import PageUser, SessionDep
from ruta.web.ui._forms import gettext_for, not_found_page
from ruta.web.ui._forms import verify_csrf as _csrf_ok
from ruta.web.ui.caseworker import case_page, redirect_to_case

__all__ = ["router"]

router = APIRouter(tags=["pages: casework"])


@router.post("/casework/cases/{app_id}/duplicate-search", name="case_duplicate_search")
async def search_again(
    request: Request, app_id: str, user: PageUser, session: SessionDep
) -> Response:
    """Search the host state's registry again for this applicant."""
    _ = gettext_for(request)
    form = await request.form()
    if not _csrf_ok(request, form):
        expired = [("duplicate_search", _("The form expired. Try again"))]
        return case_page(request, session, user, app_id, expired)
    try:
        do_search_duplicates(session, user, app_id)
    except NotFoundError:
        return not_found_page(request, user)
    except CasesError as exc:
        session.rollback()
        if exc.field != "duplicate_search":  # a role refusal: as for any case action
            return not_found_page(request, user)
        return case_page(request, session, user, app_id, [("duplicate_search", exc.message)])
    return redirect_to_case(request, app_id, "registry-searched")
