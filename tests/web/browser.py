"""Helpers for the headless Chromium tests: a uvicorn server in a thread, a browser page."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("test-output/screenshots")

# Records CSP violations and dialogs; init scripts are injected by the driver, not the page.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields the base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def browser_page(answers: list[bool] | None = None) -> Iterator[tuple[Any, list[str]]]:
    """A fresh page and the list that collects its dialogs and console errors. Dialogs are
    dismissed, or answered by popping ``answers`` (True accepts) while it holds any."""
    from playwright.sync_api import sync_playwright

    events: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(WATCH)

            def on_dialog(dialog: Any) -> None:
                events.append("dialog " + dialog.message)
                if answers and answers.pop(0):
                    dialog.accept()
                else:
                    dialog.dismiss()

            page.on("dialog", on_dialog)
            page.on(
                "console",
                lambda m: (
                    events.append(f"console {m.type} {m.text}") if m.type == "error" else None
                ),
            )
            page.on("pageerror", lambda e: events.append(f"pageerror {e}"))
            yield page, events
        finally:
            browser.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
