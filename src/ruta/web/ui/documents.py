"""Documents on a case: upload (applicant or officer), open, verify or reject (officers).

Uploads go through ``do_upload_document``, which checks the type against the pack's
checklist, the size limit and the file's magic bytes; this page only reports the refusal
next to the field. Opening a document is an audited read (``read_document``) and is sent
as a download, never rendered inline, so an uploaded file cannot run in Ruta's origin.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from ruta.cases.access import OFFICERS
from ruta.cases.actions import do_review_document, do_upload_document, read_document
from ruta.cases.errors import NotFoundError
from ruta.errors import RutaError
from ruta.store.models import User
from ruta.web.deps import PageUser, SessionDep, SettingsDep
from ruta.web.params import RecordId
from ruta.web.ui._forms import ErrorList, gettext_for, not_found_page
from ruta.web.ui._post import FormPost
from ruta.web.ui.caseworker import case_page, redirect_to_case
from ruta.web.ui.track import track_page

__all__ = ["router"]

router = APIRouter(tags=["pages: documents"])


def _back(request: Request, user: User, app_id: str, done: str) -> RedirectResponse:
    # An officer's case page says what was done, as after every other action on it.
    if user.role in OFFICERS:
        return redirect_to_case(request, app_id, done)
    return RedirectResponse(
        str(request.url_for("track_application", app_id=app_id)), status_code=303
    )


def _with_errors(
    request: Request, session: SessionDep, user: User, app_id: str, errors: ErrorList
) -> Response:
    if user.role in OFFICERS:
        return case_page(request, session, user, app_id, errors)
    return track_page(request, user, session, app_id, errors, status=422)


@router.post("/cases/{app_id}/documents", name="document_upload")
async def upload(
    request: Request, app_id: str, user: PageUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Attach a scanned document to the case, for one item of its checklist."""
    _ = gettext_for(request)
    try:
        form = await request.form()
    except HTTPException as exc:
        if exc.status_code != 413:
            raise
        # Refused by the body limit before the file was read (see create_app).
        message = _("Upload a PDF, JPEG or PNG file of at most %(megabytes)s MB") % {
            "megabytes": settings.max_upload_bytes // (1024 * 1024)
        }
        return _with_errors(request, session, user, app_id, [("file", message)])
    post = FormPost(request, session, user, form, field="document_type")
    upload_file = form.get("file")
    document_type = post.text("document_type")
    post.check(document_type, "document_type", _("Select which document this is"))
    content = b""
    filename = ""
    if isinstance(upload_file, UploadFile):
        # One byte over the limit is enough to refuse; never read an unbounded body.
        content = await upload_file.read(settings.max_upload_bytes + 1)
        filename = upload_file.filename or ""
    post.check(content, "file", _("Choose the file of the scanned document"))

    def refusal(exc: RutaError) -> tuple[str, str] | None:
        if isinstance(exc, NotFoundError):
            return None
        message = {
            "file": _("Upload a PDF, JPEG or PNG file of at most %(megabytes)s MB")
            % {"megabytes": settings.max_upload_bytes // (1024 * 1024)},
            "document_type": _("Select which document this is"),
        }.get(exc.field or "", post.said(exc))
        return (exc.field if exc.field in ("file", "document_type") else "file", message)

    return post.run(
        lambda: do_upload_document(
            session,
            user,
            app_id,
            document_type=document_type,
            filename=filename,
            content=content,
            documents_dir=settings.resolved_documents_dir,
            max_bytes=settings.max_upload_bytes,
            allowed_types=settings.upload_types,
        ),
        done=lambda _document: _back(request, user, app_id, "document-uploaded"),
        page=lambda errors: _with_errors(request, session, user, app_id, errors),
        refusal=refusal,
    )


@router.get("/documents/{document_id}", name="document_open")
def open_document(
    request: Request,
    document_id: RecordId,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Download one document (audited)."""
    try:
        doc, content = read_document(session, user, document_id, settings.resolved_documents_dir)
    except NotFoundError:
        return not_found_page(request, user)
    safe_name = "".join(c for c in doc.filename if c.isalnum() or c in "._-") or "document"
    headers = {
        "Content-Disposition": f'attachment; filename="{safe_name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    return Response(content, media_type=doc.media_type, headers=headers)


@router.post("/casework/documents/{document_id}/review", name="document_review")
async def review(
    request: Request, document_id: RecordId, user: PageUser, session: SessionDep
) -> Response:
    """Mark a document verified or rejected, then return to its case."""
    post = await FormPost.read(request, session, user, field="checklist")
    app_id = post.text("application_id")
    return post.run(
        lambda: do_review_document(
            session, user, document_id, post.text("status"), post.text("note") or None
        ),
        done=lambda doc: _back(request, user, doc.application_id, "document-reviewed"),
        page=lambda errors: case_page(request, session, user, app_id, errors),
    )
