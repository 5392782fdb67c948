"""Registry review pages: the queue of borderline duplicate pairs and the comparison page.

A caseworker or supervisor opens a pair, sees both registry records side by side with
the fields that differ marked, and decides "same person" or "not the same person" with a
reason. Every write, and every opening of a pair, goes through ``ruta.cases.actions``,
which audits it; other roles get the same 404 as a case outside their scope.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ruta.cases.access import OFFICERS
from ruta.cases.actions import do_decide_review_pair, get_review_pair, list_review_pairs
from ruta.cases.errors import NotFoundError
from ruta.store.models import User
from ruta.web.deps import PageUser, SessionDep, SettingsDep
from ruta.web.i18n import render
from ruta.web.params import PageNumber, RecordId
from ruta.web.ui._forms import ErrorList, csrf_context, not_found_page
from ruta.web.ui._post import FormPost, see_other

__all__ = ["router"]

router = APIRouter(tags=["pages: registry review"])


def _field_order(record_a: dict[str, str], record_b: dict[str, str]) -> list[str]:
    """The registry's fields in the contract's order (names first, as an officer reads a
    person), then any others by name; never ``record_id``.

    PostgreSQL's JSONB does not keep the stored key order, so the page sets it.

    Examples:
        >>> _field_order({"record_id": "1", "sex": "F", "zz": ""}, {"given_names": "Ana"})
        ['given_names', 'sex', 'zz']
    """
    # Imported here: the linkage package adds about 0.2 CPU seconds to a worker's start,
    # which only the review pages need (once per worker).
    from ruta.linkage import FIELDS

    present = (set(record_a) | set(record_b)) - {"record_id"}
    return [c for c in FIELDS if c in present] + sorted(present - set(FIELDS))


@router.get("/review", name="review_queue")
def queue(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    status: Annotated[str, Query()] = "pending",
    page: PageNumber = 1,
) -> Response:
    """Pending pairs, most uncertain first, or the decided ones."""
    if user.role not in OFFICERS:
        return not_found_page(request, user)
    decided = status == "decided"
    rows, total = list_review_pairs(
        session, user, decided=decided, page=page, page_size=settings.page_size
    )
    context = {
        **csrf_context(request, user),
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // settings.page_size)),
        "status": "decided" if decided else "pending",
    }
    return render(request, "review/queue.html", context)


def _pair_page(
    request: Request,
    session: Session,
    user: User,
    pair_id: int,
    errors: ErrorList | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    if user.role not in OFFICERS:
        return not_found_page(request, user)
    try:
        pair = get_review_pair(session, user, pair_id)
    except NotFoundError:
        return not_found_page(request, user)
    differing = set(pair.differing_fields)
    fields = [
        (name, pair.record_a.get(name, ""), pair.record_b.get(name, ""), name in differing)
        for name in _field_order(pair.record_a, pair.record_b)
    ]
    context = {
        **csrf_context(request, user),
        "pair": pair,
        "fields": fields,
        "errors": errors or [],
        "has_errors": bool(errors),
        "values": values or {},
    }
    return render(request, "review/pair.html", context, status_code=422 if errors else 200)


@router.get("/review/{pair_id}", name="review_pair")
def pair(request: Request, pair_id: RecordId, user: PageUser, session: SessionDep) -> Response:
    """Both records side by side (an audited read) and the decision form."""
    return _pair_page(request, session, user, pair_id)


@router.post("/review/{pair_id}", name="review_decide")
async def decide(
    request: Request, pair_id: RecordId, user: PageUser, session: SessionDep
) -> Response:
    """Record "same person" (merged) or "not the same person" (distinct) with a reason."""
    if user.role not in OFFICERS:
        return not_found_page(request, user)
    post = await FormPost.read(request, session, user, field="reason")
    _ = post.gettext
    outcome = post.text("outcome")
    reason = post.text("reason")
    if post.check(
        outcome in ("merged", "distinct"), "reason", _("Choose same person or not the same person")
    ):
        post.check(reason, "reason", _("Say why: what makes them the same person or not"))
    target = str(request.url_for("review_queue")) + "?status=decided"
    return post.run(
        lambda: do_decide_review_pair(session, user, pair_id, outcome, reason),
        done=lambda _pair: see_other(target),
        page=lambda errors: _pair_page(request, session, user, pair_id, errors, {"reason": reason}),
    )
