"""One git repository per framework, one commit per step, written by `git fast-import`.

Author, committer and dates are fixed, and git's own configuration is shut out (no system or
global config, no GIT_* variables of a calling hook), so the same steps give the same commit ids
on every machine and every run.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import DestinationError, RunError

AUTHOR = "dualgen workshop <workshop@dualgen.invalid>"
#: 2024-01-01T00:00:00Z; step N is committed N hours later.
EPOCH = 1_704_067_200
BRANCH = "main"


@dataclass(frozen=True)
class Commit:
    """One step's snapshot: the message, the tag, and every file (path, mode, bytes)."""

    message: str
    tag: str
    files: tuple[tuple[str, str, bytes], ...]


def find_git() -> str:
    git = shutil.which("git")
    if git is None:
        raise RunError("git is needed to write a workshop's repositories; install git")
    return git


def snapshot(folder: Path, message: str, tag: str) -> Commit:
    """Every file under folder, sorted, with git's mode for it."""
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        executable = path.stat().st_mode & 0o100
        files.append(
            (
                path.relative_to(folder).as_posix(),
                "100755" if executable else "100644",
                path.read_bytes(),
            )
        )
    return Commit(message, tag, tuple(files))


def write_repository(folder: Path, commits: Sequence[Commit], git: str | None = None) -> list[str]:
    """Make `folder` a repository holding one commit per snapshot on `main`, each tagged, with
    the last one checked out; return the commit ids, oldest first."""
    git = git or find_git()
    _git(git, None, "init", "-q", "-b", BRANCH, str(folder))
    stream = bytearray()
    for number, commit in enumerate(commits, 1):
        when = f"{EPOCH + 3600 * number} +0000"
        message = commit.message.encode("utf-8") + b"\n"
        stream += f"commit refs/heads/{BRANCH}\nmark :{number}\n".encode()
        stream += f"author {AUTHOR} {when}\ncommitter {AUTHOR} {when}\n".encode()
        stream += b"data %d\n%s\n" % (len(message), message)
        stream += b"deleteall\n"
        for path, mode, data in commit.files:
            stream += f"M {mode} inline {_quote(path)}\n".encode()
            stream += b"data %d\n%s\n" % (len(data), data)
        stream += f"\nreset refs/tags/{commit.tag}\nfrom :{number}\n\n".encode()
    _git(git, folder, "fast-import", "--quiet", "--date-format=raw", data=bytes(stream))
    _git(git, folder, "reset", "-q", "--hard", BRANCH)
    return _git(git, folder, "rev-list", "--reverse", BRANCH).split()


#: The refs a workshop repository holds: its branch and one tag per step.
OWN_REFS = re.compile(rf"refs/heads/{BRANCH}|refs/tags/step-[1-9][0-9]*")


def check_replaceable(folder: Path, git: str) -> None:
    """Refuse (exit 2) to build over a git repository in `folder` that dualgen did not write:
    --force would replace its branch, remotes and reflog. Dualgen's own has no remote, no ref
    but main and the step tags, and no commit (in any ref or reflog) by anyone but AUTHOR:
    a participant's commit makes it theirs."""
    dot_git = folder / ".git"
    try:
        info = os.lstat(dot_git)
    except FileNotFoundError:
        return
    except OSError as error:
        why = f"cannot read its .git: {error.strerror}"
    else:
        why = "" if stat.S_ISDIR(info.st_mode) else "its .git is no folder"
    why = why or _not_ours(dot_git, git)
    if why:
        raise DestinationError(
            f"{str(folder)!r} holds a git repository that dualgen did not write ({why}); "
            "--force would replace its branch and history: move it away or build elsewhere"
        )


def _not_ours(dot_git: Path, git: str) -> str:
    """Why the repository at dot_git is not one dualgen wrote, "" when it is."""
    asks = {
        "remote": ["remote"],
        "ref": ["for-each-ref", "--format=%(refname)"],
        "author": ["log", "--all", "--reflog", "--format=%an <%ae>%n%cn <%ce>"],
    }
    found = {}
    for name, args in asks.items():
        try:
            done = subprocess.run(
                [git, f"--git-dir={dot_git}", *args],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                env=_environment(),
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return "git cannot read it"
        if done.returncode != 0 and name != "author":  # log fails on a repository without commits
            return "git cannot read it"
        found[name] = done.stdout.decode("utf-8", "replace").splitlines()
    if found["remote"]:
        return f"a remote, {found['remote'][0]!r}"
    refs = [ref for ref in found["ref"] if not OWN_REFS.fullmatch(ref)]
    if refs:
        return f"a branch or tag of its own, {refs[0]!r}"
    people = [person for person in found["author"] if person != AUTHOR]
    if people or not found["author"]:
        return f"a commit by {people[0]!r}" if people else "no commit by dualgen"
    return ""


def _quote(path: str) -> str:
    """A path as fast-import reads it: C-style quoted when it needs to be."""
    if not any(char in path for char in '"\\\n') and not path.startswith(" "):
        return path
    escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    return env


def _git(git: str, folder: Path | None, *args: str, data: bytes | None = None) -> str:
    """Run git; subprocess.run kills it when anything (a signal too) interrupts the wait."""
    command = [git, *(["-C", str(folder)] if folder is not None else []), *args]
    try:
        result = subprocess.run(
            command,
            input=data,
            stdin=None if data is not None else subprocess.DEVNULL,
            capture_output=True,
            env=_environment(),
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RunError(f"git {args[0]} failed: {error}") from None
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RunError(f"git {args[0]} failed (exit {result.returncode}): {' '.join(tail)}")
    return result.stdout.decode("utf-8", "replace")
