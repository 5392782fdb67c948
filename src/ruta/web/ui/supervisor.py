"""Supervisor pages: final decisions, reassignment, bulk actions and the dashboard.

The four-eyes rule lives in ``ruta.cases.actions.decisions.check_decide``; this page
offers only the proposed outcome and explains a refusal next to the field. Bulk actions call
``do_bulk_transition``, which runs every case through the same checks as one at a time and
reports each refusal, so the page lists what was not moved and why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ruta.cases.actions import backlog, do_assign, do_bulk_transition, do_decide
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, PermissionDeniedError
from ruta.cases.workflow import PROPOSED_OUTCOMES, STATES
from ruta.errors import RutaError
from ruta.web.deps import PageUser, SessionDep, SettingsDep
from ruta.web.i18n import render
from ruta.web.params import form_id
from ruta.web.ui._chart import bar_chart
from ruta.web.ui._forms import ErrorList, csrf_context, gettext_for, not_found_page
from ruta.web.ui._post import FormPost
from ruta.web.ui._queue import OPEN_STATES
from ruta.web.ui.caseworker import case_page, override_refusal, redirect_to_case

__all__ = ["dashboard_figures", "router"]

router = APIRouter(tags=["pages: supervision"])

#: Days of decisions the dashboard charts (two working weeks and the weekends between).
DASHBOARD_DAYS = 14


@router.post("/casework/cases/{app_id}/decide", name="case_decide")
async def decide(
    request: Request, app_id: str, user: PageUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Take the final decision on a proposal (approval issues the permit)."""
    post = await FormPost.read(request, session, user, field="decision_outcome")
    _ = post.gettext
    outcome = post.text("decision_outcome")
    lines = post.text("decision_reasons").splitlines()
    reasons = [line.strip() for line in lines if line.strip()]
    override_reason = post.text("decision_override_reason")
    values = {
        "decision_outcome": outcome,
        "decision_reasons": post.text("decision_reasons"),
        "decision_override_reason": override_reason,
    }
    post.check(
        outcome in PROPOSED_OUTCOMES, "decision_outcome", _("Select approve, deny or withdraw")
    )
    post.check(reasons, "decision_reasons", _("Give at least one reason, one per line"))

    def refusal(exc: RutaError) -> tuple[str, str] | None:
        if isinstance(exc, NotFoundError):
            return None
        if exc.field == "override_reason":
            return ("decision_override_reason", override_refusal(post, exc, override_reason))
        return ("decision_outcome", _refusal(post, exc))

    return post.run(
        lambda: do_decide(
            session,
            user,
            app_id,
            outcome,
            reasons,
            override_reason=override_reason or None,
            keys_dir=settings.resolved_keys_dir,
        ),
        done=lambda _decision: redirect_to_case(request, app_id, "decided"),
        page=lambda errors: case_page(request, session, user, app_id, errors, values),
        refusal=refusal,
    )


def _refusal(post: FormPost, exc: RutaError) -> str:
    """The four-eyes refusals in the page's words; any other refusal as the action said it."""
    _ = post.gettext
    if exc.field != "outcome":
        return post.said(exc)
    if isinstance(exc, PermissionDeniedError):
        return str(
            _("Four eyes: someone other than the person who proposed this outcome must decide it")
        )
    if isinstance(exc, ConflictError):
        return str(
            _(
                "The decision must be the outcome proposed. To decide otherwise, send the "
                "case back for more review so that a new proposal is made"
            )
        )
    return post.said(exc)


@router.post("/casework/cases/{app_id}/assign", name="case_assign")
async def assign(request: Request, app_id: str, user: PageUser, session: SessionDep) -> Response:
    """Reassign a case to another officer of its country."""
    post = await FormPost.read(request, session, user, field="assignee")
    _ = post.gettext
    assignee = form_id(post.form, "assignee") or 0
    choose = _("Select the officer who will take the case")
    post.check(assignee, "assignee", choose)
    reason = post.text("assign_reason") or _("Reassigned by a supervisor")

    def refusal(exc: RutaError) -> tuple[str, str] | None:
        if isinstance(exc, NotFoundError) and exc.field == "assignee":
            return ("assignee", choose)  # the officer, not the case, is unknown
        return post.refusal(exc)

    return post.run(
        lambda: do_assign(session, user, app_id, assignee, reason),
        done=lambda _app: redirect_to_case(request, app_id, "assigned"),
        page=lambda errors: case_page(request, session, user, app_id, errors),
        refusal=refusal,
    )


