"""Safe output: claim a destination, then put folders and files in place atomically.

Every write dualgen makes into a user's folders goes through here:

- `Claim` holds destination folders for one run. A claim is a folder `.dualgen-NAME.claim`
  beside each destination, made by one atomic rename, holding the owner's process id; a second
  run finds it and stops (exit 2) instead of merging. A claim left by a run that died without
  cleaning up (SIGKILL, power loss) is recognised and replaced. The scratch folder where projects
  render lives inside the claim, and `Claim.place` moves them into place, all or none.
- `write_file` writes one output file (an HTML page) through a temporary file beside it.

Folders a run creates for its destinations are removed again when the run fails, and every
scratch folder, claim and temporary file goes away on any failure or signal.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import stat
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from .errors import DestinationError, RunError
from .signals import held

OWNER_FILE = "owner.json"


def claim_path(destination: Path) -> Path:
    """Where a run claims `destination`: a hidden folder beside it."""
    return destination.parent / f".dualgen-{destination.name}.claim"


def _me() -> dict[str, object]:
    # The time of the claim, not of the process start: reading that would cost every run the
    # import of psutil, which only a run that finds someone else's claim needs.
    return {"pid": os.getpid(), "claimed": time.time(), "host": socket.gethostname()}


def _owner(claim: Path) -> dict[str, object] | None:
    """The owner recorded in a claim: None once the claim is gone, {} when it is unreadable."""
    try:
        record = json.loads((claim / OWNER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None if not os.path.lexists(claim) else {}
    return record if isinstance(record, dict) else {}


def _alive(owner: dict[str, object]) -> bool:
    """Whether the run that wrote `owner` may still be running."""
    import psutil

    if owner.get("host") != socket.gethostname():
        return bool(owner.get("host"))  # another machine's run: it cannot be checked here
    pid, claimed = owner.get("pid"), owner.get("claimed")
    if not isinstance(pid, int) or not isinstance(claimed, float):
        return False
    try:
        process = psutil.Process(pid)
        # A process that holds the pid now but started after the claim reuses a dead run's pid.
        return process.create_time() <= claimed + 1 and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def _make_folders(folder: Path, created: list[Path]) -> None:
    """Create folder and its missing parents, recording in `created` each one made here."""
    missing = []
    while not os.path.lexists(folder):
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue  # another run made it meanwhile: it is not ours to remove
        except OSError as error:
            raise DestinationError(
                f"cannot create output folder {str(missing[0])!r}: {error.strerror}"
            ) from None
        created.append(path)


def _take(destination: Path, owner: dict[str, object]) -> Path:
    """Claim destination for `owner`, replacing a stale claim; refuse a live one."""
    claim = claim_path(destination)
    for _ in range(5):
        staged = None
        try:
            staged = destination.parent / f".dualgen-{secrets.token_hex(6)}"
            staged.mkdir()
            (staged / OWNER_FILE).write_text(json.dumps(owner), encoding="utf-8")
            os.rename(staged, claim)
            return claim
        except OSError as error:
            if not os.path.lexists(claim):
                raise DestinationError(
                    f"cannot write in output folder {str(destination.parent)!r}: {error.strerror}"
                ) from None
        finally:
            if staged is not None and os.path.lexists(staged):
                shutil.rmtree(staged, ignore_errors=True)
        holder = _owner(claim)
        if holder is None:
            continue
        if _alive(holder):
            where = "" if holder.get("host") == owner["host"] else f" on {holder['host']}"
            raise DestinationError(
                f"another dualgen run (process {holder.get('pid')}{where}) is writing "
                f"{str(destination)!r}; try again when it has finished"
            )
        _break(claim, holder)
    raise DestinationError(
        f"another dualgen run is writing {str(destination)!r}; try again when it has finished"
    )


def _break(claim: Path, stale: dict[str, object]) -> None:
    """Remove a claim whose run is dead, unless a live run claimed the place meanwhile."""
    trash = claim.parent / f".dualgen-{secrets.token_hex(6)}.stale"
    try:
        os.rename(claim, trash)
    except FileNotFoundError:
        return
    except OSError as error:
        raise DestinationError(
            f"cannot remove the stale claim {str(claim)!r}: {error.strerror}"
        ) from None
    if _owner(trash) != stale:
        try:
            os.rename(trash, claim)  # not the stale claim: give it back
            return
        except OSError:
            pass
    _remove(trash)


def sweep(parent: Path) -> None:
    """Delete the claims that a killed run was deleting (renamed .done: nobody's any more)."""
    try:
        for entry in os.scandir(parent):
            if entry.name.startswith(".dualgen-") and entry.name.endswith(".done"):
                _remove(Path(entry.path))
    except OSError:
        pass


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class Claim:
    """Destination folders held by this run, with a scratch folder beside them.

    ``with Claim([dest, ...]) as claim:`` creates missing parent folders, claims every
    destination (or raises DestinationError naming the run that holds one), and on leaving
    releases the claims and removes the scratch folder; when the block failed, it also removes
    the parent folders it created.
    """

    def __init__(self, destinations: Sequence[Path]) -> None:
        self.destinations = [Path(destination) for destination in destinations]
        self.scratch = Path()
        self._owner: dict[str, object] = {}
        self._held: list[Path] = []
        self._created: list[Path] = []
        self._keep = False

    def __enter__(self) -> Claim:
        try:
            with held():
                self._owner = _me()
                for parent in dict.fromkeys(d.parent for d in self.destinations):
                    _make_folders(parent, self._created)
                for destination in sorted(self.destinations, key=str):
                    self._held.append(_take(destination, self._owner))
                    sweep(destination.parent)
                self.scratch = self._held[0] / "work"
                self.scratch.mkdir()
        except BaseException:
            with held():
                self._release(failed=True)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with held():
            self._release(failed=kind is not None)

    def _release(self, *, failed: bool) -> None:
        if self._keep:
            return
        for claim in reversed(self._held):
            if _owner(claim) == self._owner:
                trash = claim.parent / f".dualgen-{secrets.token_hex(6)}.done"
                try:
                    os.rename(claim, trash)
                except OSError:
                    continue
                _remove(trash)
        self._held.clear()
        if failed:
            for folder in reversed(self._created):
                try:
                    folder.rmdir()
                except OSError:
                    pass  # not empty: another run is using it
        self._created.clear()

    def place(self, projects: Sequence[Path]) -> list[Path]:
        """Move project i to destination i, all or none.

        A destination that exists is replaced by a copy of itself overlaid with the project's
        files (the user's other files kept), in one rename. Signals wait until every rename is
        done; a failing rename undoes the earlier ones.
        """
        moves: list[tuple[Path, Path]] = []
        for number, (project, destination) in enumerate(
            zip(projects, self.destinations, strict=True)
        ):
            if os.path.lexists(destination):
                staging = self.scratch / f"staging-{number}"
                _mirror(destination, staging, destination)
                try:
                    _overlay(project, staging)
                except OSError as error:
                    raise RunError(
                        f"merging into {str(destination)!r} failed: {error.strerror}"
                    ) from None
                moves.append((destination, self.scratch / f"previous-{number}"))
                moves.append((staging, destination))
            else:
                moves.append((project, destination))
        for claim in self._held:
            if _owner(claim) != self._owner:
                raise RunError(f"the claim {str(claim)!r} was taken by another dualgen run")
        with held():
            done: list[tuple[Path, Path]] = []
            try:
                for source, target in moves:
                    os.rename(source, target)
                    done.append((source, target))
            except OSError as error:
                for source, target in reversed(done):
                    try:
                        os.rename(target, source)
                    except OSError:
                        self._keep = True  # the user's files stay in the scratch folder
                if self._keep:
                    raise RunError(
                        f"moving the projects into place failed ({error.strerror}) and could "
                        f"not be undone; the previous files are in {str(self.scratch)!r}"
                    ) from None
                raise DestinationError(
                    f"cannot move the project to {str(target)!r}: {error.strerror}"
                ) from None
        return list(self.destinations)


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _mirror(source: Path, target: Path, top: Path) -> None:
    """Make target a copy of the folder source: files as hard links (copies where links
    cannot be made), symlinks as symlinks, never followed. Special files are refused."""
    try:
        target.mkdir()
        with os.scandir(source) as entries:
            for entry in entries:
                into = target / entry.name
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), into)
                elif entry.is_dir(follow_symlinks=False):
                    _mirror(Path(entry.path), into, top)
                elif entry.is_file(follow_symlinks=False):
                    try:
                        os.link(entry.path, into)
                    except OSError:
                        shutil.copy2(entry.path, into, follow_symlinks=False)
                else:
                    mode = stat.S_IFMT(entry.stat(follow_symlinks=False).st_mode)
                    kind = _KINDS.get(mode, "a special file")
                    name = str(Path(entry.path).relative_to(top))
                    raise DestinationError(
                        f"output folder {str(top)!r} holds {kind}, {name!r}; --force keeps "
                        "only files, folders and symlinks: move it away first"
                    )
        shutil.copystat(source, target, follow_symlinks=False)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise DestinationError(
            f"cannot copy output folder {str(top)!r} to merge into it: {error.strerror}{where}"
        ) from None


