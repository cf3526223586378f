"""Writing a planned update into the project: the git check before it, the files moved in one
by one (and put back on a failure), and the install its dependency changes need."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RunError, UsageError

if TYPE_CHECKING:
    from . import FileUpdate, Update


def check_clean(project: Path) -> None:
    """Refuse a project inside a git work tree with uncommitted changes (as copier does)."""
    project = Path(os.path.abspath(project))
    if shutil.which("git") is None:
        if any((folder / ".git").exists() for folder in (project, *project.parents)):
            raise UsageError(
                f"{project} is in a git repository but git is not installed to check it for "
                "uncommitted changes; use --force to update anyway"
            )
        return
    env = git_env()
    inside = _git(["rev-parse", "--is-inside-work-tree"], project, env)
    if inside.returncode != 0:
        if "not a git repository" in inside.stderr:
            return
        why = (inside.stderr.strip().splitlines() or ["unknown error"])[0]
        raise UsageError(
            f"cannot tell whether {project} has uncommitted changes (git: {why}); "
            "use --force to update anyway"
        )
    if inside.stdout.strip() != "true":
        return
    status = _git(
        [
            *_no_commands(project, env),
            "status",
            "--porcelain",
            "--ignore-submodules=all",
            "--",
            ".",
        ],
        project,
        env,
    )
    if status.returncode != 0 or status.stdout.strip():
        raise UsageError(
            f"{project} has uncommitted changes (git status); commit or stash them first so "
            "that you can go back, or use --force"
        )


def git_env() -> dict[str, str]:
    """dualgen's environment for git without any GIT_ variable (GIT_DIR, GIT_WORK_TREE,
    GIT_CONFIG_PARAMETERS ... would point git at another repository or add configuration):
    git finds the project's repository from the project folder alone."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    return {**env, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}  # messages in English


def _no_commands(project: Path, env: dict[str, str]) -> list[str]:
    """`-c` options that keep `git status` from running a command the repository configures:
    its file-system monitor (core.fsmonitor) and the clean filters of its .gitattributes
    (filter.NAME.clean and .process, each driver the configuration names). Reading the
    configuration runs nothing."""
    found = _git(["config", "--null", "--get-regexp", r"^filter\."], project, env)
    names = {
        entry.split("\n", 1)[0].rsplit(".", 1)[0][len("filter.") :]
        for entry in found.stdout.split("\0")
        if entry.startswith("filter.")
    }
    options = ["-c", "core.fsmonitor=false"]
    for name in sorted(names):
        for key, value in (("clean", ""), ("smudge", ""), ("process", ""), ("required", "false")):
            options += ["-c", f"filter.{name}.{key}={value}"]
    return options


