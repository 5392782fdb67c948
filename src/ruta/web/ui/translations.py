"""The translators' page: per language, how many messages and texts are translated, and
how many no native speaker has reviewed yet, so that an office knows what to check.

Public: it shows counts of the project's own texts, nothing about any person or case.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ruta.i18n import LANGUAGES, translation_status, unreviewed_summary
from ruta.web.i18n import render

__all__ = ["router"]

router = APIRouter(tags=["pages: translations"])


@router.get("/translations", name="translations")
def translations(request: Request) -> Response:
    """Each language's catalogs and YAML texts: messages, translated, not reviewed."""
    rows = translation_status()
    by_language = {code: [row for row in rows if row.lang == code] for code in LANGUAGES}
    return render(
        request,
        "translations.html",
        {"by_language": by_language, "pending": unreviewed_summary(rows)},
    )
