"""What decides an install, for the cache's key: one virtualenv or node_modules folder serves
every project whose key is the same, so the key holds everything that decides what is
installed, and what it cannot hold is refused (one line, exit 2) rather than shared.

Flask: the requirement files, followed through every `-r` and `-c` they name, as pip reads
them (continued lines, comments, `${VAR}` expanded from the environment), and pip's PIP_
settings. A local folder or archive (`./mylib`, `-e .`, `file:`), a requirement file by URL
and a local `--find-links` or index are refused: their contents are not in the text.
Express: the dependencies the cache's package.json holds, the Node version and npm's
npm_config_ settings; a `file:`, `link:` or path dependency is refused. The project's own
lockfile decides nothing: the cache installs without one (`--no-package-lock`).
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import cast

from ..errors import UsageError
from .folder import read_text

#: At most this many requirement files in one install (`-r` inside `-r` ...).
MAX_FILES = 64
_ENV = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)\}")
_COMMENT = re.compile(r"(^|\s+)#.*$")
_NESTED = {"-r": "-r", "--requirement": "-r", "-c": "-c", "--constraint": "-c"}
_LOCATIONS = ("-e", "--editable", "-f", "--find-links", "-i", "--index-url", "--extra-index-url")
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")
_REFUSED = (
    "dualgen's install cache shares one virtualenv among the projects whose requirement files "
    "read the same and cannot tell when a local folder or file changes: install from a "
    "package index, or run the project as its README says"
)


def requirements_key(project: Path, name: str) -> str:
    """The text that decides `pip install -r NAME` run in the project folder."""
    parts: list[str] = []
    seen: set[str] = set()
    _visit(project / name, name, parts, seen)
    pip = sorted(f"{k}={v}" for k, v in os.environ.items() if k.upper().startswith("PIP_"))
    return "\n".join([*parts, *pip])


def _visit(path: Path, shown: str, parts: list[str], seen: set[str]) -> None:
    key = os.path.normcase(os.path.abspath(path))
    if key in seen:
        return
    if len(seen) >= MAX_FILES:
        raise UsageError(f"requirement file {shown!r}: more than {MAX_FILES} nested files")
    seen.add(key)
    text = read_text(path, "requirements file")
    parts.append(f"== {len(text)}\n{text}")
    for variable in sorted(set(_ENV.findall(text))):
        parts.append(f"${{{variable}}}={os.environ.get(variable)}")
    for number, line in _lines(text):
        where = f"{shown} line {number}"
        for kind, target in _line_refs(line, where):
            if "://" in target:
                raise UsageError(f"{where}: {kind} {target!r} is a file by URL; {_REFUSED}")
            nested = Path(target) if os.path.isabs(target) else path.parent / target
            _visit(nested, f"{shown} → {target}", parts, seen)


def _lines(text: str) -> list[tuple[int, str]]:
    """pip's logical lines: a line ending in a backslash goes on, comments go."""
    found: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if raw.endswith("\\") and not _COMMENT.search(raw):
            pending += raw[:-1]
            continue
        line = _COMMENT.sub("", pending + raw).strip()
        pending = ""
        if line:
            found.append((start, _ENV.sub(lambda m: os.environ.get(m[1], m[0]), line)))
    if pending.strip():
        found.append((start, pending.strip()))
    return found


def _line_refs(line: str, where: str) -> list[tuple[str, str]]:
    """The requirement files a line names as (-r or -c, path); refuses a local location."""
    words = line.split(" ")
    first_option = next((i for i, word in enumerate(words) if word.startswith("-")), len(words))
    requirement = " ".join(words[:first_option]).strip()
    if requirement and _is_local(requirement):
        raise UsageError(f"{where}: {requirement!r} is a local folder or file; {_REFUSED}")
    try:
        options = shlex.split(" ".join(words[first_option:]))
    except ValueError:
        raise UsageError(f"{where}: {line!r} cannot be read as pip options") from None
    refs: list[tuple[str, str]] = []
    for index, option in enumerate(options):
        name, value = _option(option, options[index + 1 : index + 2])
        if name in _NESTED and value:
            refs.append((_NESTED[name], value))
        elif name in _LOCATIONS and value and _is_local(value):
            raise UsageError(f"{where}: {name} {value!r} is a local folder or file; {_REFUSED}")
    return refs


def _option(option: str, following: list[str]) -> tuple[str, str]:
    """An option and its value: `-r FILE`, `-rFILE`, `--requirement FILE` or `=FILE`."""
    if option.startswith("--"):
        name, equals, value = option.partition("=")
        return name, value if equals else (following[0] if following else "")
    name, value = option[:2], option[2:]
    return name, value or (following[0] if following else "")


def _is_local(text: str) -> bool:
    """Whether a requirement or location names something on this machine, not on an index."""
    lower = text.strip().lower()
    if "file:" in lower:
        return True
    if "://" in lower:
        return False
    target = lower.split("@", 1)[1].strip() if "@" in lower else lower
    return (
        target.startswith((".", "/", "~", "\\"))
        or "/" in target
        or "\\" in target
        or re.match(r"^[a-z]:", target) is not None
        or target.endswith(_ARCHIVES)
    )


def node_key(deps: dict[str, object], node_version: str) -> str:
    """The text that decides the cache's `npm install` of these dependencies (each group maps
    names to version texts: `folder.read_manifest` checked it)."""
    for group, packages in deps.items():
        for name, version in cast(dict[str, str], packages).items():
            if _is_local_package(version):
                raise UsageError(
                    f"package.json {group} {name!r} is {version!r}, a local folder or file; "
                    "dualgen's install cache shares one node_modules among the projects with "
                    "the same dependencies and cannot tell when it changes: use a registry "
                    "version, or run the project as its README says"
                )
    npm = sorted(f"{k}={v}" for k, v in os.environ.items() if k.lower().startswith("npm_config_"))
    return "\n".join([node_version.strip(), json.dumps(deps, sort_keys=True), *npm])


def _is_local_package(version: str) -> bool:
    lower = version.strip().lower()
    return lower.startswith(("file:", "link:", "portal:", ".", "/", "~", "\\")) or (
        lower.startswith("git+file:") or re.match(r"^[a-z]:[\\/]", lower) is not None
    )
