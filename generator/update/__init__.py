"""Three-way update of a generated project: new choices, every hand edit kept.

`plan_update` renders the base (the recorded answers) and the target (the new answers) into a
temporary folder and merges the base → target change into each of the project's files with a
well-kept three-way merge (`git merge-file`; the merge3 library where git is missing). It writes
nothing: the `Update` it returns holds every file's content before and after. `apply_update`
then moves the files in one by one, all or none. Nothing here knows about Click.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .. import __version__
from ..errors import DestinationError, RunError
from ..render import ANSWERS_FILE
from ..spec import Answers, ProjectSpec
from .apply import PACKAGE_FILES, apply_update, check_clean, install, install_steps

__all__ = [
    "MARKERS",
    "PACKAGE_FILES",
    "FileUpdate",
    "Update",
    "apply_update",
    "check_clean",
    "decide",
    "install",
    "install_steps",
    "merge_file",
    "merge_tool",
    "new_spec",
    "plan_update",
    "read_current",
]

#: The conflict markers both merge tools write.
MARKERS = ("<<<<<<<", "=======", ">>>>>>>")
#: Merges (current, base, target) for one path: the result and whether it is free of conflicts.
Merge = Callable[[bytes, bytes, bytes, str], tuple[bytes, bool]]


@dataclass(frozen=True)
class FileUpdate:
    """What the update does to one file: its bytes before and after (None: no such file).

    action is added, updated, merged, restored, removed or conflict; a conflict either holds
    the markers (after) or leaves the file as it is (after == before), as its note says.
    """

    path: str
    action: str
    before: bytes | None
    after: bytes | None
    mode: int = 0o644
    note: str = ""

    @property
    def writes(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Update:
    """A computed update of one project, not yet applied."""

    project: Path
    framework: str
    old: ProjectSpec
    new: ProjectSpec
    base_note: str
    tool: str
    files: tuple[FileUpdate, ...]

    @property
    def conflicts(self) -> list[FileUpdate]:
        return [item for item in self.files if item.action == "conflict"]

    @property
    def writes(self) -> list[FileUpdate]:
        return [item for item in self.files if item.writes]


def new_spec(
    old: ProjectSpec,
    layer: Answers,
    *,
    remove_middleware: Iterable[str] = (),
    remove_routes: Iterable[str] = (),
) -> ProjectSpec:
    """The update's spec: the recorded answers merged with `layer` (the flags and answer file,
    presets expanded), minus the middleware and routes removed (`spec.edit`). Raises SpecError."""
    from .. import spec as specs

    layer = layer.copy()
    added: list[str] = layer.pop("middleware") if isinstance(layer.get("middleware"), list) else []  # type: ignore[assignment]  # keys, or edit names what is not
    answers = specs.edit(
        old.answers(), add=added, remove=remove_middleware, remove_routes=remove_routes
    )
    return specs.build(specs.merge(answers, layer))


def merge_tool() -> str:
    """The three-way merge to use: git's when git is installed, else the merge3 library."""
    if shutil.which("git"):
        return "git"
    try:
        import merge3  # noqa: F401
    except ImportError:
        raise RunError(
            "a three-way merge needs git (git merge-file) or the merge3 library; "
            "install git, or run: pip install merge3"
        ) from None
    return "merge3"


def merge_file(
    current: bytes, base: bytes, target: bytes, path: str, tool: str
) -> tuple[bytes, bool]:
    """Merge the base → target change into current; conflicts get the usual markers."""
    labels = (f"{path} (yours)", f"{path} (old answers)", f"{path} (new answers)")
    if tool == "merge3":
        import merge3

        merger = merge3.Merge3(
            base.splitlines(keepends=True),
            current.splitlines(keepends=True),
            target.splitlines(keepends=True),
        )
        clean = all(region[0] != "conflict" for region in merger.merge_regions())
        lines = merger.merge_lines(name_a=labels[0].encode(), name_b=labels[2].encode())
        return b"".join(lines), clean
    with tempfile.TemporaryDirectory(prefix="dualgen-merge-") as tmp:
        names = []
        for name, data in zip(("current", "base", "target"), (current, base, target), strict=True):
            (Path(tmp) / name).write_bytes(data)
            names.append(str(Path(tmp) / name))
        command = ["git", "merge-file", "-p"]
        for label in labels:
            command += ["-L", label]
        result = subprocess.run([*command, *names], capture_output=True, check=False)
    if not 0 <= result.returncode <= 127:
        why = result.stderr.decode(errors="replace").strip().splitlines()
        raise RunError(f"git merge-file failed on {path}: {why[0] if why else result.returncode}")
    return result.stdout, result.returncode == 0


