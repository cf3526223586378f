"""Helpers shared by the unit and integration tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(message: str, in_ci: str = "CI must have every tool the suite needs") -> NoReturn:
    """Skip a test whose prerequisite is missing, but fail it in CI: CI never silently skips."""
    if IN_CI:
        pytest.fail(f"{message}; {in_ci}")
    pytest.skip(message)


def require_tools(*names: str) -> None:
    """Skip a test when a tool is missing, but fail it in CI."""
    absent = [name for name in names if shutil.which(name) is None]
    if absent:
        missing(f"{', '.join(absent)} not found on PATH")


def run_dualgen(
    *args: str, cwd: Path, check: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the CLI as a user does: a separate process, with main()'s error handling, in this
    environment or `env`."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
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


def readme_section(title: str) -> str:
    """The README from title to the next heading (a # line outside a code block)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = readme[readme.index(title) :].splitlines()
    fenced = False
    for number, line in enumerate(lines[1:], 1):
        fenced ^= line.startswith("```")
        if line.startswith("#") and not fenced:
            return "\n".join(lines[:number])
    return "\n".join(lines)


def readme_use_lines() -> list[str]:
    """The lines of the README's "Use" block, each a shell command as a user types it."""
    import re

    (block,) = re.findall(r"```sh\n(.*?)```", readme_section("## Use"), re.S)
    return block.splitlines()


def after_readme_setup(folder: Path) -> tuple[str, dict[str, str]]:
    """The README's activation line and the environment of a shell in `folder` after its set-up.

    The set-up makes `.venv` and installs dualgen there. A fresh virtualenv costs a minute, so
    `folder/.venv` is a link to the virtualenv running these tests, which the same kind of
    `pip install` filled (`-e '.[test]'`: the same console script, over this checkout). PATH is
    the caller's without that virtualenv's `bin`, so plain `dualgen` is found only once the
    activation line has run.
    """
    import re

    prefix = Path(sys.prefix)
    if prefix == Path(sys.base_prefix) or not (prefix / "bin" / "activate").is_file():
        missing(
            "the tests do not run in a virtualenv with bin/activate",
            "CI runs them in .venv as the README says",
        )
    setup = readme_section("## Set-up")
    (activate,) = [
        line.split("#")[0].strip()
        for block in re.findall(r"```sh\n(.*?)```", setup, re.S)
        for line in block.splitlines()
        if line.startswith(". ")
    ]
    (folder / ".venv").symlink_to(prefix, target_is_directory=True)
    bin_ = str(prefix / "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != bin_)
    return activate, env


def run_project_tests(project: Path, installed, timeout: float) -> subprocess.CompletedProcess:
    """A generated project's own tests, as its README says to run them, with the cached
    dependencies (`installed`, a runner.Installed)."""
    return subprocess.run(
        installed.test_command(),
        cwd=project,
        env=installed.env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def unzip(data: bytes, into: Path) -> None:
    """Extract a zip as unzip does on Unix: folders, files, and each file's permission bits."""
    import io
    import stat
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            target = into / info.filename
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            target.chmod(stat.S_IMODE(info.external_attr >> 16))


def tree_of(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every path under folder with its bytes (None for a folder) and permission bits."""
    import stat

    return {
        path.relative_to(folder).as_posix(): (
            None if path.is_dir() else path.read_bytes(),
            stat.S_IMODE(path.stat().st_mode),
        )
        for path in sorted(folder.rglob("*"))
    }


def run_unprivileged(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`dualgen ARGS` as a user who owns none of the test's files (as root, through setpriv as
    nobody: root reads everything), from `/`."""
    command = [sys.executable, "-m", "generator", *args]
    if os.geteuid() == 0:
        require_tools("setpriv")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(
        command,
        cwd="/",
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=120,
    )
