"""Screenshots of the statistics dashboard and the comparison page for docs/.

Serves the database of a `ruta demo` (``RUTA_DATABASE_URL``, default ./var/ruta.db) with
uvicorn on a free port and photographs, in Chromium, the country dashboard as the demo's
Colombian supervisor and the public comparison of MERCOSUR temporary residence:

    RUTA_DATABASE_URL=sqlite:////tmp/demo/ruta.db python scripts/doc_screenshots.py docs/

Needs the browser test dependencies (Debian's Chromium, playwright).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from ruta.cases.demo import DEMO_LOGINS

CHROMIUM = os.environ.get("RUTA_CHROMIUM", "/usr/bin/chromium")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(out: Path) -> None:
    port = _port()
    env = {**os.environ, "RUTA_ENV": "development"}
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [
            sys.executable,
            "-m",
            "uvicorn",
            "ruta.web:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/finder", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        password = next(p for u, p, *_ in DEMO_LOGINS if u == "col-supervisor")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-GB")
            page.set_default_timeout(120_000)
            page.goto(f"{base}/pathways/compare?template=mercosur-temporary&lang=en")
            page.screenshot(path=str(out / "pathways-compare.png"), full_page=False)
            page.goto(f"{base}/login")
            page.fill("#username", "col-supervisor")
            page.fill("#password", password)
            page.click("button[type=submit]")
            page.goto(f"{base}/casework/statistics?lang=en")
            page.screenshot(path=str(out / "statistics-dashboard.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
