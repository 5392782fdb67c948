"""Documents on a case: upload from the applicant's page, open and verify on the case page."""

from __future__ import annotations

import re

from tests.web.ui.conftest import Site, csrf, main_text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_applicant_uploads_and_officer_verifies(site: Site, submitted) -> None:
    app_id = submitted()
    migrant = site.migrant(app_id)
    page = migrant.get(f"/track/{app_id}", params={"lang": "en"})
    assert 'enctype="multipart/form-data"' in page.text
    doc_type = re.search(
        r'<option value="([a-z_]+)">', page.text.split('id="document_type"')[1]
    ).group(1)
    sent = migrant.post(
        f"/cases/{app_id}/documents",
        data={"csrf_token": csrf(page.text), "document_type": doc_type},
        files={"file": ("passport.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 200 and "/track/" in str(sent.url)
    assert "<td>Received</td>" in main_text(sent.text)

    officer = site.signed_in("cw")
    case = officer.get(f"/casework/cases/{app_id}", params={"lang": "en"})
    link = re.search(r'href="http://testserver/documents/(\d+)"', case.text)
    assert link
    download = officer.get(f"/documents/{link.group(1)}")
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    verified = officer.post(
        f"/casework/documents/{link.group(1)}/review",
        data={"csrf_token": csrf(case.text), "application_id": app_id, "status": "verified"},
    )
    assert 'tag--approved">Verified' in verified.text
    # Another applicant cannot open the file.
    stranger = site.migrant(submitted())
    assert stranger.get(f"/documents/{link.group(1)}").status_code == 404


def test_upload_refusals_are_shown_next_to_the_field(site: Site, submitted) -> None:
    app_id = submitted()
    migrant = site.migrant(app_id)
    page = migrant.get(f"/track/{app_id}", params={"lang": "en"})
    nothing = migrant.post(
        f"/cases/{app_id}/documents", data={"csrf_token": csrf(page.text), "document_type": ""}
    )
    assert nothing.status_code == 422
    assert 'href="#document_type"' in nothing.text and 'href="#file"' in nothing.text
    text_file = migrant.post(
        f"/cases/{app_id}/documents",
        data={"csrf_token": csrf(page.text), "document_type": "other"},
        files={"file": ("notes.txt", b"just text", "text/plain")},
    )
    assert text_file.status_code == 422
    assert "Upload a PDF, JPEG or PNG file of at most 10 MB" in text_file.text


def test_the_case_page_says_a_document_was_uploaded_and_reviewed(site: Site, submitted) -> None:
    # Every action on the case page ends with a message saying what was done (issue 15 §3).
    app_id = submitted()
    officer = site.signed_in("cw", lang="es")
    case = officer.get(f"/casework/cases/{app_id}")
    doc_type = re.search(
        r'<option value="([a-z_]+)">', case.text.split('id="document_type"')[1]
    ).group(1)
    sent = officer.post(
        f"/cases/{app_id}/documents",
        data={"csrf_token": csrf(case.text), "document_type": doc_type},
        files={"file": ("passport.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 200 and f"/casework/cases/{app_id}" in str(sent.url)
    assert "done=document-uploaded" in str(sent.url)
    assert "Documento subido." in main_text(sent.text)
    link = re.search(r'href="http://testserver/documents/(\d+)"', sent.text)
    assert link
    reviewed = officer.post(
        f"/casework/documents/{link.group(1)}/review",
        data={"csrf_token": csrf(sent.text), "application_id": app_id, "status": "verified"},
    )
    assert "Revisión del documento guardada." in main_text(reviewed.text)
