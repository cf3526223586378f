"""`dualgen update`'s git check runs nothing the repository configures and looks at the
project's own repository (issue 27, low): its `git status` ran core.fsmonitor's command and
the clean filters of .gitattributes, and honoured GIT_DIR from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import require_tools, run_dualgen


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def committed_project(folder: Path) -> Path:
    """A Flask project made by dualgen, all of it committed to its own repository."""
    require_tools("git")
    made = run_dualgen("new", "flask", "shop", "--no-input", cwd=folder)
    assert made.returncode == 0, made.stderr
    project = folder / "shop"
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "generated")
    return project


def update(project: Path, *args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "generator", "update", str(project), *args],
        cwd=project.parent,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=120,
    )


@pytest.fixture
def canary(tmp_path) -> Path:
    """A script that leaves a file behind when anything runs it."""
    script = tmp_path / "hook.sh"
    script.write_text(f"#!/bin/sh\ntouch '{tmp_path / 'RAN'}'\ncat\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def test_git_status_runs_neither_the_fsmonitor_nor_a_clean_filter(tmp_path, canary):
    project = committed_project(tmp_path)
    git(project, "config", "core.fsmonitor", str(canary))
    (project / ".gitattributes").write_text("* filter=evil\n", encoding="utf-8")
    git(project, "config", "filter.evil.clean", str(canary))
    git(project, "config", "filter.evil.process", str(canary))
    git(project, "add", ".gitattributes")
    git(project, "commit", "-q", "-m", "attributes")
    assert (tmp_path / "RAN").exists()  # git add ran the filter: the trap works
    (tmp_path / "RAN").unlink()
    later = time.time() + 5
    os.utime(project / "app.py", (later, later))  # same content, new time: git must hash it

    result = update(project, "-m", "cors")

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "RAN").exists()
    assert "cors" in (project / ".dualgen.yaml").read_text(encoding="utf-8")


def test_the_check_reads_the_projects_repository_whatever_git_dir_names(tmp_path):
    project = committed_project(tmp_path)
    (project / "app.py").write_text("# edited, not committed\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    git(elsewhere, "init", "-q")  # clean, and not the project's
    env = {
        **os.environ,
        "GIT_DIR": str(elsewhere / ".git"),
        "GIT_WORK_TREE": str(elsewhere),
        "GIT_INDEX_FILE": str(elsewhere / ".git" / "index"),
    }
    before = (project / "app.py").read_bytes()

    result = update(project, "-m", "cors", env=env)

    assert result.returncode == 2
    assert result.stderr == (
        f"dualgen: error: {project} has uncommitted changes (git status); commit or stash them "
        "first so that you can go back, or use --force\n"
    )
    assert (project / "app.py").read_bytes() == before


def test_configuration_from_the_environment_is_not_taken_either(tmp_path, canary):
    project = committed_project(tmp_path)
    later = time.time() + 5
    os.utime(project / "app.py", (later, later))
    env = {
        **os.environ,
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "core.fsmonitor",
        "GIT_CONFIG_VALUE_0": str(canary),
    }
    subprocess.run(["git", "status"], cwd=project, env=env, capture_output=True, check=True)
    assert (tmp_path / "RAN").exists()  # plain git status takes it: the trap works
    (tmp_path / "RAN").unlink()

    result = update(project, "-m", "cors", env=env)

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "RAN").exists()