@router.post("/casework/bulk", name="bulk")
async def bulk(request: Request, user: PageUser, session: SessionDep) -> Response:
    """Move several cases at once; each goes through the workflow's checks."""
    post = await FormPost.read(request, session, user, field="bulk-to")
    _ = post.gettext
    ids = [str(v) for v in post.form.getlist("ids") if str(v).strip()]
    to = post.text("to")
    reason = post.text("reason")
    post.check(ids, "bulk-ids", _("Select at least one case"))
    post.check(to in STATES, "bulk-to", _("Select what to do with the selected cases"))
    post.check(reason, "bulk-reason", _("Enter a reason"))

    def page(outcomes: list[Any], errors: ErrorList) -> Response:
        context = {
            **csrf_context(request, user),
            "errors": errors,
            "has_errors": bool(errors),
            "outcomes": outcomes,
            "to": to,
            "moved": sum(1 for o in outcomes if o.error is None),
        }
        return render(request, "casework/bulk.html", context, status_code=422 if errors else 200)

    # Each case's refusal is in the outcomes; a refusal of the whole batch (a role) is
    # shown at the action's field like any other.
    return post.run(
        lambda: do_bulk_transition(session, user, ids, to, reason),
        done=lambda outcomes: page(outcomes, []),
        page=lambda errors: page([], errors),
        refusal=lambda exc: ("bulk-to", post.said(exc)),
    )


def dashboard_figures(raw: dict[str, Any], today: date, days: int) -> dict[str, Any]:
    """Backlog by status and decisions per day, with every day present (zeros included).

    Examples:
        >>> figures = dashboard_figures(
        ...     {"by_status": {"in_review": 3, "approved": 2},
        ...      "decided_per_day": {"2026-11-27": 2}}, date(2026, 11, 28), 3)
        >>> figures["decided"], figures["open_total"]
        ([('2026-11-26', 0), ('2026-11-27', 2), ('2026-11-28', 0)], 3)
    """
    by_status: dict[str, int] = {s: int(raw["by_status"].get(s, 0)) for s in STATES}
    per_day: dict[str, int] = raw["decided_per_day"]
    first = today - timedelta(days=days - 1)
    days_shown = [(first + timedelta(days=i)).isoformat() for i in range(days)]
    decided = [(day, int(per_day.get(day, 0))) for day in days_shown]
    return {
        "by_status": by_status,
        "decided": decided,
        "open_total": sum(by_status[s] for s in OPEN_STATES),
        "decided_total": sum(n for _, n in decided),
    }


@router.get("/casework/dashboard", name="dashboard")
def dashboard(request: Request, user: PageUser, session: SessionDep) -> Response:
    """Backlog by status and throughput (decisions per day), charted server-side."""
    _ = gettext_for(request)
    try:
        raw = backlog(session, user, days=DASHBOARD_DAYS)
    except CasesError:
        return not_found_page(request, user)
    figures = dashboard_figures(raw, datetime.now(UTC).date(), DASHBOARD_DAYS)
    status_labels = {
        "draft": _("Draft"),
        "submitted": _("Submitted"),
        "in_review": _("In review"),
        "information_requested": _("Information requested"),
        "decision_proposed": _("Decision proposed"),
        "approved": _("Approved"),
        "denied": _("Denied"),
        "withdrawn": _("Withdrawn"),
        "appealed": _("Appealed"),
    }
    backlog_states = OPEN_STATES
    backlog_chart = bar_chart(
        [status_labels[s] for s in backlog_states],
        [(_("Cases"), [figures["by_status"][s] for s in backlog_states])],
        title=_("Open cases by status"),
        chart_id="backlog-chart",
    )
    throughput_chart = bar_chart(
        [day[5:] for day, _n in figures["decided"]],
        [(_("Decisions"), [n for _d, n in figures["decided"]])],
        title=_("Decisions per day, last %(days)s days") % {"days": DASHBOARD_DAYS},
        chart_id="throughput-chart",
    )
    context = {
        **csrf_context(request, user),
        "figures": figures,
        "status_labels": status_labels,
        "backlog_states": backlog_states,
        "backlog_chart": backlog_chart,
        "throughput_chart": throughput_chart,
        "days": DASHBOARD_DAYS,
    }
    return render(request, "casework/dashboard.html", context)
