"""Regularization casework: applicants, applications, workflow, decisions, audit.

Public surface: the actions (:mod:`ruta.cases.actions`), accounts
(:mod:`ruta.cases.actions.authentication`), the registries searched for duplicates
(:class:`RegistryIndexes`), the workflow table, the audit chain and the errors.
"""

from ruta.cases._tx import batch
from ruta.cases.audit import ChainReport, append_event, verify_chain
from ruta.cases.errors import (
    AuthenticationError,
    CasesError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from ruta.cases.registries import RegistryIndexes
from ruta.cases.schemas import ApplicantIn, ApplicationCreate, HouseholdMemberIn
from ruta.cases.workflow import STATES, TRANSITIONS, allowed_targets, can_move

__all__ = [
    "STATES",
    "TRANSITIONS",
    "ApplicantIn",
    "ApplicationCreate",
    "AuthenticationError",
    "CasesError",
    "ChainReport",
    "ConflictError",
    "HouseholdMemberIn",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RegistryIndexes",
    "allowed_targets",
    "append_event",
    "batch",
    "can_move",
    "verify_chain",
]
