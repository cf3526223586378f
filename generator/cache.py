"""dualgen's cache folder: where it is, the marker that says it is dualgen's, its entries, and a
clean that removes only what dualgen wrote there.

The folder is $DUALGEN_CACHE_DIR, else $XDG_CACHE_HOME/dualgen, else ~/.cache/dualgen. dualgen
writes `CACHEDIR.TAG` (the Cache Directory Tagging standard, which backup tools honour) into it
when it creates it. `clean` refuses a folder without the tag, removes only names of the shapes
dualgen writes (`venvs/<16 hex>`, `node/<16 hex>`, their `.tmp-`/`.old-` leftovers, the template
and hypothesis caches, the tests' tools), and never follows a link: a link is removed, its target
is not touched. Everything else in the folder is left where it is, and counted.

A cache from a dualgen older than the tag is recognised by its layout alone, strictly: when
every name in it is one dualgen writes, it is dualgen's, and the tag is written. One name that
is not refuses the clean: it is the cheapest proof that DUALGEN_CACHE_DIR names someone's own
folder, and refusing costs the user one `rm -r` of a folder they can look at first.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import RunError, UsageError

#: The marker of a complete cache entry; it holds the entry's manifest (file -> size).
COMPLETE = ".dualgen-complete"
#: Part of every cache key: entries of an older layout are never mistaken for current ones.
CACHE_FORMAT = "2"
#: How long to wait for another dualgen that installs the same dependency set.
LOCK_TIMEOUT = 900.0
#: The marker of a dualgen cache folder (https://bford.info/cachedir/).
TAG = "CACHEDIR.TAG"
SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
TAG_TEXT = SIGNATURE + (
    b"\n# This file is a cache directory tag created by dualgen.\n"
    b"# For information about cache directory tags see https://bford.info/cachedir/\n"
)

#: What each folder of the cache holds.
CACHE_KINDS = {
    "venvs": "virtualenvs of Flask projects",
    "node": "node_modules of Express projects",
    "tools": "tools the tests install",
    "jinja": "compiled templates of compare --html",
    "hypothesis": "hypothesis's own files (parity)",
}
_KEY = r"[0-9a-f]{16}"
_LEFTOVER = re.compile(rf"{_KEY}\.(?:tmp-\d+-[0-9a-f]{{8}}|old-[0-9a-f]{{8}})")
_LOCK = re.compile(rf"{_KEY}\.lock")
#: The names dualgen writes in each folder of the cache, and whether each is a folder.
_NAMES: dict[str, list[tuple[re.Pattern[str], bool]]] = {
    "venvs": [(re.compile(_KEY), True), (_LEFTOVER, True), (_LOCK, False)],
    "node": [(re.compile(_KEY), True), (_LEFTOVER, True), (_LOCK, False)],
    "tools": [(re.compile(r"[a-z0-9][a-z0-9._-]*"), True)],
    "jinja": [(re.compile(r"__jinja2_[0-9a-f]{40}\.cache(?:[a-z0-9_]{8}\.tmp)?"), False)],
    "hypothesis": [(re.compile(r"[a-z0-9_.-]+"), True), (re.compile(r"[a-z0-9_.-]+"), False)],
    # Records of node_modules links in use, and their lock: dualgen's, never cleaned.
    "links": [(re.compile(rf"{_KEY}\.json"), False), (re.compile(r"links\.lock"), False)],
}
#: Folders of bookkeeping that clean leaves (a run under way may need them).
_KEPT = {"links"}
_TAG_TEMPORARY = re.compile(rf"{re.escape(TAG)}\.tmp-\d+-[0-9a-f]{{8}}")


def cache_dir() -> Path:
    """Where installed dependency sets are kept: $DUALGEN_CACHE_DIR or ~/.cache/dualgen."""
    base = os.environ.get("DUALGEN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "dualgen"
    )
    return Path(base)


@contextlib.contextmanager
def path_errors(root: Path, what: str) -> Iterator[None]:
    """An OSError reading the cache folder becomes one line: a path that cannot be a folder
    (too long, not a folder, a loop of links) or one this user may not use is bad input
    (exit 2), others the world's."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        where = f" ({error.filename})" if error.filename and error.filename != str(root) else ""
        if error.errno in (errno.EACCES, errno.EPERM):
            raise UsageError(
                f"the cache folder {str(root)!r} cannot be used: {reason}{where}; set "
                "DUALGEN_CACHE_DIR to a folder you may read and write"
            ) from None
        if error.errno in (errno.ENAMETOOLONG, errno.ENOTDIR, errno.ELOOP):
            raise UsageError(
                f"the cache folder {str(root)!r} cannot be used: {reason}{where}; set "
                "DUALGEN_CACHE_DIR to a folder path that exists or can be made"
            ) from None
        raise RunError(f"{what} {root} failed: {reason}{where}") from None


# -- the marker -------------------------------------------------------------------------------


def tagged(root: Path) -> bool:
    """Whether root holds a CACHEDIR.TAG (a regular file) that starts with the signature."""
    tag = root / TAG
    try:
        if not stat.S_ISREG(os.lstat(tag).st_mode):
            return False
        with open(tag, "rb") as handle:
            return handle.read(len(SIGNATURE)) == SIGNATURE
    except OSError:
        return False


