"""Uploads are refused by size before the body is read (issue 16, finding 8).

A 60 MB body used to be received whole before the 422. Now the app refuses a body whose
``Content-Length`` is over the limit before reading a byte, and stops reading a chunked
body (no ``Content-Length``) at the limit. The app is driven through its ASGI interface
with a ``receive`` that counts what the server pulled, so the test sees what was read.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from tests.web.conftest import PASSWORD
from tests.web.ui.conftest import csrf

from ruta.web.problems import FORM_ALLOWANCE

CHUNK = 64 * 1024
BODY = 60 * 1024 * 1024  # what the probe sent


def _call(app, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes, int]:
    """POST a 60 MB body to ``path``; returns status, response body and bytes the app read."""
    pulled = 0

    async def receive():
        nonlocal pulled
        if pulled >= BODY:
            return {"type": "http.disconnect"}
        chunk = (PREAMBLE + b"x" * CHUNK)[:CHUNK] if pulled == 0 else b"x" * CHUNK
        pulled += CHUNK
        return {"type": "http.request", "body": chunk, "more_body": pulled < BODY}

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    # A thread of its own: the browser tests' session-wide Playwright keeps an event loop
    # running in the main thread, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, pulled


MULTIPART = (b"content-type", b"multipart/form-data; boundary=xyz")
#: The start of a well-formed upload: one file part whose content goes on and on.
PREAMBLE = (
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\n'
    b"Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
)


def test_a_declared_oversize_body_is_refused_before_reading(app, settings, api_headers) -> None:
    token = api_headers("ana", "caseworker", "COL")["Authorization"].encode()
    headers = [MULTIPART, (b"content-length", str(BODY).encode()), (b"authorization", token)]
    status, body, pulled = _call(app, "/api/v1/applications/any-id/documents", headers)
    problem = json.loads(body)
    assert status == 413 and problem["field"] == "file"
    assert str(settings.max_upload_bytes) in problem["detail"]
    assert pulled == 0  # not one byte of the body was read


def test_a_chunked_body_is_read_only_up_to_the_limit(app, settings) -> None:
    headers = [MULTIPART, (b"transfer-encoding", b"chunked")]
    status, body, pulled = _call(app, "/api/v1/applications/any-id/documents", headers)
    assert status == 413 and json.loads(body)["field"] == "file"
    limit = settings.max_upload_bytes + FORM_ALLOWANCE
    assert pulled <= limit + CHUNK < BODY  # stopped at the limit, not at 60 MB


def test_the_upload_page_says_how_large_a_file_may_be(app, client, database) -> None:
    from tests.cases.conftest import submission

    from ruta.cases.actions import do_submit_application
    from ruta.cases.actions.authentication import do_create_user

    with database.sessionmaker() as session:
        migrant = do_create_user(
            session, None, username="rosa", password=PASSWORD, role="applicant", country=None
        )
        case, _ = do_submit_application(session, migrant, submission())
        case_id = case.id
    login = client.get("/login")
    client.post("/login", data={"csrf_token": csrf(login.text), "username": "rosa",
                                "password": PASSWORD})  # fmt: skip
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items()).encode()
    headers = [MULTIPART, (b"content-length", str(BODY).encode()), (b"cookie", cookie)]
    status, body, pulled = _call(app, f"/cases/{case_id}/documents", headers)
    assert status == 422 and pulled == 0
    assert 'href="#file"' in body.decode() and " MB" in body.decode()  # the page's own message
