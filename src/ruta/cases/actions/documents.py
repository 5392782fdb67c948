"""Documents: validated upload, content-addressed storage, review and the checklist.

Files are stored once per SHA-256 under ``<documents_dir>/<aa>/<sha256>``, written to a
temporary file and renamed, so a crash never leaves a half-written document. The media
type is checked against the file's first bytes, not only the client's claim.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ruta.cases._tx import finish
from ruta.cases.access import OFFICERS, check_role, load_application
from ruta.cases.audit import append_event
from ruta.cases.clock import now as clock_now
from ruta.cases.eligibility import checklist
from ruta.cases.errors import CasesError, ConflictError, NotFoundError, word
from ruta.i18n import N_
from ruta.store.models import Application, Document, User

__all__ = [
    "ChecklistItem",
    "checklist_of",
    "do_review_document",
    "do_upload_document",
    "document_checklist",
    "read_document",
    "sniff_media_type",
]

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_CLOSED = ("approved", "denied", "withdrawn")


def sniff_media_type(content: bytes) -> str | None:
    """The media type its first bytes show, among PDF, PNG and JPEG.

    Examples:
        >>> sniff_media_type(b"%PDF-1.7 ...")
        'application/pdf'
        >>> sniff_media_type(b"MZ") is None
        True
    """
    return next((media for magic, media in _MAGIC if content.startswith(magic)), None)


def _store(root: Path, content: bytes, digest: str) -> None:
    target = root / digest[:2] / digest
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def do_upload_document(
    session: Session,
    actor: User,
    application_id: str,
    *,
    document_type: str,
    filename: str,
    content: bytes,
    documents_dir: Path,
    max_bytes: int,
    allowed_types: tuple[str, ...],
) -> Document:
    """Attach a document to an application.

    Raises:
        CasesError: unknown document type, empty or too large file, or a type not allowed
            (``field`` is ``document_type`` or ``file``).
    """
    check_role(actor, {"applicant"} | OFFICERS, N_("upload documents"))
    app = load_application(session, actor, application_id)
    if app.status in _CLOSED:
        raise ConflictError(
            N_("a case that is %(status)s takes no more documents"),
            field="status",
            status=word(app.status),
        )
    known = [doc_id for doc_id, _ in checklist(app.pathway_id)] + ["other"]
    if document_type not in known:
        raise CasesError(
            N_("%(type)s is not required here; use one of %(known)s"),
            field="document_type",
            type=repr(document_type),
            known=str(known),
        )
    if not content:
        raise CasesError(N_("the file is empty; choose the scanned document"), field="file")
    if len(content) > max_bytes:
        raise CasesError(
            N_("the file has %(size)s bytes; the limit is %(limit)s bytes"),
            field="file",
            size=str(len(content)),
            limit=str(max_bytes),
        )
    media = sniff_media_type(content)
    if media is None or media not in allowed_types:
        raise CasesError(
            N_("upload a file of type %(types)s"), field="file", types=", ".join(allowed_types)
        )
    digest = hashlib.sha256(content).hexdigest()
    _store(documents_dir, content, digest)
    doc = Document(
        application_id=app.id,
        document_type=document_type,
        sha256=digest,
        size=len(content),
        media_type=media,
        filename=Path(filename or "document").name[:255],
        status="received",
        uploaded_by=actor.id,
        uploaded_at=clock_now(session),
    )
    session.add(doc)
    session.flush()
    data = {"document": doc.id, "type": document_type, "sha256": digest, "size": len(content)}
    append_event(session, actor, "document.upload", "application", app.id, data)
    finish(session)
    return doc


def _document(session: Session, actor: User, document_id: int) -> Document:
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFoundError(
            N_("no document %(document)s"), field="document_id", document=str(document_id)
        )
    load_application(session, actor, doc.application_id)  # scope check: 404 outside
    return doc


def do_review_document(
    session: Session, actor: User, document_id: int, status: str, note: str | None = None
) -> Document:
    """Mark a document verified or rejected (officers)."""
    check_role(actor, OFFICERS, N_("review documents"))
    if status not in ("verified", "rejected"):
        raise CasesError(
            N_("%(status)s: use verified or rejected"), field="status", status=repr(status)
        )
    doc = _document(session, actor, document_id)
    doc.status, doc.review_note = status, (note or None)
    doc.reviewed_by, doc.reviewed_at = actor.id, clock_now(session)
    data = {"document": doc.id, "status": status}
    append_event(session, actor, "document.review", "application", doc.application_id, data)
    finish(session)
    return doc


def read_document(
    session: Session, actor: User, document_id: int, documents_dir: Path
) -> tuple[Document, bytes]:
    """A document's record and bytes (audited as ``document.read``)."""
    doc = _document(session, actor, document_id)
    content = (documents_dir / doc.sha256[:2] / doc.sha256).read_bytes()
    append_event(
        session, actor, "document.read", "application", doc.application_id, {"document": doc.id}
    )
    finish(session)
    return doc, content


@dataclass
class ChecklistItem:
    """One required document of the pack and where this case stands on it."""

    document_type: str
    label: str
    status: str  # missing | received | verified | rejected
    document_ids: list[int] = field(default_factory=list)


def document_checklist(
    session: Session, actor: User, application_id: str, lang: str = "en"
) -> list[ChecklistItem]:
    """The pack's required documents with the best status among the uploads."""
    return checklist_of(session, load_application(session, actor, application_id), lang)


def checklist_of(session: Session, app: Application, lang: str = "en") -> list[ChecklistItem]:
    """:func:`document_checklist` of ``app``, already loaded in the reader's scope."""
    docs = session.scalars(
        select(Document).where(Document.application_id == app.id).order_by(Document.id)
    ).all()
    rank = {"verified": 3, "received": 2, "rejected": 1}
    items = []
    # The engine's list for this applicant on the day the case was evaluated: the same
    # ``when`` rules as the result the applicant and the officer read.
    needed = checklist(app.pathway_id, lang, app.profile, app.evaluated_at.date())
    for doc_id, label in needed:
        mine = [d for d in docs if d.document_type == doc_id]
        best = max((d.status for d in mine), key=lambda s: rank.get(s, 0), default="missing")
        items.append(ChecklistItem(doc_id, label, best, [d.id for d in mine]))
    return items
