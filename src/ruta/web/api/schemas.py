"""Response and request shapes of ``/api/v1`` (request bodies of submissions live in
:mod:`ruta.cases.schemas`, shared with the actions)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ruta.cases.schemas import StrictInput
from ruta.store.models import Application, Decision, PermitRecord, Transition

__all__ = [
    "ApplicationCreated",
    "ApplicationList",
    "ApplicationPublic",
    "ApplicationSummary",
    "BulkTransitionIn",
    "DecisionIn",
    "DecisionPublic",
    "DuplicateCandidatePublic",
    "DuplicateSearchPublic",
    "PermitPublic",
    "PermitStatusIn",
    "TokenIn",
    "TokenOut",
    "TransitionIn",
    "TransitionPublic",
]


class TokenIn(StrictInput):
    """Credentials for a bearer token."""

    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    otp: str | None = Field(
        None,
        max_length=20,
        description="Second factor: the 6-digit code of the authenticator app, or a recovery "
        "code. Required for supervisors, administrators and anyone who set one up.",
    )


class TokenOut(BaseModel):
    """A bearer token: send it as ``Authorization: Bearer <access_token>``."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int


class ApplicationCreated(BaseModel):
    """The answer to a submission: the id, the status and the engine's result."""

    id: str
    status: str
    eligibility: dict[str, Any]

    @classmethod
    def of(cls, app: Application) -> ApplicationCreated:
        return cls(id=app.id, status=app.status, eligibility=app.eligibility)


class ApplicationSummary(BaseModel):
    """One row of a list or work queue."""

    id: str
    status: str
    pathway: str
    host_country: str
    office: str | None
    applicant_name: str
    submitted_at: datetime | None
    updated_at: datetime

    @classmethod
    def of(cls, app: Application) -> ApplicationSummary:
        a = app.applicant
        name = " ".join(p for p in (a.given_names, a.surname_1, a.surname_2) if p)
        return cls(
            id=app.id,
            status=app.status,
            pathway=app.pathway_id,
            host_country=app.host_country,
            office=app.office,
            applicant_name=name,
            submitted_at=app.submitted_at,
            updated_at=app.updated_at,
        )


class ApplicationList(BaseModel):
    """A page of applications in the caller's scope."""

    items: list[ApplicationSummary]
    page: int
    page_size: int
    total: int


class TransitionPublic(BaseModel):
    """One workflow step."""

    model_config = ConfigDict(from_attributes=True)
    from_status: str | None
    to_status: str
    actor_id: int
    at: datetime
    reason: str


class DecisionPublic(BaseModel):
    """A proposed or final decision."""

    model_config = ConfigDict(from_attributes=True)
    outcome: str
    status: str
    reasons: list[str]
    legal_basis: list[dict[str, Any]]
    proposed_by: int
    decided_by: int | None
    decided_at: datetime | None
    appeal_deadline: date | None
    #: The engine's assessment the outcome was compared with (None before it was recorded).
    engine_assessment: dict[str, Any] | None = None
    override: bool = False
    override_reason: str | None = None


class DuplicateCandidatePublic(BaseModel):
    """A registry record that may be the applicant, and its review in the review queue."""

    record_id: str
    probability: float
    reasons: list[str]
    record: dict[str, str]
    review_pair_id: int | None
    review_status: str


class DuplicateSearchPublic(BaseModel):
    """The intake duplicate search: registry and version searched, or why it did not run."""

    status: Literal["searched", "not_run"]
    reason: str
    registry: dict[str, Any]
    searched_at: datetime
    elapsed_ms: float


