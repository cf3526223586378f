"""A workshop build never replaces a git repository it did not write (issue 27, item 9):
`check_replaceable` against real repositories, dualgen's own and a user's."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.errors import DestinationError
from generator.workshop import git as workshop_git
from tests.helpers import require_tools

GIT = shutil.which("git") or "git"


def git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    command = ["git", "-C", str(repo), "-c", "user.name=Ada", "-c", "user.email=ada@example.org"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, check=True, env=env
    ).stdout


@pytest.fixture
def dualgens(tmp_path) -> Path:
    """A repository as `workshop build` writes it: two steps, tagged."""
    require_tools("git")
    commits = [
        workshop_git.Commit("Hello", "step-1", (("app.py", "100644", b"print(1)\n"),)),
        workshop_git.Commit("More", "step-2", (("app.py", "100644", b"print(2)\n"),)),
    ]
    workshop_git.write_repository(tmp_path / "flask", commits, GIT)
    return tmp_path / "flask"


def refusal(folder: Path) -> str:
    with pytest.raises(DestinationError) as error:
        workshop_git.check_replaceable(folder, GIT)
    return str(error.value)


def expected(folder: Path, why: str) -> str:
    return (
        f"{str(folder)!r} holds a git repository that dualgen did not write ({why}); --force "
        "would replace its branch and history: move it away or build elsewhere"
    )


def test_a_repository_dualgen_wrote_may_be_replaced(dualgens, tmp_path):
    workshop_git.check_replaceable(dualgens, GIT)
    workshop_git.check_replaceable(tmp_path / "no-such-folder", GIT)
    (tmp_path / "plain").mkdir()
    workshop_git.check_replaceable(tmp_path / "plain", GIT)  # no repository: nothing to lose


def test_a_participants_commit_makes_it_theirs(dualgens):
    (dualgens / "app.py").write_text("print('mine')\n", encoding="utf-8")
    git(dualgens, "commit", "-qam", "my change")
    assert refusal(dualgens) == expected(dualgens, "a commit by 'Ada <ada@example.org>'")


def test_a_commit_only_the_reflog_remembers_still_counts(dualgens):
    (dualgens / "app.py").write_text("print('mine')\n", encoding="utf-8")
    git(dualgens, "commit", "-qam", "my change")
    git(dualgens, "reset", "-q", "--hard", "step-2")
    assert refusal(dualgens) == expected(dualgens, "a commit by 'Ada <ada@example.org>'")


def test_a_remote_or_a_branch_of_its_own_is_refused(dualgens):
    git(dualgens, "branch", "feature")
    assert refusal(dualgens) == expected(
        dualgens, "a branch or tag of its own, 'refs/heads/feature'"
    )
    git(dualgens, "branch", "-D", "feature")
    git(dualgens, "remote", "add", "origin", "https://example.org/ada/shop.git")
    assert refusal(dualgens) == expected(dualgens, "a remote, 'origin'")


def test_a_users_own_repository_is_refused(tmp_path):
    require_tools("git")
    repo = tmp_path / "express"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    assert refusal(repo) == expected(repo, "no commit by dualgen")
    (repo / "app.js").write_text("// mine\n", encoding="utf-8")
    git(repo, "add", "app.js")
    git(repo, "commit", "-qm", "mine")
    assert refusal(repo) == expected(repo, "a commit by 'Ada <ada@example.org>'")


def test_a_git_file_or_an_unreadable_repository_is_refused(tmp_path):
    worktree = tmp_path / "flask"
    worktree.mkdir()
    (worktree / ".git").write_text("gitdir: /elsewhere/.git/worktrees/flask\n", encoding="utf-8")
    assert refusal(worktree) == expected(worktree, "its .git is no folder")
    broken = tmp_path / "express"
    (broken / ".git").mkdir(parents=True)
    assert refusal(broken) == expected(broken, "git cannot read it")
