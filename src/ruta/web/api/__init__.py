"""The JSON API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``)."""

from fastapi import APIRouter

from ruta.web.api import (
    applications,
    appointments,
    audit,
    auth,
    eligibility,
    notes,
    notifications,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/v1")
router.include_router(auth.router)
router.include_router(applications.router)
router.include_router(audit.router)
router.include_router(appointments.router)
router.include_router(notes.router)
router.include_router(eligibility.router)
router.include_router(notifications.router)
