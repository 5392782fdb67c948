"""The case store's tables as SQLAlchemy 2 typed models.

One model per domain noun. Rows are written only by ``ruta.cases.actions``; this module
holds no behaviour beyond defaults. The Alembic migrations in ``ruta.store.migrations``
create exactly these tables (a test compares them).
"""

from ruta.store.models._base import Base
from ruta.store.models.accounts import AuthToken, LoginAttempt, RecoveryCode, User
from ruta.store.models.appointments import Appointment, Office, OfficePathway, Slot
from ruta.store.models.audit import AUDIT_CHAINS, AuditEvent, AuditHead
from ruta.store.models.cases import (
    Applicant,
    Application,
    Decision,
    Document,
    HouseholdMember,
    Note,
    Transition,
)
from ruta.store.models.notifications import (
    CHANNELS,
    OUTBOX_STATES,
    NotificationPreference,
    OutboxMessage,
)
from ruta.store.models.pair_review import REVIEW_OUTCOMES, REVIEW_STATUSES, ReviewPairRow
from ruta.store.models.permits import PermitCounter, PermitRecord

__all__ = [
    "AUDIT_CHAINS",
    "CHANNELS",
    "OUTBOX_STATES",
    "REVIEW_OUTCOMES",
    "REVIEW_STATUSES",
    "Applicant",
    "Application",
    "Appointment",
    "AuditEvent",
    "AuditHead",
    "AuthToken",
    "Base",
    "Decision",
    "Document",
    "HouseholdMember",
    "LoginAttempt",
    "Note",
    "NotificationPreference",
    "Office",
    "OfficePathway",
    "OutboxMessage",
    "PermitCounter",
    "PermitRecord",
    "RecoveryCode",
    "ReviewPairRow",
    "Slot",
    "Transition",
    "User",
]