def _overlay(project: Path, staging: Path) -> None:
    """Put every file of project into staging, replacing what stands in the way."""
    for source in sorted(project.rglob("*")):
        target = staging / source.relative_to(project)
        for parent in reversed(target.relative_to(staging).parents[:-1]):
            folder = staging / parent
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                folder.unlink()
        if source.is_dir():
            if target.is_symlink() or (target.exists() and not target.is_dir()):
                target.unlink()
            target.mkdir(exist_ok=True)
        else:
            if target.is_symlink() or target.is_file():
                target.unlink()
            elif target.is_dir():
                shutil.rmtree(target)
            shutil.copy2(source, target)


def check_output_file(path: Path, *, force: bool) -> None:
    """Refuse an output file that would follow a symlink or replace a file without --force."""
    shown = repr(str(path))
    try:
        if path.is_symlink():
            raise DestinationError(f"{shown} is a symlink; dualgen never writes through one")
        if path.exists() and not path.is_file():
            raise DestinationError(f"{shown} is not a regular file; choose another name")
        if path.exists() and not force:
            raise DestinationError(f"{shown} already exists; use --force to replace it")
        if not path.parent.is_dir():
            raise DestinationError(
                f"cannot write {shown}: folder {str(path.parent)!r} does not exist"
            )
    except OSError as error:
        raise DestinationError(f"cannot write {shown}: {error.strerror}") from None


