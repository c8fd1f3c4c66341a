"""Browser fixtures: Debian's Chromium driven by Playwright, offline, with a request log.

The tests never download a browser: they launch ``/usr/bin/chromium`` (``make test`` installs
Debian's ``chromium`` package where it is missing; ``PORTCAP_CHROMIUM`` names another binary).
Every page a test opens records its console errors and every request that would leave
localhost, so a test can assert that a page is self-contained.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright

CHROMIUM = Path(os.environ.get("PORTCAP_CHROMIUM", "/usr/bin/chromium"))
ARTEFACTS = Path(__file__).resolve().parents[2] / "out" / "test-artefacts"

# Flags for a headless Chromium on a machine without internet (no background connections,
# no sandbox as root, no GPU).
_CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass
class PageLog:
    """What a page did: console errors, page errors and requests that left localhost."""

    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.external_requests, f"requests left localhost: {self.external_requests}"


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"data", "blob", "about", "file"}:
        return True
    return parsed.hostname in _LOCAL_HOSTS


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package; "
            "or set PORTCAP_CHROMIUM to a Chromium binary"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=_CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def logged_page(browser: Browser) -> Iterator[tuple[Page, PageLog]]:
    """A fresh page whose console errors and non-local requests are recorded.

    Requests that would leave localhost are recorded and aborted, so a test never waits on
    the closed network.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log = PageLog()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: log.console_errors.append(f"page error: {error}"))

    def route(route: Route) -> None:
        if _is_local(route.request.url):
            route.continue_()
        else:
            log.external_requests.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    yield page, log
    context.close()


@pytest.fixture(scope="session")
def artefacts() -> Path:
    """Folder for screenshots and other test artefacts (``out/test-artefacts``)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS
