"""The public comparison of the states' versions of a treaty pathway (and its CSV).

Public law, so a public page: one row per condition, document, fee, parameter, validity,
window and permanence rule, one column per state, each cell with its citation and
confidence, departures from the treaty text marked. The same table downloads as CSV
(``ruta pathways compare --format csv``). The logic is ``ruta.pathways.compare``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ruta.pathways import (
    CONFIDENCE_RANK,
    PathwaysError,
    compare,
    comparison_csv,
    confidence_label,
    country_name,
    template_ids,
)
from ruta.web.deps import OptionalPageUser
from ruta.web.i18n import render, request_language
from ruta.web.ui._forms import csrf_context, gettext_for

__all__ = ["router"]

router = APIRouter(tags=["pages: comparison"])

TemplateParam = Annotated[str | None, Query(max_length=60)]
_DEFAULT = "mercosur-temporary"


@router.get("/pathways/compare", name="pathways_compare")
def comparison_page(
    request: Request, user: OptionalPageUser, template: TemplateParam = None
) -> Response:
    """The states side by side for one treaty template."""
    _ = gettext_for(request)
    lang = request_language(request)
    chosen = template or _DEFAULT
    errors = []
    try:
        table = compare(chosen, lang)
    except PathwaysError:
        errors.append(("template", _("Choose one of the treaties in the list")))
        chosen = _DEFAULT
        table = compare(chosen, lang)
    kinds = {
        "instrument": _("Legal instrument"),
        "condition": _("Condition"),
        "document": _("Document"),
        "fee": _("Fee"),
        "parameter": _("Parameter"),
        "validity": _("Validity"),
        "window": _("Application window"),
        "permanence": _("Permanence"),
        "deadline": _("Deadline"),
    }
    context = {
        **csrf_context(request, user),
        "table": table,
        # Each treaty by its title in the reader's language (the code beside it).
        "templates": [(t, compare(t, lang).title) for t in template_ids()],
        "chosen": chosen,
        "kinds": kinds,
        "state_names": {s: country_name(s, lang) for s in table.states},
        "confidence_labels": {c: confidence_label(c, lang) for c in CONFIDENCE_RANK},
        "errors": errors,
        "has_errors": bool(errors),
    }
    return render(request, "finder/compare.html", context, status_code=422 if errors else 200)


@router.get("/pathways/compare.csv", name="pathways_compare_csv")
def comparison_csv_download(request: Request, template: TemplateParam = None) -> Response:
    """The same table as CSV: one row per rule, one column per state."""
    chosen = template or _DEFAULT
    lang = request_language(request)
    try:
        table = compare(chosen, lang)
    except PathwaysError as exc:
        # Said in the page's language, as the page it is downloaded from.
        return Response(exc.say(lang) + "\n", status_code=404, media_type="text/plain")
    return Response(
        comparison_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{chosen}.csv"'},
    )
