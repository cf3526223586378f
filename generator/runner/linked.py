"""An Express project's cached dependencies, visible in its own folder while dualgen runs it.

Node finds a bare `require('express')` or `import express from 'express'` in a `node_modules`
folder beside the importing file or above it; ES modules ignore NODE_PATH. So while dualgen runs
a project, `<project>/node_modules` is a link to the cached install (a symbolic link; on Windows
a junction, which needs no privilege). The server runs in the participant's own folder, as `npm
start` would: its paths, its files and its errors are where they expect them; nothing is copied.

The link is made only where the project has no `node_modules`: a project's own folder is used as
it is and never touched. It is removed when the last dualgen process using it ends. Who uses a
link is recorded in the cache (`links/<hash>.json`, under one lock for all links), so a run that
was killed before it could remove its link leaves a record naming a dead process: the next run
takes that link over and removes it when it ends. A link into dualgen's cache is dualgen's.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import RunError

LINK = "node_modules"
LOCK = "links.lock"


def _is_link(path: Path) -> bool:
    junction = getattr(os.path, "isjunction", None)  # Python 3.12+
    return os.path.islink(path) or bool(junction and junction(path))


def _points_to(path: Path) -> Path | None:
    """Where a link points, as an absolute path (without the long-path prefix of a junction)."""
    try:
        target = os.readlink(path)
    except (OSError, ValueError):
        return None
    return Path(os.path.normcase(os.path.abspath(target.removeprefix("\\\\?\\"))))


def _same(a: Path | None, b: Path) -> bool:
    return a is not None and a == Path(os.path.normcase(os.path.abspath(b)))


def _make(target: Path, link: Path) -> None:
    if os.name == "nt":  # a junction: no privilege needed, unlike a symbolic link
        import _winapi

        _winapi.CreateJunction(str(target), str(link))  # type: ignore[attr-defined]  # Windows
    else:
        os.symlink(target, link, target_is_directory=True)


def _remove(link: Path) -> None:
    if os.name == "nt" and not os.path.islink(link):
        os.rmdir(link)  # a junction: removes the link, never what it points to
    else:
        os.unlink(link)


def _alive(user: list[Any]) -> bool:
    import psutil

    try:
        return psutil.Process(user[0]).create_time() == user[1]  # type: ignore[no-any-return]  # JSON
    except (psutil.Error, IndexError, TypeError, ValueError):
        return False


def _users(record: Path) -> list[list[Any]]:
    try:
        users = json.loads(record.read_text(encoding="utf-8"))["users"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [user for user in users if isinstance(user, list) and _alive(user)]


@contextlib.contextmanager
def node_modules(project: Path, target: Path) -> Iterator[None]:
    """`project/node_modules` points to `target` while the block runs, unless the project has a
    node_modules of its own (used as it is). Raises RunError when another dualgen runs the same
    folder with another dependency set at the same time."""
    import psutil

    from ..cache import cache_dir, locked

    project = Path(project).resolve()
    link = project / LINK
    ours = (cache_dir() / "node").resolve()
    key = hashlib.sha256(str(project).encode()).hexdigest()[:16]
    record = cache_dir() / "links" / f"{key}.json"
    lock = record.with_name(LOCK)  # one for every link: each holds it for a moment
    me = [os.getpid(), psutil.Process().create_time(), secrets.token_hex(4)]
    with locked(lock):
        users: list[list[Any]] | None = _users(record)
        if os.path.lexists(link):
            pointed = _points_to(link) if _is_link(link) else None
            if pointed is None or not pointed.resolve().is_relative_to(ours):
                users = None  # the project's own node_modules
            elif not _same(pointed, target):
                if users:
                    raise RunError(
                        f"another dualgen runs {project} with other dependencies; "
                        "wait until it ends"
                    )
                _remove(link)
                _make(target, link)
        else:
            _make(target, link)
        if users is not None:
            record.write_text(json.dumps({"link": str(link), "users": [*users, me]}), "utf-8")
    try:
        yield
    finally:
        if users is not None:
            with locked(lock):
                left = [user for user in _users(record) if user[2] != me[2]]
                if left:
                    record.write_text(json.dumps({"link": str(link), "users": left}), "utf-8")
                else:
                    with contextlib.suppress(FileNotFoundError):
                        if _is_link(link) and _same(_points_to(link), target):
                            _remove(link)
                    record.unlink(missing_ok=True)