def _git(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def apply_update(update: Update) -> None:
    """Move the update's files into the project, all or none.

    Holds the project's claim (no other dualgen run writes it meanwhile), checks that no file
    changed since the update was computed, stages every new file inside the project, then
    moves them in one by one with signals held; a failing move undoes the earlier ones.
    """
    from ..files import Claim
    from ..signals import held
    from . import read_current

    project, writes = update.project, update.writes
    if not writes:
        return
    with Claim([project]):
        for item in writes:
            if read_current(project, item.path) != item.before:
                raise RunError(
                    f"{item.path} changed while the update was computed; nothing was changed: "
                    "run dualgen update again"
                )
        staging = project / f".dualgen-update-{secrets.token_hex(6)}"
        failure = None
        try:
            staging.mkdir()
            for number, item in enumerate(writes):
                if item.after is not None:
                    (staging / str(number)).write_bytes(item.after)
                    os.chmod(staging / str(number), item.mode)
            with held():
                failure = _move_in(project, staging, writes)
        except OSError as error:
            raise RunError(
                f"cannot stage the update in {project}: {error.strerror or error}"
            ) from None
        finally:
            if failure is None or not failure[1]:
                shutil.rmtree(staging, ignore_errors=True)
        if failure is not None:
            error, lost = failure  # type: ignore[misc]  # not the except's error
            why = (error.strerror or str(error)) + (  # type: ignore[misc]
                f" ({error.filename})" if error.filename else ""  # type: ignore[misc, operator]
            )
            if lost:
                raise RunError(
                    f"the update failed ({why}) and could not be undone for {', '.join(lost)}; "
                    f"the previous files are in {str(staging)!r}"
                )
            raise RunError(f"the update could not be applied ({why}); the project is as it was")
        _remove_empty_folders(project, [item.path for item in writes if item.after is None])


def _move_in(
    project: Path, staging: Path, writes: list[FileUpdate]
) -> tuple[OSError, list[str]] | None:
    """Put each staged file in place, keeping the previous one in staging. On a failure, undo
    the earlier moves and return the error and the files that could not be put back."""
    done: list[tuple[Path, Path | None]] = []
    created: list[Path] = []
    try:
        for number, item in enumerate(writes):
            target = project / item.path
            backup = None
            if item.before is not None:
                backup = staging / f"{number}.old"
                try:
                    os.link(target, backup)
                except OSError:
                    shutil.copy2(target, backup, follow_symlinks=False)
            if item.after is None:
                os.unlink(target)
            else:
                for folder in reversed(target.relative_to(project).parents[:-1]):
                    if not (project / folder).is_dir():
                        (project / folder).mkdir()
                        created.append(project / folder)
                os.replace(staging / str(number), target)
            done.append((target, backup))
    except OSError as error:
        lost = []
        for target, backup in reversed(done):
            try:
                if backup is None:
                    target.unlink()
                else:
                    os.replace(backup, target)
            except OSError:
                lost.append(str(target.relative_to(project)))
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError:
                pass
        return error, lost
    return None


def _remove_empty_folders(project: Path, removed: list[str]) -> None:
    """Remove the folders that the update's removals left empty."""
    for path in removed:
        for folder in Path(path).parents[:-1]:
            try:
                (project / folder).rmdir()
            except OSError:
                break


#: The files that list a framework's dependencies: when the update changes one, the project's
#: installed packages no longer match it (`npm start` fails with "Cannot find module").
PACKAGE_FILES = {
    "flask": ("requirements.txt", "requirements-dev.txt"),
    "express": ("package.json",),
}


def install_steps(update: Update) -> list[list[str]]:
    """The commands, run in the project folder, that install what the update's changed package
    files list; none when no package file changes.

    Express: `npm install` (it also removes the packages no longer listed). Flask: pip into the
    project's `.venv`, as the generated README's next steps made it (made here first when it is
    missing), from requirements-dev.txt when the project has one after the update (it includes
    requirements.txt), else from requirements.txt.
    """
    if not any(item.path in PACKAGE_FILES[update.framework] for item in update.writes):
        return []
    if update.framework == "express":
        return [["npm", "install"]]
    dev = "requirements-dev.txt"
    after = {item.path: item.after for item in update.writes}
    has_dev = after[dev] is not None if dev in after else (update.project / dev).is_file()
    windows = os.name == "nt"
    python = ".venv\\Scripts\\python" if windows else ".venv/bin/python"
    made = (update.project / ".venv").is_dir()
    steps = [] if made else [["python" if windows else "python3", "-m", "venv", ".venv"]]
    requirements = dev if has_dev else "requirements.txt"
    return [*steps, [python, "-m", "pip", "install", "-r", requirements]]


def install(update: Update, steps: list[list[str]]) -> None:
    """Run `steps` in the project folder, their output shown as it comes. Raises RunError."""
    for step in steps:
        line = " ".join(step)
        try:
            done = subprocess.run(step, cwd=update.project)
        except OSError as error:
            raise RunError(
                f"cannot run `{line}` in {update.project}: {error.strerror or error}"
            ) from None
        if done.returncode != 0:
            raise RunError(
                f"`{line}` failed (exit {done.returncode}) in {update.project}; the update is "
                "applied: fix what it printed and run it there again"
            )
