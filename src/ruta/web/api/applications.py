"""``/api/v1/applications``: submit, read, list, transitions, decisions, documents, permit.

Routes parse input, call one action from :mod:`ruta.cases.actions` and shape the answer;
they never query the session themselves.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile

from ruta.cases import actions
from ruta.cases.schemas import ApplicationCreate
from ruta.web.api.schemas import (
    ApplicationCreated,
    ApplicationList,
    ApplicationPublic,
    ApplicationSummary,
    BulkTransitionIn,
    DecisionIn,
    DecisionPublic,
    PermitPublic,
    PermitStatusIn,
    TransitionIn,
)
from ruta.web.deps import (
    ApiUser,
    BearerCredentials,
    RegistriesDep,
    SessionDep,
    SettingsDep,
    api_user,
)
from ruta.web.i18n import LanguageQuery
from ruta.web.params import PageNumber

__all__ = ["router"]

router = APIRouter(prefix="/applications", tags=["applications"])

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or expired bearer token"},
    404: {"description": "No such application in your scope"},
    422: {"description": "Invalid input (problem+json naming the field)"},
}


@router.post(
    "",
    status_code=201,
    response_model=ApplicationCreated,
    responses=_PROBLEMS,
)
def submit_application(
    body: ApplicationCreate,
    session: SessionDep,
    credentials: BearerCredentials,
    registries: RegistriesDep,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=200)],
) -> Response:
    """Submit an application; the same ``Idempotency-Key`` again returns the same one.

    The engine evaluates the profile for the pathway and the result is stored, stamped with
    the engine and packs versions. 201 is sent only after the commit; a replay answers 201
    too, with the same body, and creates nothing.
    """
    # The busiest route does all its work in one thread hand-off: the token is checked
    # here rather than in a dependency (its own hand-off), and the answer is serialised
    # here rather than validated again by FastAPI (another one, for a sync route).
    user = api_user(session, credentials)
    app, _created = actions.do_submit_application(
        session, user, body, idempotency_key=idempotency_key, registries=registries
    )
    answer = ApplicationCreated.of(app).model_dump_json()
    return Response(answer, status_code=201, media_type="application/json")


@router.get("", responses=_PROBLEMS)
def list_applications(
    session: SessionDep,
    user: ApiUser,
    settings: SettingsDep,
    status: Annotated[str | None, Query(max_length=30)] = None,
    pathway: Annotated[str | None, Query(max_length=80)] = None,
    page: PageNumber = 1,
) -> ApplicationList:
    """Applications in your scope, oldest submission first."""
    items, total = actions.list_applications(
        session,
        user,
        status=status or None,
        pathway=pathway or None,
        page=page,
        page_size=settings.page_size,
    )
    return ApplicationList(
        items=[ApplicationSummary.of(a) for a in items],
        page=page,
        page_size=settings.page_size,
        total=total,
    )


def _case_file(session: SessionDep, user: ApiUser, application_id: str) -> ApplicationPublic:
    app = actions.get_application(session, user, application_id)
    history = actions.history(session, user, application_id)
    decision = actions.current_decision(session, app)
    return ApplicationPublic.of(app, history, decision, actions.duplicate_view(session, user, app))


@router.get("/{application_id}", responses=_PROBLEMS)
def get_application(application_id: str, session: SessionDep, user: ApiUser) -> ApplicationPublic:
    """A case file (the read is recorded in the audit log)."""
    return _case_file(session, user, application_id)


@router.post(
    "/{application_id}/duplicate-search",
    responses={**_PROBLEMS, 403: {"description": "Officers only"}},
)
def search_duplicates(
    application_id: str, session: SessionDep, user: ApiUser, registries: RegistriesDep
) -> ApplicationPublic:
    """Search the host state's registry again (a search that did not run, a new registry)."""
    actions.do_search_duplicates(session, user, application_id, registries)
    return _case_file(session, user, application_id)


