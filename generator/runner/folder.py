"""What the runner reads of a project folder, and nothing else: its framework (from the files
it has) and its package.json, each file read safely (a regular file, never a link, a FIFO or a
device, capped). It knows no answers: `generator.project` reads those."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from ..errors import SpecError, UsageError

#: Larger files than this are no answers file or manifest dualgen wrote.
MAX_FILE_BYTES = 1 << 20


def detect_framework(directory: Path) -> str:
    """The framework of a project folder: express (package.json) or flask (app.py and
    requirements.txt)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UsageError(f"{str(directory)!r} is not a folder")
    if os.path.lexists(directory / "package.json"):
        read_manifest(directory)
        return "express"
    if os.path.lexists(directory / "requirements.txt") and os.path.lexists(directory / "app.py"):
        check_regular(directory / "requirements.txt", "requirements file")
        return "flask"
    raise UsageError(
        f"{directory} is neither a Flask project (app.py, requirements.txt) nor an Express project "
        "(package.json)"
    )


def read_manifest(directory: Path) -> dict[str, object]:
    """An Express project's package.json, checked: an object whose dependencies map names to
    version texts."""
    path = Path(directory) / "package.json"
    text = read_text(path, "package.json")
    try:
        manifest = json.loads(text)
    except ValueError as error:
        raise SpecError(f"{path} is not valid JSON: {error}") from None
    except RecursionError:
        raise SpecError(f"{path} is nested too deeply to be a package.json") from None
    if not isinstance(manifest, dict):
        raise SpecError(f"{path} must hold a JSON object, not {type(manifest).__name__}")
    for key in ("dependencies", "devDependencies"):
        deps = manifest.get(key, {})
        if not isinstance(deps, dict) or not all(
            isinstance(name, str) and isinstance(version, str) for name, version in deps.items()
        ):
            raise SpecError(f"{path}: {key} must map package names to version texts")
    return manifest


def read_text(path: Path, what: str) -> str:
    """A small regular file's text: never a link, a FIFO or a device, at most MAX_FILE_BYTES."""
    check_regular(path, what)
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        descriptor = os.open(path, flags)
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise UsageError(f"{what} {str(path)!r} is not a regular file")
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise UsageError(f"{what} {str(path)!r} cannot be read: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise UsageError(f"{what} {str(path)!r} is larger than {MAX_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{what} {str(path)!r} is not UTF-8 text") from None


def check_regular(path: Path, what: str) -> None:
    try:
        info = os.lstat(path)
    except OSError as error:
        raise UsageError(f"{what} {str(path)!r} cannot be read: {error.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"{what} {str(path)!r} is a symbolic link; only a regular file is read")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{what} {str(path)!r} is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise UsageError(f"{what} {str(path)!r} is larger than {MAX_FILE_BYTES} bytes")