class ApplicationPublic(BaseModel):
    """A case file: the application, its applicant and household, engine result, history.

    ``duplicate_search`` and ``duplicate_candidates`` are for officers only (other people's
    registry records) and ``null`` when the host state has no registry configured.
    """

    id: str
    status: str
    pathway: str
    host_country: str
    office: str | None
    assigned_to: int | None
    applicant: dict[str, Any]
    household: list[dict[str, Any]]
    profile: dict[str, Any]
    eligibility: dict[str, Any]
    engine_version: str
    packs_version: str
    evaluated_at: datetime
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    history: list[TransitionPublic]
    decision: DecisionPublic | None
    duplicate_search: DuplicateSearchPublic | None = None
    duplicate_candidates: list[DuplicateCandidatePublic] | None = None

    @classmethod
    def of(
        cls,
        app: Application,
        history: list[Transition],
        decision: Decision | None,
        duplicates: dict[str, Any] | None = None,
    ) -> ApplicationPublic:
        a = app.applicant
        return cls(
            id=app.id,
            status=app.status,
            pathway=app.pathway_id,
            host_country=app.host_country,
            office=app.office,
            assigned_to=app.assigned_to,
            applicant={
                "given_names": a.given_names,
                "surname_1": a.surname_1,
                "surname_2": a.surname_2,
                "date_of_birth": a.date_of_birth,
                "sex": a.sex,
                "nationality": a.nationality,
                "document": {"type": a.document_type, "number": a.document_number},
                "email": a.email,
                "phone": a.phone,
                "languages": a.languages,
            },
            household=[
                {
                    "given_names": m.given_names,
                    "surname_1": m.surname_1,
                    "surname_2": m.surname_2,
                    "date_of_birth": m.date_of_birth,
                    "relationship": m.relationship,
                    "nationality": m.nationality,
                    "guardian": m.guardian,
                }
                for m in app.household
            ],
            profile=app.profile,
            eligibility=app.eligibility,
            engine_version=app.engine_version,
            packs_version=app.packs_version,
            evaluated_at=app.evaluated_at,
            created_at=app.created_at,
            submitted_at=app.submitted_at,
            decided_at=app.decided_at,
            history=[TransitionPublic.model_validate(t) for t in history],
            decision=DecisionPublic.model_validate(decision) if decision else None,
            duplicate_search=(
                DuplicateSearchPublic.model_validate(duplicates) if duplicates else None
            ),
            duplicate_candidates=[
                DuplicateCandidatePublic(
                    **{k: c[k] for k in ("record_id", "probability", "reasons", "record")},
                    review_pair_id=c.get("pair_id"),
                    review_status=c.get("review_status", ""),
                )
                for c in duplicates["candidates"]
            ]
            if duplicates
            else None,
        )


class TransitionIn(StrictInput):
    """Move a case to another state, saying why."""

    to: str = Field(min_length=1, max_length=30, examples=["in_review"])
    reason: str = Field(min_length=1, max_length=2000)


class BulkTransitionIn(TransitionIn):
    """The same transition for many cases (each checked on its own)."""

    ids: list[str] = Field(min_length=1, max_length=500)


class DecisionIn(StrictInput):
    """Propose (case in review) or take (case with a proposal) a decision.

    ``withdrawn`` is how an officer ends a case the applicant asked to withdraw, or
    abandoned; like ``denied`` it needs a second person to decide it. The decision must be
    the outcome proposed.
    """

    outcome: Literal["approved", "denied", "withdrawn"]
    reasons: list[str] = Field(min_length=1, max_length=20)
    #: Why the outcome goes against the engine's assessment (an approval of a case it
    #: assessed ineligible or undetermined, a denial of one it assessed eligible): required
    #: then (422 naming ``override_reason`` without it), refused otherwise.
    override_reason: str | None = Field(default=None, max_length=2000)


class PermitStatusIn(StrictInput):
    """Suspend, revoke (final) or reinstate a permit, saying why."""

    status: Literal["valid", "suspended", "revoked"]
    reason: str = Field(min_length=1, max_length=2000)


class PermitPublic(BaseModel):
    """The permit issued on approval; ``payload`` is the QR content (``RUTA1:...``)."""

    permit_id: str
    payload: str
    valid_from: date
    valid_until: date

    @classmethod
    def of(cls, permit: PermitRecord) -> PermitPublic:
        return cls(
            permit_id=permit.permit_id,
            payload=permit.payload,
            valid_from=permit.valid_from,
            valid_until=permit.valid_until,
        )
