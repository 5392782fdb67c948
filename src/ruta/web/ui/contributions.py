"""The finder's page "My contributions abroad": periods in, each state's share out.

A worker lists where and when they contributed; the page says which social-security
agreement adds those periods up on the date of the claim, each state's share, and why,
with citations and confidence (``ruta.labour.pensions``).

No JavaScript: rows are added and removed by submit buttons that post the whole form
back. No personal data is kept: the periods live only in the form and the response;
nothing is written to the database, a cookie or a log line. The form is posted (never a
GET query), so the periods do not end up in the address bar, the browser history or the
server's access log. Nothing is stored or changed either, so there is no CSRF token.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from babel.numbers import format_percent
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ruta.labour import LabourError
from ruta.labour.pensions import Period, Totalization, default_catalog, totalize
from ruta.web.i18n import request_language, translator
from ruta.web.ratelimit import page_rate_limit
from ruta.web.ui._countries import AMERICAS, country_options
from ruta.web.ui.finder import render

__all__ = ["router"]

# Public and anonymous: limited per client address so that a flood of finder pages cannot
# crowd out the caseworkers the same service answers (RUTA_FINDER_RATE_LIMIT).
router = APIRouter(
    prefix="/finder",
    tags=["pages: finder"],
    dependencies=[page_rate_limit("finder", lambda s: s.finder_rate_limit)],
)

MAX_ROWS = 20  # a working life fits; a bigger form is a mistake or abuse
_START_ROWS = 2
_PARTS = ("day", "month", "year")
Errors = list[tuple[str, str]]


def _rows(form: Mapping[str, Any]) -> list[dict[str, str]]:
    """The rows of the posted form, in order, each as its text fields."""
    indexes = sorted(
        {
            int(key.split("-")[1])
            for key in form
            if key.startswith("country-") and key.split("-")[1].isdigit()
        }
    )[:MAX_ROWS]
    rows = []
    for index in indexes:
        row = {"country": str(form.get(f"country-{index}") or "").strip().upper()}
        for end in ("from", "to"):
            for part in _PARTS:
                row[f"{end}-{part}"] = str(form.get(f"{end}-{index}-{part}") or "").strip()
        rows.append(row)
    return rows


def _blank() -> dict[str, str]:
    return {"country": "", **{f"{e}-{p}": "" for e in ("from", "to") for p in _PARTS}}


def _date(row: Mapping[str, str], end: str) -> dt.date | None:
    """The date of one end of a period; an empty day means the month's first or last day."""
    try:
        year, month = int(row[f"{end}-year"]), int(row[f"{end}-month"])
        if year < 1900 or not 1 <= month <= 12:
            return None
        last = calendar.monthrange(year, month)[1]
        day = int(row[f"{end}-day"]) if row[f"{end}-day"] else (1 if end == "from" else last)
        return dt.date(year, month, day)
    except ValueError:
        return None


def _periods(
    rows: list[dict[str, str]],
    claim: dt.date,
    gettext: Callable[[str], str],
    offered: frozenset[str],
) -> tuple[list[Period], Errors]:
    periods: list[Period] = []
    errors: Errors = []
    for index, row in enumerate(rows):
        if not any(row.values()):
            continue  # an empty row is a row the worker did not need
        number = {"number": index + 1}
        start, end = _date(row, "from"), _date(row, "to")
        # Only a country the page offers is read: any other value (a forged or stale form)
        # would be answered as a state that is party to nothing, named by its raw text.
        country = row["country"] if row["country"] in offered else ""
        if not country:
            errors.append(
                (f"country-{index}", gettext("Choose the country of period %(number)s") % number)
            )
        if start is None:
            errors.append(
                (
                    f"from-{index}-month",
                    gettext(
                        "Enter the month and year period %(number)s started, for example 3 2015"
                    )
                    % number,
                )
            )
        if end is None:
            errors.append(
                (
                    f"to-{index}-month",
                    gettext("Enter the month and year period %(number)s ended, for example 12 2019")
                    % number,
                )
            )
        elif start is not None and end < start:
            errors.append(
                (
                    f"to-{index}-month",
                    gettext("Period %(number)s must end on or after the day it started") % number,
                )
            )
        elif end > claim:
            errors.append(
                (
                    f"to-{index}-month",
                    gettext("Period %(number)s ends after the date of your claim") % number,
                )
            )
        if country and start is not None and end is not None:
            periods.append(Period(country, start, end, line=index + 1))
    if not periods and not errors:
        errors.append(("country-0", gettext("Enter at least one period")))
    return periods, errors


