"""Statistics dashboards: a country's (supervisors, auditors) and the region's.

Both show the published cells of a quarter's disclosure-controlled release (the same
cells ``ruta stats export`` writes): the backlog over the last quarters, processing time
by stage, outcomes by pathway and citizenship, take-up, SLA breaches, permits in force
and expiring. The country view adds each office's backlog forecast and the staffing
answer. The regional view is for a forum's reader (role ``regional``, who sees nothing
else) and for supervisors and auditors.

Every chart is inline SVG with its table one click away (``<details>``), and downloads
as SVG (the same drawing) and PNG (``ruta.charts``, 200 dpi, for print).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ruta.charts import render as render_chart
from ruta.charts import series_chart
from ruta.stats import StatsError
from ruta.store.models import User
from ruta.web.deps import PageUser, SessionDep, SettingsDep
from ruta.web.i18n import render, request_language
from ruta.web.ui._chart import bar_chart, line_chart
from ruta.web.ui._forms import ErrorList, csrf_context, gettext_for, not_found_page
from ruta.web.ui._statistics import (
    Figure,
    StatisticsView,
    current_quarter,
    quarters_before,
    statistics_view,
)

__all__ = ["router"]

router = APIRouter(tags=["pages: statistics"])

#: Who reads a country's dashboard (their own country).
_COUNTRY_READERS = frozenset({"supervisor", "auditor"})
#: Who reads the regional dashboard: published statistics only.
_REGIONAL_READERS = frozenset({"regional", "supervisor", "auditor"})

PeriodParam = Annotated[str | None, Query(max_length=10)]
DateParam = Annotated[str | None, Query(max_length=10)]


def _inputs(
    request: Request, period: str | None, before: str | None, now: datetime
) -> tuple[str, date, ErrorList]:
    """The period and the staffing date asked for, or the defaults with the errors."""
    _ = gettext_for(request)
    errors: ErrorList = []
    chosen = current_quarter(now)
    if period:
        code = period.strip().upper()
        if len(code) == 7 and code[:4].isdigit() and code[4:6] == "-Q" and code[6] in "1234":
            if date(int(code[:4]), (int(code[6]) - 1) * 3 + 1, 1) > now.date():
                errors.append(("period", _("Choose a quarter that has started")))
            else:
                chosen = code
        else:
            errors.append(("period", _("Enter a quarter such as 2026-Q3")))
    # Default: the end of the next quarter, a horizon a programme manager plans for.
    deadline = default = _next_quarter_end(now.date())
    if before:
        try:
            deadline = date.fromisoformat(before.strip())
        except ValueError:
            errors.append(("before", _("Enter a date as YYYY-MM-DD, for example 2027-03-31")))
        else:
            if deadline <= now.date():
                errors.append(("before", _("Enter a date after today")))
                deadline = default
    return chosen, deadline, errors


def _next_quarter_end(today: date) -> date:
    """The last day of the quarter after ``today``'s.

    Examples:
        >>> _next_quarter_end(date(2026, 12, 5)), _next_quarter_end(date(2026, 2, 1))
        (datetime.date(2027, 3, 31), datetime.date(2026, 6, 30))
    """
    index = (today.month - 1) // 3 + 2  # quarters after the year's start, to the end's
    year, index = today.year + (index - 1) // 4, (index - 1) % 4 + 1
    after = date(year + index // 4, index % 4 * 3 + 1, 1)
    return after - timedelta(days=1)


def _view(
    request: Request,
    session: Any,
    settings: Any,
    countries: list[str] | None,
    period: str,
    deadline: date,
    now: datetime,
    errors: ErrorList,
) -> StatisticsView | None:
    _ = gettext_for(request)
    population = settings.stats_population
    try:
        return statistics_view(
            session.connection(),
            database_key=settings.resolved_database_url,
            countries=countries,
            period=period,
            lang=request_language(request),
            gettext=_,
            now=now,
            population=population if population and population.is_file() else None,
            deadline=deadline,
            forecast=countries is not None,
            calendar=settings.stats_calendar,
        )
    except StatsError as exc:
        field = "period" if exc.field in ("period", None) else exc.field
        errors.append((field, exc.say(request_language(request))))
        return None


def _charts(view: StatisticsView | None) -> list[dict[str, Any]]:
    """Each figure with its inline SVG and its table."""
    if view is None:
        return []
    out = []
    for figure in view.figures:
        out.append({"figure": figure, "svg": _svg(figure)})
    return out


def _svg(figure: Figure) -> Any:
    if figure.kind == "line":
        return line_chart(
            figure.categories,
            figure.series,
            title=figure.title,
            chart_id=figure.id,
            value_label=figure.value_label,
            band=figure.band,
        )
    return bar_chart(
        figure.categories,
        figure.series,
        title=figure.title,
        chart_id=figure.id,
        value_label=figure.value_label,
    )


def _page(
    request: Request,
    user: User,
    view: StatisticsView | None,
    *,
    regional: bool,
    period: str,
    deadline: date,
    errors: ErrorList,
    now: datetime,
) -> Response:
    _ = gettext_for(request)
    context = {
        **csrf_context(request, user),
        "view": view,
        "charts": _charts(view),
        "regional": regional,
        "period": period,
        "periods": quarters_before(current_quarter(now), 8)[::-1],
        "before": deadline.isoformat(),
        "errors": errors,
        "has_errors": bool(errors),
        "confidential": _("confidential"),
        "chart_route": "regional_chart" if regional else "statistics_chart",
    }
    return render(request, "statistics/dashboard.html", context, status_code=422 if errors else 200)


@router.get("/casework/statistics", name="statistics")
def country_statistics(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    period: PeriodParam = None,
    before: DateParam = None,
) -> Response:
    """A country's dashboard for its supervisors and auditors, with the forecasts."""
    if user.role not in _COUNTRY_READERS or not user.country:
        return not_found_page(request, user)
    now = datetime.now(UTC)
    chosen, deadline, errors = _inputs(request, period, before, now)
    view = _view(request, session, settings, [user.country], chosen, deadline, now, errors)
    return _page(
        request,
        user,
        view,
        regional=False,
        period=chosen,
        deadline=deadline,
        errors=errors,
        now=now,
    )


