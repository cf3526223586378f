"""Changing a set of files in a folder so that a crash at any point (SIGKILL, power loss) can
be finished by the next run: staging, a journal, then the moves.

`stage(folder, changes)` writes each new file into a staging folder `.dualgen-update-HEX` inside
`folder`, keeps a link to each file it replaces beside it, and writes the journal last
(`journal.json`: each change's path and the SHA-256 of the file before and after, in the order
they are made, and the folders it creates). The journal makes the change decided.
`finish(staging)` then makes it: it moves the new files in one by one and deletes the staging
folder. Each move looks at the file first, so running `finish` again after a crash carries on
where the crash stopped; the last change is the one the caller lists last (update lists
`.dualgen.yaml` last).

When a move fails (a full disk), the journal is renamed `undo.json` (a rename needs no space)
and the files moved so far are put back; a crash while undoing is finished by undoing the rest.
A staging folder without a journal never moved a file: deleting it is all there is to finish.

`recover(folder)` finishes what a dead run left in `folder`; call it while holding the folder's
claim (`files.Claim`), so that no live run is mid-change. A file that someone changed after the
crash (neither before nor after) is left as it is and named.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import RunError

PREFIX = ".dualgen-update-"
JOURNAL = "journal.json"
UNDO = "undo.json"
#: What the staging folder of a dualgen from before the journal kept of each replaced file: such
#: a folder may hold the only copy of a file, so recover() leaves it and says so.
OLD_BACKUP = ".old"


@dataclass(frozen=True)
class Change:
    """One file: its relative path (with /), its bytes before and after (None: no file)."""

    path: str
    before: bytes | None
    after: bytes | None
    mode: int = 0o644


@dataclass
class Finished:
    """What finish() did: made the change (forward) or undid it, and the files it left."""

    forward: bool
    #: Files that were neither as before nor as after: someone changed them; left as they are.
    kept: list[str] = field(default_factory=list)
    #: Why the change was undone (the failed move), when it was undone in this run.
    error: OSError | None = None
    #: Files an undo could not put back: their previous version is in the staging folder.
    lost: list[str] = field(default_factory=list)


def digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def pending(folder: Path) -> list[Path]:
    """The staging folders in folder (a dead run's, unless a live run holds the claim)."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if _is_staging(entry))
    except OSError:
        return []  # no folder, or one that cannot be read: nothing of ours to finish
    return [Path(folder) / name for name in names]


def _is_staging(entry: os.DirEntry[str]) -> bool:
    return entry.name.startswith(PREFIX) and entry.is_dir(follow_symlinks=False)


def stage(folder: Path, changes: Sequence[Change]) -> Path:
    """Write the new files, the links to the old ones and then the journal; raises OSError
    (the staging folder gone again). Nothing in the folder itself has changed yet."""
    staging = Path(folder) / f"{PREFIX}{secrets.token_hex(6)}"
    staging.mkdir()
    try:
        created: list[str] = []
        for number, change in enumerate(changes):
            if change.after is not None:
                _write(staging / f"{number}.new", change.after, change.mode)
                for parent in reversed(Path(change.path).parents[:-1]):
                    name = parent.as_posix()
                    if name not in created and not (Path(folder) / parent).is_dir():
                        created.append(name)
            if change.before is not None:
                _keep(Path(folder) / change.path, staging / f"{number}.before")
        record = {
            "changes": [
                [change.path, digest(change.before), digest(change.after)] for change in changes
            ],
            "folders": created,
        }
        _write(staging / "journal.tmp", json.dumps(record, indent=1).encode(), 0o644)
        _sync(staging)
        os.rename(staging / "journal.tmp", staging / JOURNAL)
        _sync(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _write(path: Path, data: bytes, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0))
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.chmod(path, mode)
        os.fsync(stream.fileno())


def _keep(source: Path, backup: Path) -> None:
    """A link to the file that the change replaces (a copy where links cannot be made)."""
    try:
        os.link(source, backup)
    except OSError:
        shutil.copy2(source, backup, follow_symlinks=False)
        with open(backup, "rb") as stream:
            os.fsync(stream.fileno())


def _sync(folder: Path) -> None:
    """Make the folder's entries (renames, new files) durable; not every system can."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def finish(staging: Path) -> Finished | None:
    """Make (or, after a failed move, undo) the change journaled in staging and delete the
    staging folder; None when it holds no journal (deleted: nothing had moved). When a file
    cannot be put back, Finished.lost names it and the staging folder, holding the previous
    files, stays."""
    folder = staging.parent
    undoing = (staging / UNDO).exists()
    try:
        record = _read(staging / (UNDO if undoing else JOURNAL))
    except FileNotFoundError:
        shutil.rmtree(staging, ignore_errors=True)
        return None
    if undoing:
        return Finished(forward=False, lost=_undo(folder, staging, record))
    try:
        kept = _forward(folder, staging, record)
    except OSError as error:
        try:
            os.rename(staging / JOURNAL, staging / UNDO)
        except OSError:
            pass  # the undo below runs all the same; a crash in it would finish the change
        return Finished(forward=False, error=error, lost=_undo(folder, staging, record))
    os.unlink(staging / JOURNAL)
    shutil.rmtree(staging, ignore_errors=True)
    return Finished(forward=True, kept=kept)


@dataclass(frozen=True)
class Journal:
    """A journal as read back: (path, digest before, digest after) per change, in order, and
    the folders the change creates, outermost first."""

    changes: list[tuple[str, str | None, str | None]]
    folders: list[str]


def _read(path: Path) -> Journal:
    """The journal at path; raises FileNotFoundError when there is none."""
    try:
        record = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as error:
        raise RunError(f"cannot read the update journal {str(path)!r}: {error}") from None
    try:
        changes = [(str(p), _text(b), _text(a)) for p, b, a in record["changes"]]
        folders = [str(name) for name in record["folders"]]
    except (TypeError, KeyError, ValueError):
        raise RunError(
            f"{str(path)!r} is not an update journal dualgen wrote; move it away"
        ) from None
    return Journal(changes, folders)


def _text(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(value)
    return value


def _state(path: Path) -> str | None:
    """The SHA-256 of the file at path, None when there is none, "other" when it is no file."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return "other"
    if not stat.S_ISREG(info.st_mode):
        return "other"
    return digest(path.read_bytes())


def _forward(folder: Path, staging: Path, record: Journal) -> list[str]:
    kept, touched = [], {folder}
    for number, (path, before, after) in enumerate(record.changes):
        target = folder / path
        now = _state(target)
        if now == after:
            continue
        if now != before:
            kept.append(path)
            continue
        if after is None:
            os.unlink(target)
        else:
            for parent in reversed(target.relative_to(folder).parents[:-1]):
                if not (folder / parent).is_dir():
                    (folder / parent).mkdir()
            os.replace(staging / f"{number}.new", target)
        touched.add(target.parent)
    for path, _before, after in record.changes:
        if after is None:
            _remove_empty_parents(folder, path)
    for parent in touched:
        _sync(parent)
    return kept


def _remove_empty_parents(folder: Path, path: str) -> None:
    for parent in Path(path).parents[:-1]:
        try:
            (folder / parent).rmdir()
        except OSError:
            break


def _undo(folder: Path, staging: Path, record: Journal) -> list[str]:
    """Put back every file the change moved, last first; the files that could not be."""
    lost = []
    for number, (path, before, after) in reversed(list(enumerate(record.changes))):
        target = folder / path
        if _state(target) != after:
            continue  # not moved yet (or changed by someone since: theirs)
        try:
            if before is None:
                os.unlink(target)
            else:
                for parent in reversed(target.relative_to(folder).parents[:-1]):
                    if not (folder / parent).is_dir():
                        (folder / parent).mkdir()
                os.replace(staging / f"{number}.before", target)
        except OSError:
            lost.append(path)
    for name in reversed(record.folders):
        try:
            (folder / name).rmdir()
        except OSError:
            pass
    if not lost:
        shutil.rmtree(staging, ignore_errors=True)
    return lost


def recover(folder: Path) -> list[str]:
    """Finish every change a dead run left in folder; one line per thing worth saying.
    Hold the folder's claim while calling it. Raises RunError (a file cannot be put back)."""
    said = []
    for staging in pending(folder):
        if not (staging / JOURNAL).exists() and not (staging / UNDO).exists():
            if any(name.endswith(OLD_BACKUP) for name in os.listdir(staging)):
                said.append(
                    f"{str(staging)!r} was left by an update of an older dualgen that was "
                    "interrupted; it holds the files that update replaced (NUMBER.old): "
                    "compare them with the project, then delete it"
                )
                continue
        done = finish(staging)
        if done is None:
            continue
        if done.lost:
            raise RunError(
                f"an interrupted update of {str(folder)!r} could not be undone for "
                f"{', '.join(done.lost)}; the previous files are in {str(staging)!r}"
            )
        what = "finished" if done.forward else "undid"
        said.append(f"{what} an update of {str(folder)!r} that was interrupted")
        if done.error is not None:
            said[-1] += f": it could not be finished ({done.error.strerror or done.error})"
        if done.kept:
            said.append(
                f"left as they are, changed since that update was interrupted: "
                f"{', '.join(done.kept)}"
            )
    return said