def _claim(form: Mapping[str, Any]) -> dt.date | str | None:
    """The date of the claim: None when left empty (today), the text when it is wrong."""
    parts = {p: str(form.get(f"claim-{p}") or "").strip() for p in _PARTS}
    if not any(parts.values()):
        return None
    try:
        day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return "invalid"
    return day if day.year >= 1900 else "invalid"


def _shares(answer: Totalization, lang: str) -> list[str]:
    return [format_percent(s.pro_rata, "#,##0.0%", locale=lang) for s in answer.states]


def _parties(catalog: Any) -> frozenset[str]:
    return frozenset(str(p.country) for a in catalog.agreements for p in a.spec.parties)


def _offered() -> frozenset[str]:
    # The agreements' states and the rest of the region: a period anywhere else is never
    # added up under them, and ~250 options per row would make the page heavy.
    return AMERICAS | _parties(default_catalog())


def _page(request: Request, values: dict[str, Any], *, status_code: int = 200) -> Response:
    lang = request_language(request)
    catalog = default_catalog()
    context = {
        "countries": country_options(lang, only=_offered()),
        "agreements": [(a.id, a.title(lang)) for a in catalog.agreements],
        "max_rows": MAX_ROWS,
        "errors": [],
        "answer": None,
        **values,
    }
    context["has_errors"] = bool(context["errors"])
    context["error_for"] = dict(reversed(context["errors"]))
    # The finder's own page frame: who is signed in with sign-out, "start again and forget
    # my answers", never stored by the browser (issue 15: every finder page, shared phones).
    return render(request, "finder/contributions.html", context, status_code=status_code)


@router.get("/contributions", name="contributions")
def contributions_form(request: Request) -> Response:
    """An empty form: two periods, the most favourable agreement, today as the claim date."""
    return _page(
        request,
        {
            "rows": [_blank() for _ in range(_START_ROWS)],
            "agreement": "auto",
            "claim": {p: "" for p in _PARTS},
        },
    )


@router.post("/contributions", name="contributions_post")
async def contributions_post(request: Request) -> Response:
    """Add a row, remove one, or add the periods up and show each state's share."""
    form = await request.form()
    lang = request_language(request)
    gettext = translator(lang).gettext
    rows = _rows(form) or [_blank()]
    action = str(form.get("action") or "calculate")
    agreement = str(form.get("agreement") or "auto")
    if agreement not in ("auto", *(a.id for a in default_catalog().agreements)):
        agreement = "auto"
    values: dict[str, Any] = {
        "rows": rows,
        "agreement": agreement,
        "claim": {p: str(form.get(f"claim-{p}") or "").strip() for p in _PARTS},
    }
    if action == "add":
        if len(rows) < MAX_ROWS:
            rows.append(_blank())
        values["focus"] = f"country-{len(rows) - 1}"
        return _page(request, values)
    if action.startswith("remove-") and action[7:].isdigit():
        position = int(action[7:])
        if 0 <= position < len(rows):
            rows.pop(position)
        values["rows"] = rows or [_blank()]
        return _page(request, values)
    claim = _claim(form)
    today = dt.datetime.now(dt.UTC).date()
    if isinstance(claim, str):
        error = ("claim-day", gettext("Enter a real date for your claim, or leave it empty"))
        return _page(request, {**values, "errors": [error]}, status_code=422)
    periods, errors = _periods(rows, claim or today, gettext, _offered())
    if errors:
        return _page(request, {**values, "errors": errors}, status_code=422)
    try:
        answer = totalize(periods, as_of=claim or today, agreement=agreement, lang=lang)
    except LabourError as exc:
        # The rows are checked above, so the engine should not refuse them; if it does, the
        # form says why in the page's language (not an English problem+json).
        error = ("country-0", exc.say(lang))
        return _page(request, {**values, "errors": [error]}, status_code=422)
    return _page(request, {**values, "answer": answer, "shares": _shares(answer, lang)})