def write_file(path: Path, text: str, *, force: bool = False) -> None:
    """Write text (UTF-8) to path through a temporary file beside it and one rename.

    Never follows a symlink; without force, never replaces an existing file, even one that
    appears while writing.
    """
    path = Path(path)
    check_output_file(path, force=force)
    temporary: Path | None = None
    try:
        with held():
            temporary = path.parent / f".dualgen-{secrets.token_hex(6)}.tmp"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            descriptor = os.open(temporary, flags, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        with held():
            _put(temporary, path, force=force)
    except OSError as error:
        raise DestinationError(f"cannot write {str(path)!r}: {error.strerror}") from None
    finally:
        if temporary is not None:
            with held():
                temporary.unlink(missing_ok=True)


def _put(temporary: Path, path: Path, *, force: bool) -> None:
    if force:
        os.replace(temporary, path)  # replaces a symlink itself, never its target
        return
    try:
        os.link(temporary, path)  # fails when path exists, whatever appeared there
    except FileExistsError:
        raise DestinationError(f"{str(path)!r} already exists; use --force to replace it") from None
    except OSError:
        if os.path.lexists(path):  # no hard links on this file system
            raise DestinationError(
                f"{str(path)!r} already exists; use --force to replace it"
            ) from None
        os.replace(temporary, path)
