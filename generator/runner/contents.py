"""What a cache entry holds, for `dualgen cache info`: the packages it was installed for, when it
was last used, and, for a leftover folder, whether an install is still under way in it.

A virtualenv's packages are those pip was asked for (their `*.dist-info/REQUESTED`, which pip
writes for each requirement named on its command line or in a requirements file); a
node_modules entry's are the dependencies of the package.json dualgen wrote into it, each with
the version npm installed. An entry is used when dualgen builds it or reuses it: `mark_used`
sets the time of its completion marker then.

A leftover (`<key>.tmp-<pid>-<hex>`) is an install under way while its key's lock is held and
the process its name carries is alive; otherwise a dead install left it, and the next install of
that key, or `dualgen cache clean`, removes it. The lock is probed without waiting, and only when
its file exists: reading the cache writes nothing into it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..cache import COMPLETE, CacheEntry

_LEFTOVER = re.compile(r"(?P<key>[0-9a-f]{16})\.(?:tmp-(?P<pid>\d+)-[0-9a-f]{8}|old-[0-9a-f]{8})")


@dataclass(frozen=True)
class Contents:
    """What `cache info` shows of one entry beyond its size."""

    #: "name version" of each package it was installed for, sorted; empty when unknown.
    packages: tuple[str, ...] = ()
    #: When dualgen last built or reused it (seconds since the epoch); None if never completed.
    used: float | None = None
    #: For a leftover: "installing" (another process is installing there) or "interrupted".
    state: str | None = None
    #: The process that made a leftover, when its name says.
    pid: int | None = None
    #: Why a leftover is in that state, in a few words.
    why: str = ""


def mark_used(folder: Path) -> None:
    """Record that a complete entry is used now (the time of its marker); a cache that cannot
    be written (read-only, shared) is used all the same."""
    with contextlib.suppress(OSError):
        os.utime(folder / COMPLETE)


def contents(entry: CacheEntry) -> Contents:
    """What the entry holds; never raises for an entry that is damaged or half written."""
    if entry.kind == "leftover":
        return _leftover(entry.path)
    if entry.kind not in ("venvs", "node"):
        return Contents()
    try:
        used: float | None = (entry.path / COMPLETE).stat().st_mtime
    except OSError:
        used = None
    found = _python_packages(entry.path) if entry.kind == "venvs" else _node_packages(entry.path)
    return Contents(tuple(sorted(found, key=str.lower)), used)


def _python_packages(venv: Path) -> list[str]:
    """The packages pip was asked for, read from their metadata (POSIX and Windows layouts)."""
    found = []
    infos = [*venv.glob("lib/python*/site-packages/*.dist-info")]
    for info in infos + [*venv.glob("Lib/site-packages/*.dist-info")]:
        if not (info / "REQUESTED").is_file():
            continue
        fields: dict[str, str] = {}
        with contextlib.suppress(OSError, UnicodeDecodeError):
            with open(info / "METADATA", encoding="utf-8") as handle:
                for line in handle:
                    if not line.strip():
                        break  # the headers end at the first blank line
                    name, _, value = line.partition(":")
                    fields.setdefault(name.strip(), value.strip())
        if "Name" in fields:
            found.append(f"{fields['Name']} {fields.get('Version', '?')}")
    return found


def _node_packages(folder: Path) -> list[str]:
    """The dependencies of the entry's package.json, each with the version npm installed."""
    try:
        manifest = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        names = [*manifest.get("dependencies", {}), *manifest.get("devDependencies", {})]
    except (OSError, ValueError, AttributeError, TypeError):
        return []
    found = []
    for name in names:
        try:
            installed = (folder / "node_modules" / name / "package.json").read_text("utf-8")
            version = str(json.loads(installed).get("version", "?"))
        except (OSError, ValueError, AttributeError):
            version = "missing"
        found.append(f"{name} {version}")
    return found


def _leftover(path: Path) -> Contents:
    match = _LEFTOVER.fullmatch(path.name)
    if match is None:
        return Contents(state="interrupted", why="no install holds its lock")
    pid = int(match["pid"]) if match["pid"] else None
    held = _lock_held(path.parent / f"{match['key']}.lock")
    alive = pid is not None and _alive(pid)
    if held and alive:
        return Contents(state="installing", pid=pid, why=f"process {pid} holds the lock")
    why = f"process {pid} is gone" if pid is not None and not alive else "no install holds its lock"
    return Contents(state="interrupted", pid=pid, why=why)


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except (psutil.Error, ValueError):
        return False


def _lock_held(path: Path) -> bool:
    """Whether another process holds the lock; False when its file does not exist."""
    from filelock import FileLock, Timeout

    if not path.is_file():
        return False
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    except OSError:
        return False  # a lock that cannot be opened is held by nobody this user can see
    lock.release()
    return False
