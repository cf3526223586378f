"""Helpers shared by the unit and integration tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tools(*names: str) -> None:
    """Skip a test when a tool is missing, but fail it in CI: CI never silently skips."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        message = f"{', '.join(missing)} not found on PATH"
        if IN_CI:
            pytest.fail(f"{message}; CI must have every tool the suite needs")
        pytest.skip(message)


def run_dualgen(*args: str, cwd: Path, check: bool = False) -> subprocess.CompletedProcess:
    """Run the CLI as a user does: a separate process, with main()'s error handling."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=check,
    )


def run_main(*args: str) -> tuple[int, str]:
    """`dualgen ARGS` in this process, as the console script runs it: exit code and stderr.

    For tests that run the CLI many times (property tests); stdout is thrown away.
    """
    import contextlib
    import io

    from generator.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(list(args))
        except SystemExit as exit_:
            return exit_.code, err.getvalue()
    raise AssertionError("main() always exits")


def response(status: int = 200, content: bytes = b"", headers=None):
    """A `requests` response as a server would have sent it, for tests of what reads one."""
    import requests
    from requests.structures import CaseInsensitiveDict

    made = requests.Response()
    made.status_code = status
    made._content = content
    made.headers = CaseInsensitiveDict(headers or {})
    return made
