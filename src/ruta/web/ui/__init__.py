"""Server-rendered pages: the public finder, the applicant's pages, casework and supervision.

``router`` is the only thing an application needs to include (``create_app`` does, and it
reads the office's partner contacts with :func:`load_partners`); every
page is rendered with :func:`ruta.web.i18n.render` in the request's language and works
without JavaScript.
"""

from __future__ import annotations

from fastapi import APIRouter

from ruta.web.ui import (
    accounts,
    applicant,
    appointments,
    caseworker,
    comparison,
    contributions,
    documents,
    duplicates,
    finder,
    household,
    notifications,
    offices,
    pair_review,
    second_factor,
    statistics,
    supervisor,
    track,
    translations,
)
from ruta.web.ui._help import load_partners

__all__ = ["load_partners", "router"]

router = APIRouter(include_in_schema=False)
router.include_router(finder.router)
router.include_router(comparison.router)
router.include_router(contributions.router)
router.include_router(applicant.router)
# Before track: its POST /track/{app_id}/{step} would otherwise catch .../appointment.
router.include_router(appointments.router)
router.include_router(offices.router)
router.include_router(track.router)
router.include_router(household.router)
router.include_router(caseworker.router)
router.include_router(supervisor.router)
router.include_router(statistics.router)
router.include_router(documents.router)
router.include_router(pair_review.router)
router.include_router(duplicates.router)
router.include_router(translations.router)
router.include_router(notifications.router)
router.include_router(second_factor.router)
router.include_router(accounts.router)
