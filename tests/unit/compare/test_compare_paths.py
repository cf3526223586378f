"""`dualgen diff` on paths that cannot be read (issue 27, low): a name too long for the system
(ENAMETOOLONG) and a folder or file without access (EACCES) give one line and exit 2, never a
traceback. The CLI runs as a separate process; the access cases run as an unprivileged user
(as root, through setpriv: root reads everything)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import run_dualgen, run_unprivileged


def one_line(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr == f"dualgen: error: {message}\n"


@pytest.fixture(scope="module")
def open_folder() -> Iterator[Path]:
    """A folder every user may enter (pytest's own are the owner's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="dualgen-paths-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder, *folder.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def project(open_folder) -> Path:
    """A Flask project everyone may read, in the open folder."""
    made = run_dualgen(
        "new", "flask", "shop", "--no-input", "-o", str(open_folder), cwd=open_folder
    )
    assert made.returncode == 0, made.stderr
    for path in (open_folder / "shop", *(open_folder / "shop").rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return open_folder / "shop"


def test_a_project_path_too_long_is_one_line(tmp_path):
    long = tmp_path / ("x" * 300)
    result = run_dualgen("diff", str(long), cwd=tmp_path)
    one_line(
        result,
        f"Invalid value for PROJECT_DIR: {str(long)!r} cannot be read: File name too long. "
        "Try 'dualgen diff -h' for help.",
    )


@pytest.mark.parametrize("side", ["--from", "--to"], ids=["from", "to"])
def test_a_spec_path_too_long_is_one_line(side, tmp_path):
    long = str(tmp_path / ("x" * 300)) + "+cors"
    other = "--to" if side == "--from" else "--from"
    result = run_dualgen("diff", "flask", side, long, other, "default", cwd=tmp_path)
    one_line(
        result,
        f"spec {long!r} does not start with default, a preset (classic, api, "
        "production) or an answer file",
    )


def test_a_project_in_a_folder_without_access_is_one_line(open_folder):
    closed = open_folder / "closed"
    (closed / "shop").mkdir(parents=True)
    closed.chmod(0o700)
    result = run_unprivileged("diff", str(closed / "shop"))
    one_line(
        result,
        f"Invalid value for PROJECT_DIR: {str(closed / 'shop')!r} cannot be read: "
        "Permission denied. Try 'dualgen diff -h' for help.",
    )


def test_an_answer_file_in_a_folder_without_access_is_one_line(open_folder):
    closed = open_folder / "closed-answers"
    closed.mkdir()
    (closed / "answers.yaml").write_text("middleware: [cors]\n", encoding="utf-8")
    closed.chmod(0o700)
    result = run_unprivileged(
        "diff", "flask", "--from", "default", "--to", str(closed / "answers.yaml")
    )
    one_line(
        result, f"answer file {str(closed / 'answers.yaml')!r} cannot be read: Permission denied"
    )


def test_a_file_without_access_in_the_project_is_one_line(project):
    (project / "notes.txt").write_text("mine\n", encoding="utf-8")
    (project / "notes.txt").chmod(0o600)
    try:
        result = run_unprivileged("diff", str(project))
    finally:
        (project / "notes.txt").unlink()
    one_line(result, f"cannot read {str(project / 'notes.txt')!r}: Permission denied")


def test_the_project_diffs_for_that_user_once_it_may_read_it(project):
    """The same user and project, every file readable: the diff runs (the cases above fail for
    the reason they name, not because this user cannot run dualgen)."""
    result = run_unprivileged("diff", str(project), "--exit-code")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == "no changes"
