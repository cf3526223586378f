"""Integration tests start real generated servers: they need Python venvs, node and npm."""

from __future__ import annotations

import os
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