@router.get("/statistics/regional", name="regional_statistics")
def regional_statistics(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    period: PeriodParam = None,
) -> Response:
    """Every state's published statistics side by side."""
    if user.role not in _REGIONAL_READERS:
        return not_found_page(request, user)
    now = datetime.now(UTC)
    chosen, deadline, errors = _inputs(request, period, None, now)
    view = _view(request, session, settings, None, chosen, deadline, now, errors)
    return _page(
        request,
        user,
        view,
        regional=True,
        period=chosen,
        deadline=deadline,
        errors=errors,
        now=now,
    )


def _download(
    request: Request,
    user: User,
    session: Any,
    settings: Any,
    countries: list[str] | None,
    filename: str,
    period: str | None,
    before: str | None,
) -> Response:
    """One chart of the dashboard as SVG (the page's drawing) or PNG (for print)."""
    stem, _dot, fmt = filename.rpartition(".")
    if fmt not in ("svg", "png") or not stem:
        return not_found_page(request, user)
    now = datetime.now(UTC)
    chosen, deadline, errors = _inputs(request, period, before, now)
    if errors:
        return not_found_page(request, user)
    view = _view(request, session, settings, countries, chosen, deadline, now, errors)
    figure = view.figure(stem) if view is not None else None
    if figure is None:
        return not_found_page(request, user)
    disposition = {"Content-Disposition": f'attachment; filename="{stem}-{chosen}.{fmt}"'}
    if fmt == "svg":
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + str(_svg(figure))
        return Response(body, media_type="image/svg+xml", headers=disposition)
    _ = gettext_for(request)
    chart = series_chart(
        title=figure.title,
        categories=figure.categories,
        series=figure.series,
        kind=figure.kind,
        value_label=figure.value_label,
        band=figure.band,
        category_label=figure.category_label,
        withheld=_("confidential"),
        withheld_note=_("Confidential cells are withheld and not drawn"),
    )
    return Response(render_chart(chart, "png"), media_type="image/png", headers=disposition)


@router.get("/casework/statistics/charts/{filename}", name="statistics_chart")
def country_chart(
    request: Request,
    filename: str,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    period: PeriodParam = None,
    before: DateParam = None,
) -> Response:
    """A chart of the country dashboard as ``<id>.svg`` or ``<id>.png``."""
    if user.role not in _COUNTRY_READERS or not user.country:
        return not_found_page(request, user)
    return _download(request, user, session, settings, [user.country], filename, period, before)


@router.get("/statistics/regional/charts/{filename}", name="regional_chart")
def regional_chart(
    request: Request,
    filename: str,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    period: PeriodParam = None,
) -> Response:
    """A chart of the regional dashboard as ``<id>.svg`` or ``<id>.png``."""
    if user.role not in _REGIONAL_READERS:
        return not_found_page(request, user)
    return _download(request, user, session, settings, None, filename, period, None)