@router.post(
    "/{application_id}/transitions",
    responses={**_PROBLEMS, 409: {"description": "Not allowed now"}},
)
def transition(
    application_id: str, body: TransitionIn, session: SessionDep, user: ApiUser
) -> ApplicationPublic:
    """Move a case (``submitted -> in_review``, ``in_review -> information_requested`` ...)."""
    actions.do_transition(session, user, application_id, body.to, body.reason)
    return _case_file(session, user, application_id)


@router.post("/bulk-transitions", responses={**_PROBLEMS, 409: {"description": "Not allowed"}})
def bulk_transition(
    body: BulkTransitionIn, session: SessionDep, user: ApiUser
) -> list[dict[str, Any]]:
    """The same transition for many cases; each goes through the same checks."""
    outcomes = actions.do_bulk_transition(session, user, body.ids, body.to, body.reason)
    return [{"id": o.application_id, "status": o.status, "error": o.error} for o in outcomes]


@router.post(
    "/{application_id}/decision", responses={**_PROBLEMS, 409: {"description": "Not allowed now"}}
)
def decide(
    application_id: str,
    body: DecisionIn,
    session: SessionDep,
    user: ApiUser,
    settings: SettingsDep,
) -> DecisionPublic:
    """Propose a decision (case in review) or take it (case with a proposal; supervisors).

    Four eyes: the decision must be the outcome proposed (otherwise send the case back to
    ``in_review`` for a new proposal: 409), and a denial or a withdrawal is decided by a
    supervisor other than its proposer (403). An outcome against the engine's assessment
    needs ``override_reason`` (422 naming the field without it) and is recorded as an
    override.
    """
    decision = actions.do_decision(
        session,
        user,
        application_id,
        body.outcome,
        body.reasons,
        override_reason=body.override_reason,
        keys_dir=settings.resolved_keys_dir,
    )
    return DecisionPublic.model_validate(decision)


@router.get("/{application_id}/permit", responses=_PROBLEMS)
def permit(application_id: str, session: SessionDep, user: ApiUser) -> PermitPublic:
    """The permit issued on approval."""
    return PermitPublic.of(actions.get_permit(session, user, application_id))


@router.post(
    "/{application_id}/permit/status",
    responses={
        **_PROBLEMS,
        403: {"description": "Supervisors only"},
        409: {"description": "Revoked"},
    },
)
def permit_status(
    application_id: str,
    body: PermitStatusIn,
    session: SessionDep,
    user: ApiUser,
    settings: SettingsDep,
) -> dict[str, str]:
    """Suspend, revoke or reinstate the permit; the signed status list changes with it."""
    permit = actions.get_permit(session, user, application_id)
    changed = actions.do_set_permit_status(
        session,
        user,
        permit.permit_id,
        body.status,
        body.reason,
        keys_dir=settings.resolved_keys_dir,
    )
    return {"permit_id": changed.permit_id, "status": changed.status}


@router.get("/{application_id}/checklist", responses=_PROBLEMS)
def document_checklist(
    application_id: str, session: SessionDep, user: ApiUser, lang: LanguageQuery = "en"
) -> list[dict[str, Any]]:
    """The pack's required documents and the status of each in this case (an audited read)."""
    actions.get_application(session, user, application_id)  # records the read of the file
    items = actions.document_checklist(session, user, application_id, lang)
    return [
        {
            "document_type": i.document_type,
            "label": i.label,
            "status": i.status,
            "documents": i.document_ids,
        }
        for i in items
    ]


@router.post("/{application_id}/documents", status_code=201, responses=_PROBLEMS)
def upload_document(
    application_id: str,
    session: SessionDep,
    user: ApiUser,
    settings: SettingsDep,
    document_type: Annotated[str, Form(max_length=80)],
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    """Upload a document (PDF, PNG or JPEG up to the configured size); stored by SHA-256."""
    content = file.file.read(settings.max_upload_bytes + 1)
    doc = actions.do_upload_document(
        session,
        user,
        application_id,
        document_type=document_type,
        filename=file.filename or "document",
        content=content,
        documents_dir=settings.resolved_documents_dir,
        max_bytes=settings.max_upload_bytes,
        allowed_types=settings.upload_types,
    )
    return {
        "id": doc.id,
        "document_type": doc.document_type,
        "sha256": doc.sha256,
        "size": doc.size,
    }