def _write_tag(root: Path) -> None:
    """Write the tag whole or not at all (a temporary file renamed over it)."""
    temporary = root / f"{TAG}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        temporary.write_bytes(TAG_TEXT)
        os.replace(temporary, root / TAG)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def foreign(root: Path) -> list[Path]:
    """What in root dualgen did not write: names of other shapes, and links where dualgen
    writes folders. Sorted; empty for a folder that is missing or dualgen's alone."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.iterdir()):
        if path.name == TAG or _TAG_TEMPORARY.fullmatch(path.name):
            continue
        if path.name not in _NAMES or path.is_symlink() or not path.is_dir():
            found.append(path)
            continue
        found += [child for child in sorted(path.iterdir()) if not _ours(child, path.name)]
    return found


def _ours(path: Path, kind: str) -> bool:
    """A name dualgen writes in that kind's folder, of the type it writes (never a link)."""
    if path.is_symlink():
        return False
    for pattern, folder in _NAMES[kind]:
        if pattern.fullmatch(path.name) and path.is_dir() == folder:
            return True
    return False


def cache_folder(kind: str) -> Path:
    """The folder of one kind, made if missing; a cache folder dualgen makes, or finds holding
    only what dualgen writes, gets the tag."""
    root = cache_dir()
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    if not tagged(root) and not foreign(root):
        _write_tag(root)
    return folder


# -- entries ----------------------------------------------------------------------------------


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (and machines sharing a home), on any platform."""
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout:
        raise RunError(
            f"another dualgen has held {path} for {LOCK_TIMEOUT:g} s; "
            "wait for it to finish or remove the lock file"
        ) from None
    try:
        yield
    finally:
        lock.release()


def manifest(folder: Path) -> dict[str, int]:
    """Every file of an entry and its size (-1 for a link); bytecode caches left out."""
    files: dict[str, int] = {}
    for root, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if name != "__pycache__"]
        for name in names:
            path = os.path.join(root, name)
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            if relative != COMPLETE:
                files[relative] = -1 if os.path.islink(path) else os.path.getsize(path)
    return files


def healthy(folder: Path) -> bool:
    """Whether a cache entry is complete and still has every file of its manifest, same size."""
    try:
        recorded = json.loads((folder / COMPLETE).read_text(encoding="utf-8"))["files"]
        for relative, size in recorded.items():
            info = os.stat(folder / relative)  # follows links: a dangling one fails
            if size != -1 and info.st_size != size:
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True


@dataclass(frozen=True)
class CacheEntry:
    """One entry of the cache: an installed dependency set, a tool, a leftover, or a link
    where dualgen writes a folder."""

    kind: str
    path: Path
    size: int
    #: Complete and matching its manifest; None for kinds without one.
    healthy: bool | None


def _size(path: Path) -> int:
    """Bytes under path; links count as themselves, never followed."""
    if not path.is_dir() or path.is_symlink():
        return path.lstat().st_size
    total = 0
    for root, _, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def cache_entries() -> list[CacheEntry]:
    """dualgen's entries in the cache (lock files left out), by kind then name; a link where a
    kind's folder belongs is an entry of kind "link". Names of other shapes are not entries."""
    root = cache_dir()
    entries = []
    with path_errors(root, "reading the cache"):
        kinds = sorted(root.iterdir()) if root.is_dir() else []
        for kind in (path for path in kinds if path.name in _NAMES and path.name not in _KEPT):
            if kind.is_symlink():
                entries.append(CacheEntry("link", kind, _size(kind), None))
                continue
            if not kind.is_dir():
                continue
            for path in sorted(kind.iterdir()):
                if path.is_symlink():
                    entries.append(CacheEntry("link", path, _size(path), None))
                elif _ours(path, kind.name) and not _LOCK.fullmatch(path.name):
                    leftover = bool(_LEFTOVER.fullmatch(path.name))
                    checked = kind.name in ("venvs", "node") and not leftover
                    entries.append(
                        CacheEntry(
                            "leftover" if leftover else kind.name,
                            path,
                            _size(path),
                            healthy(path) if checked else None,
                        )
                    )
    return entries


def _remove(entry: CacheEntry) -> None:
    """Remove one entry under its lock; a link is unlinked, never followed."""
    name = entry.path.name.split(".", 1)[0]
    lock = entry.path.parent / f"{name}.lock"
    use_lock = entry.kind != "link" and _LOCK.fullmatch(lock.name) and lock.is_file()
    with locked(lock) if use_lock else contextlib.nullcontext():
        if entry.path.is_symlink() or not entry.path.is_dir():
            entry.path.unlink(missing_ok=True)
        else:
            shutil.rmtree(entry.path)  # it removes links inside, never their targets


@dataclass
class Cleaned:
    """What `clean_cache` did: the entries removed, what it left as not dualgen's, and whether
    it wrote the tag into a cache of an older dualgen."""

    removed: list[CacheEntry]
    left: list[Path]
    adopted: bool = False


def clean_cache() -> Cleaned:
    """Remove dualgen's entries from a tagged cache folder (an installed set under its lock: an
    install under way finishes first). The folder, its tag and lock files stay; names dualgen
    does not write stay and are counted. Refuses a folder without the tag (UsageError) unless
    everything in it is of dualgen's layout (a cache of an older dualgen: it gets the tag)."""
    root = cache_dir()
    with path_errors(root, "cleaning the cache"):
        adopted = False
        if root.is_dir() and not tagged(root):
            others = foreign(root)
            if others:
                names = ", ".join(path.relative_to(root).as_posix() for path in others[:3])
                more = f" and {len(others) - 3} more" if len(others) > 3 else ""
                raise UsageError(
                    f"{root} is not a dualgen cache: it has no {TAG} and holds names dualgen "
                    f"does not write ({names}{more}); nothing was removed. Set "
                    "DUALGEN_CACHE_DIR to dualgen's own cache folder, or unset it"
                )
            if any(root.iterdir()):
                _write_tag(root)
                adopted = True
        removed = []
        for entry in cache_entries():
            _remove(entry)
            removed.append(entry)
        return Cleaned(removed, foreign(root), adopted)
