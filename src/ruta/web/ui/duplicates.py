"""The case page's "search the registry again" button (the registry duplicate search).

The search itself runs at submission (:mod:`ruta.cases.actions.duplicates`); this route lets
an officer repeat it when it did not run (missing file, index still being built) or when
the registry has changed. The action checks role and scope and audits it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ruta.cases.actions import do_search_duplicates
from ruta.errors import RutaError
from ruta.web.deps import PageUser, RegistriesDep, SessionDep
from ruta.web.ui._post import FormPost
from ruta.web.ui.caseworker import case_page, redirect_to_case

__all__ = ["router"]

router = APIRouter(tags=["pages: casework"])


@router.post("/casework/cases/{app_id}/duplicate-search", name="case_duplicate_search")
async def search_again(
    request: Request,
    app_id: str,
    user: PageUser,
    session: SessionDep,
    registries: RegistriesDep,
) -> Response:
    """Search the host state's registry again for this applicant."""
    post = await FormPost.read(request, session, user, field="duplicate_search")

    def refusal(exc: RutaError) -> tuple[str, str] | None:
        if exc.field != "duplicate_search":  # a role refusal: as for any case action
            return None
        return post.refusal(exc)

    return post.run(
        lambda: do_search_duplicates(session, user, app_id, registries),
        done=lambda _found: redirect_to_case(request, app_id, "registry-searched"),
        page=lambda errors: case_page(request, session, user, app_id, errors),
        refusal=refusal,
    )