def decide(
    path: str, base: bytes | None, target: bytes | None, current: bytes | None, merge: Merge
) -> FileUpdate | None:
    """What to do with one file, given the base, the target and the project's version."""
    if base == target or current == target:
        return None
    if target is None:
        if current is None:
            return None
        if current == base:
            return FileUpdate(path, "removed", current, None)
        note = "the update deletes it but it was changed by hand: kept as it is, delete it yourself"
        return FileUpdate(path, "conflict", current, current, note=note)
    if current is None:
        if base is None:
            return FileUpdate(path, "added", None, target)
        return FileUpdate(
            path, "restored", None, target, note="deleted by hand; the update changes it"
        )
    if current == base:
        return FileUpdate(path, "updated", current, target)
    if any(b"\0" in data for data in (current, base or b"", target)):
        note = "a binary file changed by hand and by the update: kept as it is"
        return FileUpdate(path, "conflict", current, current, note=note)
    merged, clean = merge(current, base or b"", target, path)
    if clean:
        return FileUpdate(path, "merged", current, merged, note="hand edits kept")
    note = "changed by hand and by the update: resolve the <<<<<<< ======= >>>>>>> markers"
    return FileUpdate(path, "conflict", current, merged, note=note)


def plan_update(
    project: Path,
    layer: Answers,
    *,
    remove_middleware: Iterable[str] = (),
    remove_routes: Iterable[str] = (),
    tool: str | None = None,
) -> Update:
    """Compute the update of a project to its recorded answers merged with `layer`; write
    nothing. Raises UsageError (bad input) or RunError."""
    from ..compare.tree import tree_order
    from ..project import load_project
    from ..render import render_tree
    from ..spec.answers import load_answers

    old, framework = load_project(Path(project))
    project = Path(os.path.abspath(project))
    new = new_spec(old, layer, remove_middleware=remove_middleware, remove_routes=remove_routes)
    tool = tool or merge_tool()
    with tempfile.TemporaryDirectory(prefix="dualgen-update-") as tmp:
        base = _files(render_tree(old, framework, Path(tmp) / "base"))
        target = _files(render_tree(new, framework, Path(tmp) / "target"))
    files = []
    for path in sorted(base.keys() | target.keys(), key=tree_order):
        if path == ANSWERS_FILE:
            continue
        item = decide(
            path,
            base.get(path, (None, 0))[0],
            target.get(path, (None, 0))[0],
            read_current(project, path),
            lambda c, b, t, p: merge_file(c, b, t, p, tool),
        )
        if item is not None:
            mode = _mode(project / path) if item.before is not None else target[path][1]
            files.append(replace(item, mode=mode))
    answers = read_current(project, ANSWERS_FILE)
    if files or answers != target[ANSWERS_FILE][0]:
        mode = _mode(project / ANSWERS_FILE)
        files.append(FileUpdate(ANSWERS_FILE, "updated", answers, target[ANSWERS_FILE][0], mode))
    recorded = load_answers(project / ANSWERS_FILE).get("dualgen")
    return Update(project, framework, old, new, _base_note(recorded), tool, tuple(files))


def _base_note(recorded: object) -> str:
    if recorded == __version__:
        return f"the recorded answers rendered with dualgen {__version__}, which recorded them"
    made = f"dualgen {recorded}" if isinstance(recorded, str) else "an unrecorded dualgen version"
    return (
        f"the recorded answers rendered with dualgen {__version__}, the only version here: the "
        f"project was made with {made}, so where the two differ the project's lines count as "
        "hand edits (kept, and they may conflict)"
    )


def _files(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a rendered tree: its bytes and permission bits, by relative path."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
        for path in root.rglob("*")
        if path.is_file()
    }


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def read_current(project: Path, path: str) -> bytes | None:
    """The project's file at path, None when there is none; refuses to read or later write
    through a symlink, and a folder or special file where a file belongs."""
    where = project
    for part in path.split("/"):
        where = where / part
        try:
            info = os.lstat(where)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise DestinationError(f"cannot read {str(where)!r}: {error.strerror}") from None
        last = where == project / path
        if stat.S_ISLNK(info.st_mode):
            raise DestinationError(
                f"{str(where)!r} is a symbolic link where the update writes; "
                "dualgen never writes through one: replace it by a plain file or folder"
            )
        if last and not stat.S_ISREG(info.st_mode):
            raise DestinationError(f"{str(where)!r} must be a file for the update; move it away")
        if not last and not stat.S_ISDIR(info.st_mode):
            raise DestinationError(f"{str(where)!r} must be a folder for the update; move it away")
    try:
        return (project / path).read_bytes()
    except OSError as error:
        raise DestinationError(f"cannot read {str(project / path)!r}: {error.strerror}") from None
