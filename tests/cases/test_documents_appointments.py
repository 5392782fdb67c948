"""Documents (limits, SHA-256 storage, checklist) and appointments (booking, no-shows)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from tests.cases.conftest import submission

from ruta.cases import actions
from ruta.cases.errors import CasesError, ConflictError, NotFoundError

PDF = b"%PDF-1.7\n" + b"x" * 100
TYPES = ("application/pdf", "image/jpeg", "image/png")


@pytest.fixture
def docs(tmp_path):
    return tmp_path / "documents"


@pytest.fixture
def app(session, cast):
    return actions.do_submit_application(session, cast.applicant, submission())[0]


def _upload(session, actor, app_id, docs, content=PDF, document_type=None, max_bytes=1000):
    doc_type = document_type or actions.document_checklist(session, actor, app_id)[0].document_type
    return actions.do_upload_document(
        session,
        actor,
        app_id,
        document_type=doc_type,
        filename="../../etc/passport.pdf",
        content=content,
        documents_dir=docs,
        max_bytes=max_bytes,
        allowed_types=TYPES,
    )


def test_upload_is_content_addressed_and_updates_the_checklist(session, cast, app, docs):
    before = actions.document_checklist(session, cast.applicant, app.id)
    assert before and all(i.status == "missing" for i in before)
    doc = _upload(session, cast.applicant, app.id, docs)
    digest = hashlib.sha256(PDF).hexdigest()
    assert doc.sha256 == digest and (docs / digest[:2] / digest).read_bytes() == PDF
    assert doc.filename == "passport.pdf"
    again = _upload(session, cast.applicant, app.id, docs)
    assert again.sha256 == digest and len(list(docs.rglob("*"))) == 2  # one dir, one file
    actions.do_review_document(session, cast.caseworker, doc.id, "verified")
    after = actions.document_checklist(session, cast.caseworker, app.id)
    assert after[0].status == "verified" and after[0].document_ids == [doc.id, again.id]
    _, content = actions.read_document(session, cast.caseworker, doc.id, docs)
    assert content == PDF


@pytest.mark.parametrize(
    ("content", "doc_type", "field"),
    [
        (b"", None, "file"),
        (b"%PDF-" + b"x" * 2000, None, "file"),
        (b"MZ\x90\x00 executable", None, "file"),
        (PDF, "tax_return", "document_type"),
    ],
)
def test_upload_limits_name_the_field(session, cast, app, docs, content, doc_type, field):
    with pytest.raises(CasesError) as err:
        _upload(session, cast.applicant, app.id, docs, content=content, document_type=doc_type)
    assert err.value.field == field
    assert not docs.exists()


def test_other_country_cannot_see_documents(session, cast, app, docs):
    doc = _upload(session, cast.applicant, app.id, docs)
    with pytest.raises(NotFoundError):
        actions.read_document(session, cast.per_caseworker, doc.id, docs)


def _slots(session, cast, capacity=1, hours=24):
    actions.do_create_office(session, cast.supervisor, "BOG-1", "Bogotá centro")
    start = datetime.now(UTC) + timedelta(hours=hours)
    return actions.do_open_slots(session, cast.supervisor, "BOG-1", [start], capacity)


def test_booking_respects_capacity_and_no_show_releases_the_place(session, cast, docs):
    (slot,) = _slots(session, cast)
    a, _ = actions.do_submit_application(session, cast.caseworker, submission())
    b, _ = actions.do_submit_application(session, cast.caseworker, submission())
    appt = actions.do_book_appointment(session, cast.caseworker, a.id, slot.id)
    with pytest.raises(ConflictError):
        actions.do_book_appointment(session, cast.caseworker, b.id, slot.id)
    assert actions.free_slots(session, cast.caseworker, "BOG-1", datetime.now(UTC)) == []
    actions.do_mark_attendance(session, cast.caseworker, appt.id, attended=False)
    free = actions.free_slots(session, cast.caseworker, "BOG-1", datetime.now(UTC))
    assert [s.id for s in free] == [slot.id]
    assert actions.do_book_appointment(session, cast.caseworker, b.id, slot.id).status == "booked"


def test_due_reminders_are_listed_once(session, cast):
    (slot,) = _slots(session, cast, capacity=2, hours=24)
    a, _ = actions.do_submit_application(session, cast.caseworker, submission())
    appt = actions.do_book_appointment(session, cast.caseworker, a.id, slot.id)
    now = datetime.now(UTC)
    assert actions.due_reminders(session, now, hours=12) == []
    assert [x.id for x in actions.due_reminders(session, now, hours=48)] == [appt.id]
    assert actions.do_mark_reminded(session, [appt.id]) == 1
    assert actions.due_reminders(session, now, hours=48) == []


def test_cancel_gives_the_place_back(session, cast):
    (slot,) = _slots(session, cast)
    a, _ = actions.do_submit_application(session, cast.caseworker, submission())
    appt = actions.do_book_appointment(session, cast.caseworker, a.id, slot.id)
    actions.do_cancel_appointment(session, cast.caseworker, appt.id)
    assert len(actions.free_slots(session, cast.caseworker, "BOG-1", datetime.now(UTC))) == 1


def test_notes_history_and_backlog(session, cast):
    a, _ = actions.do_submit_application(session, cast.caseworker, submission())
    actions.do_add_note(session, cast.caseworker, a.id, "called the applicant")
    assert [n.text for n in actions.list_notes(session, cast.supervisor, a.id)] == [
        "called the applicant"
    ]
    assert [t.to_status for t in actions.history(session, cast.caseworker, a.id)] == ["submitted"]
    assert actions.backlog(session, cast.supervisor)["by_status"] == {"submitted": 1}


def test_the_checklist_follows_the_engines_when_rules(session, cast):
    # Issue 15: the checklist listed every document of the pack, a naturalization letter for
    # a national by birth among them; it must be the engine's list for this person.
    from ruta.cases.eligibility import checklist
    from ruta.pathways import evaluate

    mercosur = "col.mercosur-temporary"  # its naturalization letter has a `when`
    by_birth, _ = actions.do_submit_application(
        session, cast.caseworker, submission(pathway=mercosur)
    )
    naturalized_profile = {
        "nationalities": [{"country": "VEN", "acquired": "naturalization", "since": "2010-01-01"}]
    }
    naturalized, _ = actions.do_submit_application(
        session,
        cast.caseworker,
        submission(pathway=mercosur, profile={**submission().profile, **naturalized_profile}),
    )
    ids = {
        i.document_type for i in actions.document_checklist(session, cast.caseworker, by_birth.id)
    }
    assert "naturalization" not in ids and "identity" in ids
    other = actions.document_checklist(session, cast.caseworker, naturalized.id)
    assert "naturalization" in {i.document_type for i in other}
    # Exactly the engine's "documents to gather" for the same profile and day.
    result = evaluate(
        by_birth.profile, as_of=by_birth.evaluated_at.date(), pathways=[by_birth.pathway_id]
    )
    assert ids == {d.id for r in result.results for d in r.documents_to_gather}
    # Without a profile, every document of the pack may still be uploaded.
    assert "naturalization" in {doc_id for doc_id, _ in checklist(by_birth.pathway_id)}
