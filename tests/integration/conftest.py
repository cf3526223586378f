"""Integration tests start real generated servers: they need Python venvs, node and npm."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.helpers import require_tools

PRETTIER = "prettier@3.10.1"


def pytest_collection_modifyitems(items):
    for item in items:
        if "integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def _node_available():
    require_tools("node", "npm")


@pytest.fixture(scope="session")
def prettier() -> Path:
    """prettier, installed once into dualgen's cache tools folder (never assumed present)."""
    require_tools("node", "npm")
    from generator.cache import cache_folder, locked

    tools = cache_folder("tools") / PRETTIER.replace("@", "-")
    binary = tools / "node_modules" / ".bin" / "prettier"
    # Each pytest-xdist worker has its own session: the first installs, the others wait.
    tools.mkdir(parents=True, exist_ok=True)
    with locked(tools / "install.lock"):
        if not binary.exists():
            _install(tools)
    return binary


def _install(tools: Path) -> None:
    subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            "--no-package-lock",
            "--prefix",
            str(tools),
            PRETTIER,
        ],
        check=True,
        capture_output=True,
        env=dict(os.environ),
    )


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the whole session (tests/integration/postgres.py):
    `postgres.create_database()` gives each test a fresh database's URL. Missing PostgreSQL
    skips the test, or fails it with CI=true."""
    from tests.helpers import missing
    from tests.integration import postgres as pg

    reason = pg.missing_reason()
    if reason:
        missing(reason)
    server = pg.start()
    try:
        yield server
    finally:
        server.stop()


# `dualgen ui` in Debian's Chromium (test_ui_browser.py, test_ui_proof.py, test_ui_saved.py).
# Playwright is imported in the fixtures: a suite without it still runs every other test.


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory):
    """`dualgen ui --out OUT` as a user starts it, one per test module."""
    from tests.integration.ui_server import start_ui

    folder = tmp_path_factory.mktemp("ui")
    (folder / "out").mkdir()
    started = start_ui(folder / "out", folder)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def ui_browser():
    from tests.helpers import missing
    from tests.integration.test_compare_browser import find_chromium

    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = find_chromium()
    with sync_api.sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=str(chromium), args=["--no-sandbox"]
            )
        except sync_api.Error as error:
            missing(f"Playwright cannot start {chromium}: {error}")
        yield launched
        launched.close()


#: Recorded in every page before its own script runs: what the Content-Security-Policy blocked.
WATCH_CSP = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture
def ui_context(ui_browser, request):
    """A fresh profile (no localStorage) whose every request is recorded (`requested`), any not
    for 127.0.0.1 aborted and recorded (`outside`); a failing test leaves a screenshot of each
    page in test-artifacts/."""
    from tests.integration.test_compare_browser import ARTIFACTS

    made = ui_browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    made.requested, made.outside = [], []
    made.on("request", lambda r: made.requested.append(r.url))

    def abort(route) -> None:
        made.outside.append(route.request.url)
        route.abort()

    made.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/)"), abort)
    made.add_init_script(WATCH_CSP)
    failed = request.session.testsfailed
    yield made
    if request.session.testsfailed > failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for number, page in enumerate(made.pages):
            page.screenshot(path=ARTIFACTS / f"ui-{request.node.name}-{number}.png")
    made.close()


@pytest.fixture
def open_page(ui_context, ui_server):
    """Open the page as the printed URL does (token first), with a query and a fragment; the
    page's dialogs (there should be none) are dismissed and kept in `dialogs`."""
    from playwright.sync_api import expect

    def opened(query: str = "", fragment: str = ""):
        page = ui_context.new_page()
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.goto(ui_server.url + (f"&{query}" if query else "") + fragment)
        expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=30_000)
        return page

    return opened
